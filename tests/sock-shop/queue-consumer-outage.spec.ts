import { test } from "../../fixtures/index.ts";
import { queueConsumerOutage } from "./queue-consumer-outage.gameday.ts";

test.describe("queue-consumer-outage", () => {
  test(
    "orders keep succeeding while queue-master is down; the backlog drains and ships exactly once after recovery",
    { tag: ["@gameday", "@sock-shop"] },
    async ({ page, platform, queues, chaos, timeline }) => {
      await queueConsumerOutage({ page, platform, queues, chaos, timeline }, { orders: 5, drainWithinMs: 30_000 });
    },
  );
});
