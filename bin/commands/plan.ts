// gameday plan <file>: what the scenario would do and mutate on its platform; reads only.
import path from "node:path";
import { stateDir } from "../../helpers/core/leftovers.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { clusterSettingsFromEnv } from "../../helpers/platforms/kubernetes/settings.ts";
import { EXIT_CODES } from "../../helpers/report/verdict.ts";
import type { LoadedScenario } from "../../helpers/scenario/loader.ts";
import type { ScenarioPlatform } from "../../helpers/scenario/platform.ts";
import { formatPlan } from "../../helpers/scenario/plan.ts";
import { formatValidation, validateFiles } from "../../helpers/scenario/validate.ts";
import { CLUSTER_OPTIONS, clusterEnvOf, parseCommandLine, PLATFORM_OPTION, platformOf, UsageError, VAR_OPTION, variablesOf } from "../options.ts";
import { CAPABILITIES, platformFor } from "../platforms.ts";
import { TARGETS, targetLoadFlows, targetRuleFiles } from "../targets.ts";
import { maxFaultDurationMs } from "../../helpers/core/limits.ts";

const PLAN = { command: "plan", options: { ...PLATFORM_OPTION, ...VAR_OPTION, ...CLUSTER_OPTIONS }, positionals: "files" } as const;

export async function plan(args: string[]): Promise<number> {
  const { values, files } = parseCommandLine(PLAN, args);
  const cluster = clusterEnvOf(values);
  // The same refusal of bad cluster settings as `run`, so a plan says what a run would say.
  clusterSettingsFromEnv({ ...process.env, ...cluster });
  if (files.length !== 1) throw new UsageError(`plan takes exactly one scenario file, got ${files.length}; plan them one at a time`);
  const result = validateFiles(files, { variables: variablesOf(values.var), targetRuleFiles, targetLoadFlows });
  if (result.failures.length > 0) {
    console.error(formatValidation(result));
    return EXIT_CODES["invalid input"];
  }
  const loaded = result.ok[0];
  if (!loaded) return EXIT_CODES["invalid input"];
  const { platform } = platformFor([loaded], platformOf(values.platform), cluster);
  console.log(planText(loaded, platform));
  return 0;
}

/** The plan of one scenario on a platform, as `gameday plan` prints it (and `run --facilitate` asks approval for). */
export function planText(loaded: LoadedScenario, platform: ScenarioPlatform): string {
  const outstanding = new Ledger(path.join(stateDir(), "ledger.jsonl")).outstanding().length;
  return formatPlan(loaded, { target: TARGETS[loaded.scenario.target], platform, capabilities: CAPABILITIES[platform], outstanding, maxFaultMs: maxFaultDurationMs() });
}
