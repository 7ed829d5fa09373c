// blackhole: the path from one deployment to one dependency accepts connections and never answers,
// as a dropped route or a firewall that silently discards would. Reverting restores the recorded
// condition; the connections the blackhole held are reset then.
import { that } from "../invariants/temporal.ts";
import type { LinkReading } from "../platforms/platform.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface BlackholeSpec {
  from: string;
  to: string;
  /** How long a round trip waits for an answer before it counts as unanswered. */
  answerTimeoutMs?: number;
  proofTimeoutMs?: number;
}

export function blackhole(spec: BlackholeSpec): Fault {
  const title = `blackhole the path from ${spec.from} to ${spec.to}`;
  const answerTimeoutMs = spec.answerTimeoutMs ?? 1_000;
  return {
    kind: "blackhole",
    requires: "links",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.link(spec.from, spec.to);
      const original = { from: spec.from, to: spec.to, condition: before };
      const record = faultRecord({ platform, ledger, runId }, "blackhole", title, original);
      const restore = async (): Promise<void> => {
        await platform.setLink(spec.from, spec.to, before);
      };
      const { injection } = await recordThenMutate(ledger, record, () => platform.setLink(spec.from, spec.to, { mode: "blackhole" }), restore);
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const probe = { subject: `round trip from ${spec.from} to ${spec.to}`, read: () => platform.measureLink(spec.from, spec.to, answerTimeoutMs) };
          const silent = that<LinkReading>(`connected, and no answer within ${answerTimeoutMs} ms`, (r) => r.outcome === "timeout");
          await proveWithin(title, probe, silent, spec.proofTimeoutMs ?? 10_000);
          return `round trip from ${spec.from} to ${spec.to}: connected, no answer within ${answerTimeoutMs} ms`;
        },
        undo: async () => {
          await restore();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
