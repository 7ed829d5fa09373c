// `gameday plan`: what a scenario would do, phase by phase, and exactly what it would mutate —
// without touching anything.
import { formatMs } from "../core/time.ts";
import type { PlatformCapability } from "../platforms/platform.ts";
import { createFault, whyPlatformCannot } from "../faults/index.ts";
import type { Target } from "../target/target.ts";
import { expectation } from "./expectation.ts";
import { LOAD_POD_IMAGE } from "../load/bundle.ts";
import type { LoadedScenario } from "./loader.ts";
import { probeSubject } from "../probes/catalogue.ts";
import type { AbortWhenSpec, DetectSpec, FaultSpec, InvariantSpec } from "./schema.ts";

/** "eventually: queue shipping-task: the backlog drains within 30.0 s": a check as the plan states it. */
export function describeCheck(spec: InvariantSpec): string {
  const condition = spec.description ?? expectation(spec.expect, () => ({ ordersPlaced: NaN, journeysCompleted: NaN })).description.replace(/ \(now NaN\)/g, "");
  const timing = spec.mode === "eventually" ? ` within ${formatMs(spec.within)}` : spec.mode === "stays" ? ` for ${formatMs(spec.for)}` : "";
  return `${spec.mode}: ${probeSubject(spec.probe)}: ${condition}${timing}`;
}

/** The words of one abort condition, as the runner and the plan print it. */
export function abortWhen(spec: AbortWhenSpec): string {
  const condition = spec.description ?? expectation(spec.expect, () => ({ ordersPlaced: NaN, journeysCompleted: NaN })).description.replace(/ \(now NaN\)/g, "");
  return `${probeSubject(spec.probe)}: ${condition}${spec.for > 0 ? ` for ${formatMs(spec.for)}` : ""}`;
}

/** The original state a fault will replace, as far as the target's definition tells before a run. */
function before(spec: FaultSpec, target: Target | undefined): string {
  if (!target || !("deployment" in spec)) return "";
  const deployment = target.localDeployments({ brokerUrl: () => "amqp://", dataDir: "/nonexistent" } as never).find((d) => d.name === spec.deployment);
  if (!deployment) return `  (the target has no deployment "${spec.deployment}": the run will refuse it)`;
  return `  (declared: ${deployment.replicas} replica(s)${"image" in deployment ? `, image ${String((deployment as { image?: string }).image)}` : ""})`;
}

/** "ShippingTaskNotConsumed fires within 60.0 s of the fault, resolves within 30.0 s of the revert". */
export function describeDetection(spec: DetectSpec): string {
  if (spec.never) return `${spec.alert} never fires`;
  return `${spec.alert} fires within ${formatMs(spec.fires?.within ?? 0)} of the fault${spec.resolves ? `, resolves within ${formatMs(spec.resolves.within)} of the revert` : ""}`;
}

export function formatPlan(
  loaded: LoadedScenario,
  options: { target?: Target | undefined; platform: string; capabilities?: ReadonlySet<PlatformCapability> | undefined; outstanding: number; maxFaultMs: number },
): string {
  const s = loaded.scenario;
  const lines: string[] = [];
  const add = (phase: string, text: string): void => void lines.push(`  ${phase.padEnd(10)}  ${text}`);
  lines.push(`plan for ${loaded.file}: ${s.name} → target ${s.target} on the ${options.platform} platform`);
  const cannot = options.capabilities && whyPlatformCannot(options.platform, options.capabilities, s.faults);
  if (cannot) {
    lines.push(`  SKIPPED: ${cannot}`);
    return lines.join("\n");
  }
  lines.push("  this command reads only; it starts and mutates nothing.\n");
  add("preflight", `janitor: revert faults left by crashed runs (${options.outstanding} outstanding in the ledger now)`);
  for (const spec of s["steady-state"]) add("", `steady state, ${describeCheck(spec)}   (failing: environment not ready, exit 3)`);
  s.faults.forEach((spec, i) => {
    const fault = createFault(spec);
    const timing = [spec.start !== undefined ? `starts ${formatMs(spec.start)} into "during"` : "", spec.duration !== undefined ? `reverted after ${formatMs(spec.duration)}` : ""]
      .filter((t) => t !== "")
      .join(", ");
    add(i === 0 ? "inject" : "", `${i + 1}. MUTATES: ${fault.title}${timing ? ` (${timing})` : ""}${before(spec, options.target)}`);
  });
  add("", "each fault is recorded in the ledger before it is applied, proven to take effect, and reverted in teardown");
  for (const spec of s.proof) add("", `proof, ${describeCheck(spec)}   (failing: fault not effective, exit 3)`);
  for (const j of s.during.journeys) add("during", `journey ${j.journey} × ${j.count}${j.user ? ` as ${j.user}` : ""}${j.mustSucceed ? "" : " (failures tolerated)"}`);
  const load = s.during.load;
  if (load) {
    const shared = load.distributed ? `, shared by ${load.distributed.pods} pods` : load.workers > 1 ? `, shared by ${load.workers} worker processes on this machine` : "";
    add(s.during.journeys.length === 0 ? "during" : "", `load ${load.flow} (${load.executor}${shared}), from ${formatMs(load.before)} before the fault to ${formatMs(load.after)} after the revert`);
    if (load.distributed) {
      add("", `CREATES: Indexed Job gameday-load-<id> of ${load.distributed.pods} pods on ${LOAD_POD_IMAGE} in the game day's namespace, with its ConfigMaps, ServiceAccount, Role (ConfigMaps only) and RoleBinding; recorded in the ledger first, deleted when the load ends`);
    }
  }
  for (const spec of s.during.invariants) add(s.during.journeys.length === 0 && !load ? "during" : "", describeCheck(spec));
  s["abort-when"].forEach((spec, i) => add(i === 0 ? "abort when" : "", `${abortWhen(spec)}: revert every fault at once, end as aborted (a finding, exit 1)`));
  add("recover", s.recover.revert ? "revert every fault, newest first" : "no revert here (recover.revert: false); teardown still reverts");
  if (s.recover.settle > 0) add("", `settle ${formatMs(s.recover.settle)}`);
  s.after.forEach((spec, i) => add(i === 0 ? "after" : "", describeCheck(spec)));
  add("limits", `no fault stays applied longer than ${formatMs(options.maxFaultMs)} (watchdog; GAMEDAY_MAX_FAULT_DURATION)`);
  return lines.join("\n");
}
