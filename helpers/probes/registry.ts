// The probe catalogue for scenarios: one factory per probe kind of the schema; a kind without a
// factory is a compile error. Every probe yields a flat reading that `expect` compares field by field.
import { HarnessError } from "../core/errors.ts";
import { reconcile, type OrderRef, type ShipmentRef } from "../invariants/reconcile.ts";
import type { Platform } from "../platforms/platform.ts";
import type { ProbeKind, ProbeSpec } from "../scenario/schema.ts";
import type { Reading } from "../scenario/expectation.ts";
import { httpProbe } from "./http.ts";
import { eventsProbe } from "./events.ts";
import { logProbe } from "./log.ts";
import type { Probe } from "./probe.ts";
import { QueueMissing, type QueueInspector } from "./queue.ts";

export interface Moments {
  scenarioStart: number;
  /** When the first fault was injected; scenario start until then. */
  fault?: number;
  phaseStart: number;
}

export interface ProbeContext {
  platform: Platform;
  queues: QueueInspector;
  moments: () => Moments;
  /** Orders the journeys placed so far in this run. */
  orders: () => readonly OrderRef[];
  /** Shipments the target recorded; absent when the target records none. */
  shipments?: (() => Promise<readonly ShipmentRef[]>) | undefined;
}

function momentOf(since: "scenario-start" | "fault" | "phase-start", m: Moments): number {
  return since === "scenario-start" ? m.scenarioStart : since === "fault" ? (m.fault ?? m.scenarioStart) : m.phaseStart;
}

type Factories = { [K in ProbeKind]: (spec: Extract<ProbeSpec, { kind: K }>, context: ProbeContext) => Probe<Reading> };

const factories: Factories = {
  queue: (spec, { queues }) => ({
    subject: `queue ${spec.name}`,
    read: async () => {
      try {
        const stats = await queues.stats(spec.name);
        // AMQP reports ready messages only; unacknowledged ones come from the management API, if any.
        const unacked = await queues.unacked(spec.name).catch(() => undefined);
        return { exists: true, depth: stats.depth, ready: stats.depth, consumers: stats.consumers, ...(unacked === undefined ? {} : { unacked }) };
      } catch (error) {
        // Only "exists" is known about a missing queue: depth and consumers stay absent, never 0.
        if (error instanceof QueueMissing) return { exists: false };
        throw error;
      }
    },
  }),
  deployment: (spec, { platform }) => ({
    subject: `deployment ${spec.name}`,
    read: async () => {
      const { desired, running, ready, available, restarts, crashLooping } = await platform.deployment(spec.name);
      return { desired, running, ready, available, restarts, crashLooping };
    },
  }),
  http: (spec, { platform }) => httpProbe(platform, spec.service, spec.path, spec.method, spec.timeout),
  log: (spec, { platform, moments }) => logProbe(platform, spec.deployment, spec.pattern, () => momentOf(spec.since, moments())),
  events: (spec, { platform, moments }) => eventsProbe(platform, spec, () => momentOf(spec.since, moments())),
  reconciliation: (_spec, { orders, shipments }) => ({
    subject: "orders-to-shipments reconciliation",
    read: async () => {
      if (!shipments) throw new HarnessError("this target records no shipments, so orders cannot be reconciled");
      const result = reconcile(orders(), await shipments());
      return { placed: result.placed, missing: result.missing.length, duplicated: result.duplicated.length };
    },
  }),
  link: (spec, { platform }) => ({
    subject: `link ${spec.from} → ${spec.to}`,
    read: async () => {
      const reading = await platform.measureLink(spec.from, spec.to, spec.timeout);
      return { latencyMs: reading.latencyMs, answered: reading.outcome === "answered" };
    },
  }),
};

export function createProbe(spec: ProbeSpec, context: ProbeContext): Probe<Reading> {
  return (factories[spec.kind] as (s: ProbeSpec, c: ProbeContext) => Probe<Reading>)(spec, context);
}
