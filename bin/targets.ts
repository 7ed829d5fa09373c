// The targets this installation knows, by the name scenarios use in `target:`.
import type { Target } from "../helpers/target/target.ts";
import { sockShop } from "../sock-shop/target.ts";

export const TARGETS: Record<string, Target> = { [sockShop.name]: sockShop };

/** The alert rule files of a known target, for checking scenarios' `detect:` before anything starts. */
export const targetRuleFiles = (target: string): readonly string[] | undefined => TARGETS[target]?.monitoring?.ruleFiles;

/** The load flows of a known target, for checking scenarios' `during.load.flow` before anything starts. */
export const targetLoadFlows = (target: string): readonly string[] | undefined => {
  const known = TARGETS[target];
  return known === undefined ? undefined : Object.keys(known.load?.flows ?? {});
};
