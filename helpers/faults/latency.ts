// latency: slows the path from one deployment to one dependency (a service or the broker): every
// round trip over it takes `delay` ± `jitter` longer. Reverting restores the recorded condition.
import { that } from "../invariants/temporal.ts";
import type { LinkReading } from "../platforms/platform.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface LatencySpec {
  from: string;
  to: string;
  /** Milliseconds added to each round trip. */
  delay: number;
  jitter?: number;
  proofTimeoutMs?: number;
}

export function latency(spec: LatencySpec): Fault {
  const jitter = spec.jitter ?? 0;
  const title = `add ${spec.delay} ms${jitter > 0 ? ` ± ${jitter} ms` : ""} of latency from ${spec.from} to ${spec.to}`;
  return {
    kind: "latency",
    requires: "links",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.link(spec.from, spec.to);
      const original = { from: spec.from, to: spec.to, condition: before };
      const record = faultRecord({ platform, ledger, runId }, "latency", title, original);
      const restore = async (): Promise<void> => {
        await platform.setLink(spec.from, spec.to, before);
      };
      const { injection } = await recordThenMutate(
        ledger,
        record,
        () => platform.setLink(spec.from, spec.to, { mode: "latency", delayMs: spec.delay, jitterMs: jitter }),
        restore,
      );
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          // A sample below the delay is possible with jitter; one at or above the floor is the evidence.
          const floor = Math.max(spec.delay - jitter, spec.delay / 2);
          const probe = { subject: `round trip from ${spec.from} to ${spec.to}`, read: () => platform.measureLink(spec.from, spec.to, spec.delay + jitter + 5_000) };
          const slow = that<LinkReading>(`an answer taking at least ${floor} ms`, (r) => r.outcome === "answered" && r.latencyMs >= floor);
          const seen = await proveWithin(title, probe, slow, spec.proofTimeoutMs ?? 10_000 + 2 * (spec.delay + jitter));
          return `round trip from ${spec.from} to ${spec.to} answered in ${seen.latencyMs} ms (delay ${spec.delay} ms, jitter ${jitter} ms)`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
