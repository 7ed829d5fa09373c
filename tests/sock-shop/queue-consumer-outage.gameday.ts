// The headline game day, code-first: the twin of scenarios/queue-consumer-outage.yaml (without its
// detect:). queue-master, the only consumer of shipping-task, is scaled to zero; customers keep
// ordering and see success; only the backend shows it. Shared by the spec and its negative controls.
import { expect, type GameDay } from "../../fixtures/index.ts";
import type { SockShopNames } from "../../sock-shop/target.ts";

export async function queueConsumerOutage({ fault, queue, reconciliation, journeys, phase, chart }: GameDay<SockShopNames>, { orders = 5 } = {}): Promise<void> {
  const shipping = queue("shipping-task");
  const shipped = reconciliation();
  chart(shipping);

  await phase("preflight", async () => {
    await expect(shipping).toHave({ consumers: 1, depth: 0 }, { within: "30s" });
    await journeys.prepare();
  });
  await phase("inject", async () => {
    await fault.scale("queue-master", 0);
    await expect(shipping).toHave({ consumers: 0 }, { within: "5s" });
  });
  await phase("during", () =>
    expect(shipping).toHaveThroughout({ consumers: 0 }, async () => {
      await journeys.run("checkout", { count: orders });
      await expect(shipping).toHave({ depth: orders }, { within: "5s" });
    }),
  );
  await phase("recover", () => fault.revertAll());
  await phase("after", async () => {
    await expect(shipping).toHave({ depth: 0, consumers: 1 }, { within: "30s" });
    await expect(shipped).toHave({ missing: 0, duplicated: 0 }, { within: "10s" });
  });
}
