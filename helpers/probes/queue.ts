// queue: a RabbitMQ queue's depth and consumers over AMQP (immediate), and its unacknowledged
// messages from the management API when the broker has one. A missing queue reads as
// { exists: false }: depth and consumers stay absent, never 0.
import * as z from "zod";
import { QueueMissing } from "../broker/queue-inspector.ts";
import { defineProbe } from "./probe.ts";

export const queue = defineProbe({
  kind: "queue",
  fields: { name: z.string().min(1) },
  summary: "a RabbitMQ queue",
  reading: { depth: "number", consumers: "number", ready: "number", unacked: "number", exists: "flag" },
  timeline: ["depth", "consumers"],
  subject: (spec) => `queue ${spec.name}`,
  read:
    (spec, { queues }) =>
    async () => {
      try {
        const stats = await queues.stats(spec.name);
        // AMQP reports ready messages only; unacknowledged ones come from the management API, if any.
        const unacked = await queues.unacked(spec.name).catch(() => undefined);
        return { exists: true, depth: stats.depth, ready: stats.depth, consumers: stats.consumers, ...(unacked === undefined ? {} : { unacked }) };
      } catch (error) {
        if (error instanceof QueueMissing) return { exists: false };
        throw error;
      }
    },
});
