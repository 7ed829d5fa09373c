import { codeFirst } from "../../fixtures/index.ts";
import type { SockShopNames } from "../../sock-shop/target.ts";

const { test, expect } = codeFirst<SockShopNames>();

test("checkout survives a slow payment service", { tag: "@gameday" }, async ({ fault, http, link, reconciliation, journeys, phase }) => {
  const catalogue = http("front-end", { path: "/catalogue" });
  const shipped = reconciliation(); // every order the journeys place must ship exactly once

  await phase("preflight", () => expect(catalogue).toHave({ status: 200, latencyMs: { lt: 1000 } }, { within: "30s" }));
  await phase("inject", () => fault.latency({ from: "orders", to: "payment", delay: "2s" })); // proven; reverted whatever happens
  await phase("during", () =>
    expect(catalogue).toHaveThroughout({ status: 200 }, () => journeys.run("checkout", { count: 3 }), { interval: "250ms" }), // browsing keeps working
  );
  await phase("recover", () => fault.revertAll());
  await phase("after", async () => {
    await expect(link("orders", "payment")).toHave({ answered: true, latencyMs: { lt: 1000 } }, { within: "10s" });
    await expect(catalogue).toStay({ status: 200, latencyMs: { lt: 1000 } }, { for: "2s", within: "10s" });
    await expect(shipped).toHave({ missing: 0, duplicated: 0 }, { within: "10s" });
  });
});
