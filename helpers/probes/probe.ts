// A Probe reads one signal now. It returns a fact; invariants judge it.
//
// Each probe kind is defined once, by `defineProbe` in its own file: its scenario fields (the zod
// schema member), the fields its reading yields, which of them the timeline charts, the subject
// text that plans and reports show, and its reader. The catalogue (catalogue.ts) lists the kinds;
// the schema, the loader's checks, `gameday plan`, the runner and the timeline all read from it.
import * as z from "zod";
import type { OrderRef } from "./reconciliation.ts";
import type { ShippingEvidence } from "./shipping-evidence.ts";
import type { QueueInspector } from "../broker/queue-inspector.ts";
import type { Platform } from "../platforms/platform.ts";

export interface Probe<T> {
  /** What is read, for messages and reports, e.g. "queue shipping-task". */
  readonly subject: string;
  read(): Promise<T>;
}

/** A probe's reading as scenarios see it: flat fields that `expect` compares one by one. */
export type Reading = Record<string, number | boolean | undefined>;

export interface Moments {
  scenarioStart: number;
  /** When the first fault was injected; scenario start until then. */
  fault?: number;
  phaseStart: number;
}

export const SINCE = ["scenario-start", "fault", "phase-start"] as const;
export type Since = (typeof SINCE)[number];

export function momentOf(since: Since, m: Moments): number {
  return since === "scenario-start" ? m.scenarioStart : since === "fault" ? (m.fault ?? m.scenarioStart) : m.phaseStart;
}

/** What a probe may read from: the run's platform, broker and the orders placed so far. */
export interface ProbeContext {
  platform: Platform;
  queues: QueueInspector;
  moments: () => Moments;
  /** Orders the journeys placed so far in this run. */
  orders: () => readonly OrderRef[];
  /** The run's evidence of shipping, chosen before the orders; absent when the target declares none. */
  shipping?: ShippingEvidence | undefined;
}

/** "number" fields are compared with numbers; "flag" fields are true or false. */
export type FieldType = "number" | "flag";

export interface ProbeDefinition<K extends string, Shape extends z.ZodRawShape, F extends Record<string, FieldType>> {
  readonly kind: K;
  /** The probe's fields in a scenario, besides `kind`. */
  readonly fields: Shape;
  /** What the probe reads, for the JSON Schema and the catalogue ("a RabbitMQ queue"). */
  readonly summary: string;
  /** The fields of its reading, in the order documentation lists them. */
  readonly reading: F;
  /** The reading's fields worth a line on the timeline chart (one shared axis: small numbers only). */
  readonly timeline: readonly (keyof F & string)[];
  /**
   * What is read, as plans, steps and messages name it: "queue shipping-task". With the run's
   * context when there is one (plans have none), e.g. to name the evidence a reading rests on.
   */
  subject(spec: z.output<z.ZodObject<Shape>>, context?: ProbeContext): string;
  /** The reader. A thing that is missing is an error or an absent field, never a zero. */
  read(spec: z.output<z.ZodObject<Shape>>, context: ProbeContext): () => Promise<Reading>;
}

export interface ProbeEntry<K extends string = string, Shape extends z.ZodRawShape = z.ZodRawShape, F extends Record<string, FieldType> = Record<string, FieldType>>
  extends ProbeDefinition<K, Shape, F> {
  /** The scenario schema's member for this kind. */
  readonly schema: z.ZodObject<{ kind: z.ZodLiteral<K> } & Shape, z.core.$strict>;
  /** The probe a spec of this kind describes. */
  create(spec: z.output<z.ZodObject<Shape>>, context: ProbeContext): Probe<Reading>;
}

export function defineProbe<K extends string, Shape extends z.ZodRawShape, F extends Record<string, FieldType>>(
  definition: ProbeDefinition<K, Shape, F>,
): ProbeEntry<K, Shape, F> {
  const schema = z.strictObject({ kind: z.literal(definition.kind), ...definition.fields }).describe(`${definition.summary}: ${Object.keys(definition.reading).join(", ")}`);
  return {
    ...definition,
    schema: schema,
    create: (spec, context) => ({ subject: definition.subject(spec, context), read: definition.read(spec, context) }),
  };
}
