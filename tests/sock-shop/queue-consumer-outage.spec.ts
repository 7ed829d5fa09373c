import { test } from "../../fixtures/index.ts";
import { queueConsumerOutage } from "./queue-consumer-outage.gameday.ts";

test("queue-consumer-outage: orders keep succeeding while queue-master is down; the backlog drains and ships exactly once after recovery", { tag: ["@gameday", "@sock-shop"] }, async ({ gameday }) => {
  await queueConsumerOutage(gameday);
});
