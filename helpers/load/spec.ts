// `during.load` as a scenario writes it: k6's executor options (executor, rate, timeUnit, duration or
// startRate + stages, preAllocatedVUs, maxVUs) and thresholds, plus gameday's own: the flow the
// target offers, how much of the schedule runs before the fault (`before`) and after the revert
// (`after`), and a per-request timeout. `loadFindings` checks what the schema cannot: threshold
// syntax, the caps, and that the phases fit the schedule.
import * as z from "zod";
import { Duration, Name, isRecord } from "../core/schema-primitives.ts";
import { LOAD_PHASES, parseThresholds, type ThresholdInput } from "./thresholds.ts";
import { expectedIterations, peakRatePerSecond, scheduleLength, type ArrivalRate } from "./schedule.ts";

const ThresholdItem = z.union([
  z.string().min(1),
  z.strictObject({
    threshold: z.string().min(1),
    abortOnFail: z.boolean().default(false),
    delayAbortEval: Duration.optional(),
  }),
]);

const Common = {
  flow: Name.describe("a load flow the target offers, e.g. checkout"),
  timeUnit: Duration.default(1_000),
  preAllocatedVUs: z.int().min(1).describe("virtual users ready at the start"),
  /** Iterations in flight at most; an arrival finding none free is dropped (dropped_iterations). */
  maxVUs: z.int().min(1).optional(),
  /** How long the load runs before the faults are injected. */
  before: Duration.default(5_000),
  /** How much of the schedule remains once the faults are reverted. */
  after: Duration.default(5_000),
  /** Per request; a request unanswered by then is a failed request of this duration. */
  timeout: Duration.default(10_000),
  thresholds: z.record(z.string(), z.array(ThresholdItem).min(1)).default({}),
  /** Child processes sharing the schedule on the machine running the game day (any platform). */
  workers: z.int().min(1).default(1).describe("child processes that share the schedule (iteration i to worker i mod N)"),
  /** With --platform kubernetes: the engine runs as an Indexed Job of this many pods in the game day's namespace. */
  distributed: z.strictObject({ pods: z.int().min(1).describe("pods of the Indexed Job; iteration i to the pod with JOB_COMPLETION_INDEX i mod pods") }).optional(),
};

export const LoadSpec = z.discriminatedUnion("executor", [
  z
    .strictObject({ executor: z.literal("constant-arrival-rate"), rate: z.int().min(1), duration: Duration, ...Common })
    .describe("k6's constant-arrival-rate: rate iterations per timeUnit for duration"),
  z
    .strictObject({
      executor: z.literal("ramping-arrival-rate"),
      startRate: z.int().min(0).default(0),
      stages: z.array(z.strictObject({ target: z.int().min(0), duration: Duration })).min(1),
      ...Common,
    })
    .describe("k6's ramping-arrival-rate: from startRate, each stage moves the rate linearly to its target"),
]);
export type LoadSpec = z.output<typeof LoadSpec>;

/** The executor part of a spec. */
export function arrivalRate(spec: LoadSpec): ArrivalRate {
  return spec.executor === "constant-arrival-rate"
    ? { executor: spec.executor, rate: spec.rate, timeUnit: spec.timeUnit, duration: spec.duration }
    : { executor: spec.executor, startRate: spec.startRate, timeUnit: spec.timeUnit, stages: spec.stages };
}

export const maxVUsOf = (spec: LoadSpec): number => spec.maxVUs ?? spec.preAllocatedVUs;

export const thresholdInputs = (spec: LoadSpec): Record<string, ThresholdInput[]> =>
  Object.fromEntries(Object.entries(spec.thresholds).map(([k, list]) => [k, list.map((i) => (typeof i === "string" ? i : { threshold: i.threshold, abortOnFail: i.abortOnFail, ...(i.delayAbortEval === undefined ? {} : { delayAbortEval: i.delayAbortEval }) }))]));

// ---- caps ----------------------------------------------------------------------------------------

export interface LoadCaps {
  /** Iterations per second at the peak. */
  rate: number;
  durationMs: number;
  iterations: number;
  vus: number;
  /** Worker processes (workers) and pods (distributed.pods). */
  workers: number;
  pods: number;
}

/**
 * GAMEDAY_LOAD_MAX_RATE (per second, 2000), _MAX_DURATION (seconds, 600), _MAX_ITERATIONS (200000),
 * _MAX_VUS (1000), _MAX_WORKERS (16), _MAX_PODS (20).
 */
export function loadCaps(env: NodeJS.ProcessEnv = process.env): LoadCaps {
  const read = (name: string, fallback: number): number => {
    const v = Number(env[name]);
    return Number.isFinite(v) && v > 0 ? v : fallback;
  };
  return {
    rate: read("GAMEDAY_LOAD_MAX_RATE", 2_000),
    durationMs: read("GAMEDAY_LOAD_MAX_DURATION", 600) * 1_000,
    iterations: read("GAMEDAY_LOAD_MAX_ITERATIONS", 200_000),
    vus: read("GAMEDAY_LOAD_MAX_VUS", 1_000),
    workers: read("GAMEDAY_LOAD_MAX_WORKERS", 16),
    pods: read("GAMEDAY_LOAD_MAX_PODS", 20),
  };
}

/** A problem in `during.load`, at a path relative to it. */
export interface LoadFinding {
  path: (string | number)[];
  at?: "value" | "key";
  message: string;
  code: string;
  fix: string;
}

const seconds = (ms: number): string => `${Math.round(ms) / 1_000}s`;

/** What the schema cannot say about a `during.load` that parsed (or nearly): thresholds, caps, phases. */
export function loadFindings(raw: unknown, caps: LoadCaps = loadCaps()): LoadFinding[] {
  if (!isRecord(raw)) return [];
  const parsed = LoadSpec.safeParse(raw);
  const findings: LoadFinding[] = [];
  if (isRecord(raw.thresholds)) {
    const inputs: Record<string, ThresholdInput[]> = {};
    for (const [key, list] of Object.entries(raw.thresholds)) {
      if (!Array.isArray(list)) continue;
      inputs[key] = list.flatMap((i): ThresholdInput[] => (typeof i === "string" ? [i] : isRecord(i) && typeof i.threshold === "string" ? [{ threshold: i.threshold }] : []));
    }
    for (const problem of parseThresholds(inputs).problems) {
      const list = (raw.thresholds as Record<string, unknown[]>)[problem.key] ?? [];
      const item = problem.index === undefined ? undefined : list[problem.index];
      findings.push({
        path: problem.index === undefined ? ["thresholds", problem.key] : isRecord(item) ? ["thresholds", problem.key, problem.index, "threshold"] : ["thresholds", problem.key, problem.index],
        ...(problem.index === undefined ? { at: "key" as const } : {}),
        code: "bad_threshold",
        message: problem.message,
        fix: problem.fix,
      });
    }
  }
  if (!parsed.success) return findings;
  const spec = parsed.data;
  const executor = arrivalRate(spec);
  const length = scheduleLength(executor);
  const where = spec.executor === "constant-arrival-rate" ? "duration" : "stages";
  const peak = peakRatePerSecond(executor);
  if (peak > caps.rate) {
    findings.push({
      path: [spec.executor === "constant-arrival-rate" ? "rate" : "stages"],
      code: "over_cap",
      message: `the load peaks at ${Math.round(peak * 100) / 100} iterations/s, above the cap of ${caps.rate}/s`,
      fix: `lower the rate, or raise GAMEDAY_LOAD_MAX_RATE if this system is meant to take it`,
    });
  }
  if (length > caps.durationMs) {
    findings.push({ path: [where], code: "over_cap", message: `the load lasts ${seconds(length)}, above the cap of ${seconds(caps.durationMs)}`, fix: "shorten it, or raise GAMEDAY_LOAD_MAX_DURATION (seconds)" });
  }
  const iterations = expectedIterations(executor);
  if (iterations > caps.iterations) {
    findings.push({ path: [where], code: "over_cap", message: `the load schedules ${iterations} iterations, above the cap of ${caps.iterations}`, fix: "lower the rate or the duration, or raise GAMEDAY_LOAD_MAX_ITERATIONS" });
  }
  if (iterations === 0) {
    findings.push({ path: [where], code: "empty_load", message: "the schedule holds no iteration", fix: "give a rate and a duration that make at least one iteration" });
  }
  const maxVUs = maxVUsOf(spec);
  if (maxVUs > caps.vus) findings.push({ path: ["maxVUs"], code: "over_cap", message: `maxVUs ${maxVUs} is above the cap of ${caps.vus}`, fix: "lower it, or raise GAMEDAY_LOAD_MAX_VUS" });
  if (spec.maxVUs !== undefined && spec.maxVUs < spec.preAllocatedVUs) {
    findings.push({ path: ["maxVUs"], code: "vus", message: `maxVUs (${spec.maxVUs}) is below preAllocatedVUs (${spec.preAllocatedVUs})`, fix: "make maxVUs at least preAllocatedVUs, or leave it out" });
  }
  if (spec.workers > caps.workers) {
    findings.push({ path: ["workers"], code: "over_cap", message: `workers ${spec.workers} is above the cap of ${caps.workers}`, fix: "lower it, or raise GAMEDAY_LOAD_MAX_WORKERS" });
  }
  const shares = spec.distributed?.pods ?? spec.workers;
  if (shares > maxVUs) {
    findings.push({ path: spec.distributed ? ["distributed", "pods"] : ["workers"], code: "vus", message: `${shares} ${spec.distributed ? "pods" : "workers"} share ${maxVUs} virtual users: each needs at least one`, fix: `raise maxVUs to at least ${shares}, or share among fewer` });
  }
  if (spec.distributed) {
    if (spec.distributed.pods > caps.pods) {
      findings.push({ path: ["distributed", "pods"], code: "over_cap", message: `distributed.pods ${spec.distributed.pods} is above the cap of ${caps.pods}`, fix: "lower it, or raise GAMEDAY_LOAD_MAX_PODS" });
    }
    if (spec.workers > 1) {
      findings.push({ path: ["workers"], code: "distributed_workers", message: "workers and distributed both share the load: pick one", fix: "leave workers out when the load runs as pods (distributed.pods), or drop distributed" });
    }
  }
  if (spec.before + spec.after >= length) {
    findings.push({
      path: ["before"],
      at: "key",
      code: "no_during",
      message: `before (${seconds(spec.before)}) and after (${seconds(spec.after)}) leave none of the ${seconds(length)} schedule for the fault`,
      fix: `make ${where} longer than before + after, e.g. ${seconds(spec.before + spec.after + 10_000)}`,
    });
  }
  if (spec.timeout > length) {
    findings.push({ path: ["timeout"], code: "timeout", message: `a request timeout of ${seconds(spec.timeout)} is longer than the whole load (${seconds(length)})`, fix: "use a timeout shorter than the load" });
  }
  return findings;
}

/** The phases a threshold may name, for docs and messages. */
export const THRESHOLD_PHASES = LOAD_PHASES;
