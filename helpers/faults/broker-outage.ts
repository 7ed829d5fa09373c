// broker-outage: stops the target's broker in place; reverting starts it again on the same address
// and data directory. Upstream Sock Shop declares shipping-task non-durable, so a broker restart
// deletes the queue and the messages waiting in it; the services declare it again when they
// reconnect. Refused on a broker the run does not own (RABBITMQ_URL may be shared).
import { HarnessError } from "../core/errors.ts";
import { that } from "../invariants/temporal.ts";
import type { BrokerState } from "../platforms/platform.ts";
import { activeFault, proveWithin, recordThenMutate, type Fault, faultRecord } from "./fault.ts";

export interface BrokerOutageSpec {
  /** How long the broker may take to stop accepting connections. */
  proofTimeoutMs?: number;
}

export function brokerOutage(spec: BrokerOutageSpec = {}): Fault {
  const title = "stop the message broker";
  return {
    kind: "broker-outage",
    requires: "broker",
    title,
    async inject({ platform, ledger, runId }) {
      const before = await platform.brokerState();
      if (before.notStoppable !== undefined) throw new HarnessError(`cannot inject "${title}": ${before.notStoppable}`);
      const original = { broker: before.running ? "running" : "stopped" };
      const record = faultRecord({ platform, ledger, runId }, "broker-outage", title, original);
      const restart = async (): Promise<void> => {
        if (before.running) await platform.startBroker();
      };
      const { injection } = await recordThenMutate(ledger, record, () => platform.stopBroker(), restart);
      return activeFault({
        title,
        original,
        proveEffect: async () => {
          const probe = { subject: "the broker", read: () => platform.brokerState() };
          await proveWithin(title, probe, that<BrokerState>("refusing AMQP connections", (s) => !s.running), spec.proofTimeoutMs ?? 10_000);
          return "the broker refuses AMQP connections";
        },
        undo: async () => {
          await restart();
          ledger.recordRevert(injection, record);
        },
      });
    },
  };
}
