// What the CLI knows of each platform: the Playwright project that runs scenarios on it, what it can
// change (for `plan`), and which one a run uses. Records over the schema's platform names, so a new
// platform does not compile until it has a project and capabilities.
import path from "node:path";
import { BLAST_RADIUS_ENV } from "../helpers/platforms/blast-radius.ts";
import { KUBERNETES_CAPABILITIES } from "../helpers/platforms/kubernetes/settings.ts";
import { LOCAL_CAPABILITIES } from "../helpers/platforms/local/local-platform.ts";
import type { PlatformCapability } from "../helpers/platforms/platform.ts";
import { ScenarioError } from "../helpers/core/errors.ts";
import { positionOf, type LoadedScenario } from "../helpers/scenario/loader.ts";
import { resolvePlatform, type PlatformChoice, type ScenarioPlatform } from "../helpers/scenario/platform.ts";
import { UsageError } from "./options.ts";

export const PROJECTS: Record<ScenarioPlatform, string> = { local: "sock-shop", kubernetes: "sock-shop-kubernetes" };
export const CAPABILITIES: Record<ScenarioPlatform, ReadonlySet<PlatformCapability>> = { local: LOCAL_CAPABILITIES, kubernetes: KUBERNETES_CAPABILITIES };

/** A scenario file as messages show it: relative to the working directory when it is below it. */
export function shownFile(file: string): string {
  const relative = path.relative(process.cwd(), file);
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? file : relative;
}

/**
 * The platform `run` and `plan` use: --platform, else what the scenarios declare (refused when they
 * differ). The cluster options only mean something on kubernetes, so they are refused on local; the
 * blast radius (--max-replicas, --max-percent) applies on every platform.
 */
export function platformFor(scenarios: readonly LoadedScenario[], explicit: ScenarioPlatform | undefined, clusterEnv: Record<string, string>): PlatformChoice {
  const choice = resolvePlatform(scenarios.map((s) => ({ file: shownFile(s.file), platform: s.scenario.platform })), explicit);
  const blastRadius: readonly string[] = Object.values(BLAST_RADIUS_ENV);
  if (Object.keys(clusterEnv).some((name) => !blastRadius.includes(name)) && choice.platform !== "kubernetes") {
    const why = choice.from === "scenarios" ? ` (the selected scenarios declare ${choice.platform}, the default when platform: is absent)` : "";
    throw new UsageError(`--kubeconfig, --context, --namespace, --allow-namespace and --endpoint need --platform kubernetes${why}`);
  }
  // The loader refuses distributed without platform: kubernetes; an explicit --platform can still move it.
  const distributed = scenarios.filter((s) => s.scenario.during.load?.distributed !== undefined);
  if (choice.platform !== "kubernetes" && distributed.length > 0) {
    const where = distributed.map((s) => {
      const { line, col } = positionOf(s.source, ["during", "load", "distributed"]);
      return `${shownFile(s.file)}:${line}:${col}`;
    });
    throw new ScenarioError(`${where.join(", ")}  during.load.distributed runs the load as pods of a Kubernetes Indexed Job, and this run uses --platform ${choice.platform}\nfix: run with --platform kubernetes, or use workers: N to share the load among processes on this machine`);
  }
  return choice;
}
