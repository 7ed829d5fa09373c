// The scenario schema: the single source of truth for what a game-day YAML file may say. Types are
// inferred from it, scenarios/schema.json is generated from it, and every level is strict so a
// mistyped key fails. Durations are written "500ms", "30s", "2m", "1h" and become milliseconds.
import * as z from "zod";

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

export const Duration = z
  .string({ error: 'use a duration such as "500ms", "30s", "2m" or "1h"' })
  .regex(DURATION, { error: 'use a duration such as "500ms", "30s", "2m" or "1h"' })
  .transform((text) => {
    const [, amount, unit] = DURATION.exec(text) as unknown as [string, string, keyof typeof UNIT_MS];
    return Math.round(Number(amount) * UNIT_MS[unit]);
  });

export const Name = z.string().regex(/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/, { error: "use lower-case letters, digits and dashes, e.g. queue-master" });

/** A number, or a run value such as "${journeys.completed}" resolved while the game day runs. */
export const NumberOrRunValue = z.union([z.number(), z.string().regex(/^\$\{run\.[a-zA-Z.]+\}$/, { error: 'a number, or a run value such as "${run.ordersPlaced}"' })]);

export const Comparison = z.union([
  NumberOrRunValue,
  z.boolean(),
  z
    .strictObject({
      eq: NumberOrRunValue.optional(),
      ne: NumberOrRunValue.optional(),
      lt: NumberOrRunValue.optional(),
      lte: NumberOrRunValue.optional(),
      gt: NumberOrRunValue.optional(),
      gte: NumberOrRunValue.optional(),
    })
    .refine((o) => Object.keys(o).length > 0, { error: "give at least one of eq, ne, lt, lte, gt, gte" }),
]);

// ---- probes: what can be read ------------------------------------------------------------------

export const ProbeSpec = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("queue"), name: z.string().min(1) }).describe("a RabbitMQ queue: depth, consumers, ready, unacked, exists"),
  z.strictObject({ kind: z.literal("deployment"), name: Name }).describe("a deployment: desired, running, ready, available, restarts, crashLooping"),
  z
    .strictObject({
      kind: z.literal("http"),
      service: Name,
      path: z.string().startsWith("/", { error: 'a path starts with "/"' }).default("/"),
      method: z.enum(["GET", "HEAD"]).default("GET"),
      timeout: Duration.default(5_000),
    })
    .describe("an HTTP request to a service: status, latencyMs, ok"),
  z
    .strictObject({
      kind: z.literal("log"),
      deployment: Name,
      pattern: z.string().min(1),
      since: z.enum(["scenario-start", "fault", "phase-start"]).default("phase-start"),
    })
    .describe("log lines matching a pattern since a moment: count, seen"),
  z
    .strictObject({
      kind: z.literal("events"),
      reason: z.string().min(1).optional(),
      object: z.string().min(1).optional(),
      type: z.enum(["Normal", "Warning"]).optional(),
      since: z.enum(["scenario-start", "fault", "phase-start"]).default("phase-start"),
    })
    .describe("platform events (Kubernetes events, the local supervisor's) matching reason, object prefix and type since a moment: count, seen"),
  z.strictObject({ kind: z.literal("reconciliation") }).describe("orders placed during the run against shipments: placed, missing, duplicated"),
  z
    .strictObject({ kind: z.literal("link"), from: Name, to: Name, timeout: Duration.default(5_000) })
    .describe("one round trip from a deployment to a dependency, over the path its replicas use: latencyMs, answered"),
]);
export type ProbeSpec = z.output<typeof ProbeSpec>;
export type ProbeKind = ProbeSpec["kind"];

/** The fields each probe kind yields, for checking `expect` keys and suggesting the right one. */
export const PROBE_FIELDS: Record<ProbeKind, readonly string[]> = {
  queue: ["depth", "consumers", "ready", "unacked", "exists"],
  deployment: ["desired", "running", "ready", "available", "restarts", "crashLooping"],
  http: ["status", "latencyMs", "ok"],
  log: ["count", "seen"],
  events: ["count", "seen"],
  reconciliation: ["placed", "missing", "duplicated"],
  link: ["latencyMs", "answered"],
};

/** The fields of PROBE_FIELDS that are true or false; the others are numbers. */
export const PROBE_FLAGS: Record<ProbeKind, readonly string[]> = {
  queue: ["exists"],
  deployment: ["crashLooping"],
  http: ["ok"],
  log: ["seen"],
  events: ["seen"],
  reconciliation: [],
  link: ["answered"],
};

const Expectation = z.record(z.string(), Comparison).refine((e) => Object.keys(e).length > 0, { error: "expect needs at least one field" });

const Check = {
  probe: ProbeSpec,
  expect: Expectation,
  /** Reads as the sentence after "expected", in reports. */
  description: z.string().optional(),
  interval: Duration.default(100),
};

// ---- invariants: a probe, a condition, a temporal mode --------------------------------------------

export const InvariantSpec = z.discriminatedUnion("mode", [
  z.strictObject({ mode: z.literal("always"), ...Check }).describe("holds at every sample of the phase"),
  z.strictObject({ mode: z.literal("never"), ...Check }).describe("holds at no sample of the phase"),
  z.strictObject({ mode: z.literal("eventually"), within: Duration, ...Check }).describe("holds at some sample within the deadline"),
  z.strictObject({ mode: z.literal("at-least-once"), ...Check }).describe("holds at one sample of the phase or more"),
  z.strictObject({ mode: z.literal("stays"), for: Duration, within: Duration.optional(), ...Check }).describe("holds at every sample for a duration"),
]);
export type InvariantSpec = z.output<typeof InvariantSpec>;

// ---- faults ------------------------------------------------------------------------------------

const FaultTiming = {
  /** Offset from the start of the during phase; faults without one are injected before it. */
  start: Duration.optional(),
  /** Reverted after this long even if the game day is still running; also the watchdog limit. */
  duration: Duration.optional(),
};

export const FaultSpec = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("scale"), deployment: Name, replicas: z.int().min(0).max(50), ...FaultTiming }),
  z.strictObject({
    kind: z.literal("kill-replica"),
    deployment: Name,
    count: z.int().min(1).max(10).default(1),
    /** Overrides count: this share of the running replicas, rounded up. */
    percent: z.int().min(1).max(100).optional(),
    signal: z.enum(["SIGKILL", "SIGTERM"]).default("SIGKILL"),
    ...FaultTiming,
  }),
  z.strictObject({ kind: z.literal("broken-build"), deployment: Name, image: z.string().min(1), ...FaultTiming }),
  z.strictObject({ kind: z.literal("broker-outage"), ...FaultTiming }),
  z.strictObject({
    kind: z.literal("patch-env"),
    deployment: Name,
    env: z
      .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { error: "an environment variable name: letters, digits and _" }), z.union([z.string(), z.null()]))
      .refine((e) => Object.keys(e).length > 0, { error: "name at least one variable (null unsets it)" }),
    ...FaultTiming,
  }),
  z.strictObject({ kind: z.literal("isolate"), deployment: Name, ...FaultTiming }),
  z.strictObject({ kind: z.literal("drain-node"), deployment: Name, node: z.string().min(1).optional(), ...FaultTiming }),
  z.strictObject({ kind: z.literal("latency"), from: Name, to: Name, delay: Duration, jitter: Duration.default(0), ...FaultTiming }),
  z.strictObject({ kind: z.literal("blackhole"), from: Name, to: Name, ...FaultTiming }),
  z.strictObject({
    kind: z.literal("http-error"),
    service: Name,
    status: z.int().min(400).max(599).default(503),
    rate: z.number().gt(0).max(1).default(1),
    ...FaultTiming,
  }),
]);
export type FaultSpec = z.output<typeof FaultSpec>;
export type FaultKind = FaultSpec["kind"];

// ---- journeys and load -------------------------------------------------------------------------

export const JourneySpec = z.strictObject({
  journey: Name.describe("a journey the target registers, e.g. checkout"),
  count: z.int().min(1).max(100).default(1),
  user: z.string().min(1).optional(),
  /** Whether a failed iteration is a finding (users saw errors) or expected under this fault. */
  mustSucceed: z.boolean().default(true),
});
export type JourneySpec = z.output<typeof JourneySpec>;

export const LoadSpec = z.strictObject({
  script: z.string().min(1),
  vus: z.int().min(1).max(200).default(5),
  duration: Duration,
});

// ---- variables ---------------------------------------------------------------------------------

export const VariableSpec = z.union([
  z.string(),
  z.number(),
  z.strictObject({
    default: z.union([z.string(), z.number()]).optional(),
    env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, { error: "an environment variable name, e.g. GAMEDAY_NAMESPACE" }).optional(),
    /** A credential: its value is never printed, in plans, logs or reports. */
    secret: z.boolean().default(false),
    description: z.string().optional(),
  }),
]);

// ---- the scenario ------------------------------------------------------------------------------

export const ScenarioSpec = z.strictObject({
  name: Name,
  description: z.string().min(1),
  tags: z.array(z.string().min(1)).default([]),
  severity: z.enum(["blocker", "critical", "normal", "minor", "trivial"]).default("normal"),
  target: Name,
  platform: z
    .enum(["local", "kubernetes"])
    .default("local")
    .describe("where the scenario runs when the command line gives no --platform (which overrides it); absent means local"),
  variables: z.record(z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]*$/), VariableSpec).default({}),
  "steady-state": z.array(InvariantSpec).min(1, { error: "a scenario needs a steady state to check before any fault" }),
  faults: z.array(FaultSpec).min(1, { error: "a scenario needs at least one fault" }),
  proof: z.array(InvariantSpec).default([]),
  during: z
    .strictObject({
      journeys: z.array(JourneySpec).default([]),
      load: LoadSpec.optional(),
      invariants: z.array(InvariantSpec).default([]),
    })
    .default({ journeys: [], invariants: [] }),
  recover: z.strictObject({ revert: z.boolean().default(true), settle: Duration.default(0) }).default({ revert: true, settle: 0 }),
  after: z.array(InvariantSpec).default([]),
  report: z
    .strictObject({ timeline: z.array(ProbeSpec).default([]) })
    .default({ timeline: [] }),
});
export type Scenario = z.output<typeof ScenarioSpec>;
export type ScenarioInput = z.input<typeof ScenarioSpec>;
