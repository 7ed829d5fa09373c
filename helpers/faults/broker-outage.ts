// broker-outage: stops the target's broker in place; reverting starts it again on the same address
// and data directory. Upstream Sock Shop declares shipping-task non-durable, so a broker restart
// deletes the queue and the messages waiting in it; the services declare it again when they
// reconnect. Refused on a broker the run does not own (RABBITMQ_URL may be shared).
import { HarnessError } from "../core/errors.ts";
import { that } from "../invariants/temporal.ts";
import type { BrokerState } from "../platforms/platform.ts";
import { defineFault, proveWithin } from "./fault.ts";

const TITLE = "stop the message broker";

export const brokerOutage = defineFault({
  kind: "broker-outage",
  requires: "broker",
  fields: {},
  title: () => TITLE,
  read: async (platform) => {
    const before = await platform.brokerState();
    if (before.notStoppable !== undefined) throw new HarnessError(`cannot inject "${TITLE}": ${before.notStoppable}`);
    return { broker: before.running ? "running" : "stopped" };
  },
  apply: (platform) => platform.stopBroker(),
  prove: async (platform, spec, _original, _applied, title) => {
    const probe = { subject: "the broker", read: () => platform.brokerState() };
    await proveWithin(title, probe, that<BrokerState>("refusing AMQP connections", (s) => !s.running), spec.proofTimeoutMs ?? 10_000);
    return "the broker refuses AMQP connections";
  },
  restore: async (platform, _spec, original) => {
    if (original.broker === "running") await platform.startBroker();
  },
});
