// The scenario schema: the single source of truth for what a game-day YAML file may say. Types are
// inferred from it, scenarios/schema.json is generated from it, and every level is strict so a
// mistyped key fails. Durations are written "500ms", "30s", "2m", "1h" and become milliseconds.
import * as z from "zod";

export { Duration, Name } from "../core/schema-primitives.ts";
import { Duration, Name } from "../core/schema-primitives.ts";
import { FaultSpec } from "../faults/index.ts";
import { LoadSpec } from "../load/spec.ts";
import { AlertName } from "../probes/alert.ts";
import { PROBE_FIELDS, PROBE_FLAGS, ProbeSpec } from "../probes/catalogue.ts";

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

// ---- probes and faults: one entry per kind, in helpers/probes/ and helpers/faults/ ---------------

export { FaultSpec, ProbeSpec, PROBE_FIELDS, PROBE_FLAGS };
export type { FaultKind } from "../faults/index.ts";
export type { ProbeKind } from "../probes/catalogue.ts";

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

// ---- abort conditions: watched from the first fault to the last check ------------------------------

export const AbortWhenSpec = z
  .strictObject({ ...Check, for: Duration.default(0).describe("how long the condition must hold at every sample before the game day aborts") })
  .describe("a condition that, once it holds (for `for`), reverts every fault at once and ends the game day as aborted (a finding, exit 1)");
export type AbortWhenSpec = z.output<typeof AbortWhenSpec>;

// ---- detection: what the target's monitoring must (or must not) do ---------------------------------

export const DetectSpec = z
  .strictObject({
    alert: AlertName,
    /** Only alerts carrying these labels count, e.g. { queue: shipping-task }. */
    labels: z.record(z.string(), z.string()).default({}),
    /** The alert must be firing within this long after the fault took effect. */
    fires: z.strictObject({ within: Duration }).optional(),
    /** Once the fault is reverted, the alert must stop firing within this long. */
    resolves: z.strictObject({ within: Duration }).optional(),
    /** The alert must not fire at any moment of the game day: this fault is not its business. */
    never: z.literal(true).optional(),
    description: z.string().optional(),
  })
  .refine((d) => d.never === undefined || (d.fires === undefined && d.resolves === undefined), { error: "never: true cannot be combined with fires or resolves", path: ["never"] })
  .refine((d) => d.never !== undefined || d.fires !== undefined, { error: "say what monitoring must do: fires: { within: 90s }, or never: true", path: ["fires"] })
  .describe("an alert of the target's monitoring that must fire (within T of the fault, and resolve within T of the revert) or never fire");
export type DetectSpec = z.output<typeof DetectSpec>;

export const FindingKind = z.enum(["resilience", "invariant", "recovery", "detection", "aborted"]);

// ---- journeys and load -------------------------------------------------------------------------

export const JourneySpec = z.strictObject({
  journey: Name.describe("a journey the target registers, e.g. checkout"),
  count: z.int().min(1).max(100).default(1),
  user: z.string().min(1).optional(),
  /** Whether a failed iteration is a finding (users saw errors) or expected under this fault. */
  mustSucceed: z.boolean().default(true),
});
export type JourneySpec = z.output<typeof JourneySpec>;

/** `during.load`: an open-model load in k6's vocabulary (helpers/load/spec.ts). */
export { LoadSpec };

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
  /** Stop conditions: the game day reverts at once and ends as aborted when one holds (AWS FIS stop conditions). */
  "abort-when": z.array(AbortWhenSpec).default([]),
  recover: z.strictObject({ revert: z.boolean().default(true), settle: Duration.default(0) }).default({ revert: true, settle: 0 }),
  after: z.array(InvariantSpec).default([]),
  detect: z.array(DetectSpec).default([]),
  /** Alert rule files the run's monitoring evaluates instead of the target's own (rules under test), relative to this file. */
  monitoring: z.strictObject({ rules: z.array(z.string().min(1)).min(1) }).optional(),
  /**
   * This game day demonstrates a known finding: it passes when it ends with a finding of this kind
   * (and says so), and fails when the system unexpectedly held.
   */
  "expect-finding": FindingKind.optional(),
  /** Gates on numbers: bounds on the key times, and how far they may regress from earlier runs. */
  gates: z
    .strictObject({
      detect: Duration.optional().describe("most time from the proven fault to the alert firing"),
      notify: Duration.optional().describe("most time from the proven fault to the notification"),
      recover: Duration.optional().describe("most time from the revert to every after-check holding"),
      drain: Duration.optional().describe("most time from the revert to the queue drained"),
      resolve: Duration.optional().describe("most time from the revert to the alert resolved"),
      regression: z
        .strictObject({
          tolerance: z.number().min(0).max(1000).describe("percent above the median of earlier runs a key time may be"),
          runs: z.int().min(1).max(50).default(5).describe("how many earlier runs of this scenario (reports/history/) the median is over"),
        })
        .optional(),
    })
    .optional(),
  report: z
    .strictObject({ timeline: z.array(ProbeSpec).default([]) })
    .default({ timeline: [] }),
});
export type Scenario = z.output<typeof ScenarioSpec>;
export type ScenarioInput = z.input<typeof ScenarioSpec>;
