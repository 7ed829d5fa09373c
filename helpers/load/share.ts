// A share of one load, run away from the game day (a worker process, a pod): iteration i of the whole
// schedule belongs to share i mod N. Round-robin rather than contiguous slices: each share then spans
// the whole schedule at 1/N of its rate, so every phase (before, during, after) and every stage of a
// ramp is spread evenly over the shares, and one slow share cannot skew a single phase.
import { HarnessError } from "../core/errors.ts";
import type { LoadFlow, LoadFlowCatalogue } from "../target/load-flow.ts";
import type { BatchRecorder } from "./events.ts";
import { LoadEngine } from "./engine.ts";
import type { ArrivalRate } from "./schedule.ts";

/** Everything a share needs to run, as plain data (it crosses a process or a cluster). */
export interface ShareConfig {
  /** The target's flow catalogue: its module and export (LoadFlowCatalogue.source). */
  catalogue: { module: string; exportName: string };
  flow: string;
  baseUrl: string;
  executor: ArrivalRate;
  /** This share's virtual users (its part of maxVUs). */
  maxVUs: number;
  timeoutMs: number;
  share: { index: number; of: number };
  /** Unique to the share: the flow's setup names what it creates after it. */
  runId: string;
  allowRemote: boolean;
}

/** Share `index`'s part of `maxVUs` virtual users among `of` shares (they add up to maxVUs; at least 1). */
export const vusOfShare = (maxVUs: number, index: number, of: number): number => Math.max(1, Math.floor(maxVUs / of) + (index < maxVUs % of ? 1 : 0));

/** The configuration of every share of a load. */
export function shareConfigs(base: Omit<ShareConfig, "share" | "maxVUs" | "runId">, maxVUs: number, of: number, runId: string): ShareConfig[] {
  return Array.from({ length: of }, (_, index) => ({ ...base, maxVUs: vusOfShare(maxVUs, index, of), share: { index, of }, runId: `${runId}-${index}` }));
}

/** Where a catalogue can be found by another process, or why it cannot. */
export function catalogueSource(catalogue: LoadFlowCatalogue, what: string): { module: string; exportName: string } {
  if (!catalogue.source) throw new HarnessError(`${what} needs the target's load flows to be importable by another process, and its flow catalogue declares no source (LoadFlowCatalogue.source: its module's import.meta.url and export name)`);
  return catalogue.source;
}

async function loadFlow(config: ShareConfig, bundled?: LoadFlowCatalogue): Promise<LoadFlow> {
  const module = bundled ? undefined : ((await import(config.catalogue.module)) as Record<string, unknown>);
  const catalogue = bundled ?? (module?.[config.catalogue.exportName] as LoadFlowCatalogue | undefined);
  const flow = catalogue?.flows[config.flow];
  if (!flow) throw new Error(`${config.catalogue.module} has no load flow "${config.flow}" in its export ${config.catalogue.exportName}`);
  return flow;
}

/**
 * The engine of one share, recording into `recorder`; its setup has run when this resolves. The flow
 * comes from the catalogue's module, or from `bundled` (a pod's bundle carries its catalogue).
 */
export async function prepareShare(config: ShareConfig, recorder: BatchRecorder, bundled?: LoadFlowCatalogue): Promise<LoadEngine> {
  const engine = new LoadEngine({
    flow: await loadFlow(config, bundled),
    baseUrl: config.baseUrl,
    executor: config.executor,
    maxVUs: config.maxVUs,
    timeoutMs: config.timeoutMs,
    allowRemote: config.allowRemote,
    share: config.share,
    events: recorder,
    runId: config.runId,
  });
  await engine.prepare();
  return engine;
}
