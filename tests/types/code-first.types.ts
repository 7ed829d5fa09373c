// Type safety as documentation: with a target's names bound, a misspelt deployment, queue, journey
// or probe field does not compile. `tsc --noEmit` (npm test's first step) fails if a line marked
// below as an expected error compiles; this file is type-checked, never run.
import { codeFirst } from "../../fixtures/index.ts";
import type { SockShopNames } from "../../sock-shop/target.ts";

const { test, expect } = codeFirst<SockShopNames>();

test.skip("compile-time checks only", async ({ fault, queue, deployment, logs, journeys }) => {
  await fault.scale("queue-master", 0);
  await fault.kill("orders", { signal: "SIGTERM" });
  await fault.latency({ from: "orders", to: "rabbitmq", delay: "2s" });
  await fault.httpError("payment", { status: 503 });
  await expect(queue("shipping-task")).toHave({ consumers: 0, depth: { lte: 5 } }, { within: "30s" });
  await expect(deployment("payment")).toStay({ ready: 1 }, { for: "10s" });
  await expect(logs("queue-master", "Received shipment task")).toHave({ seen: true });
  await journeys.run("checkout", { count: 5 });
  await expect.poll(async () => (await queue("shipping-task").read()).depth).toBe(0);

  // @ts-expect-error a misspelt deployment
  await fault.scale("queue-mastr", 0);
  // @ts-expect-error a misspelt deployment, by name in the object form
  await fault.latency({ from: "order", to: "rabbitmq", delay: "2s" });
  // @ts-expect-error a misspelt queue
  queue("shiping-task");
  // @ts-expect-error a misspelt deployment probe
  deployment("paymnt");
  // @ts-expect-error a misspelt probe field: a queue has consumers, not consumer
  await expect(queue("shipping-task")).toHave({ consumer: 0 });
  // @ts-expect-error a flag compared with a number
  await expect(queue("shipping-task")).toHave({ exists: 1 });
  // @ts-expect-error a duration that is not one
  await expect(queue("shipping-task")).toHave({ depth: 0 }, { within: "30 seconds" });
  // @ts-expect-error a fault's duration that is not one
  await fault.latency({ from: "orders", to: "payment", delay: "2 seconds" });
  // @ts-expect-error a journey the target does not offer
  await journeys.run("chekout");
});
