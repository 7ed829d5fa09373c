// The headline game day, code-first: queue-master (the only consumer of shipping-task) is scaled to
// zero. Customers keep ordering and see success; shipments pile up unseen. Only backend invariants
// reveal it: 0 consumers, depth = orders placed, and after recovery a drain with every order shipped
// exactly once. Shared by the game day spec and its negative controls.
import type { Page } from "@playwright/test";
import {
  always,
  assertShippedExactlyOnce,
  EnvironmentNotReady,
  eventually,
  expect,
  FaultNotEffective,
  InvariantViolation,
  reconcile,
  scaleDeployment,
  test,
  that,
  type Chaos,
  type Fault,
  type GameDayTimeline,
  type Platform,
  type QueueInspector,
  type QueueStats,
} from "../../fixtures/index.ts";
import { SOCKS_FOR_ORDERS, DEMO_USER } from "../../sock-shop/journeys/data.ts";
import { SockShop, type PlacedOrder } from "../../sock-shop/journeys/sock-shop.ts";
import { SHIPMENT_LOG, shipmentsRecorded } from "../../sock-shop/shipments.ts";
import { QUEUE_CONSUMER, SHIPPING_QUEUE } from "../../sock-shop/target.ts";

export interface OutageOptions {
  orders: number;
  /** Deadline for the queue to drain after the revert. */
  drainWithinMs: number;
  /** Negative control: leave the consumer down, so the drain invariant must fail. */
  skipRecovery?: boolean;
  /** Negative control: a fault that does not do what it says. */
  fault?: Fault;
}

export interface OutageContext {
  page: Page;
  platform: Platform;
  queues: QueueInspector;
  chaos: Chaos;
  timeline: GameDayTimeline;
}

const depthIs = (n: number) => that<QueueStats>(`depth ${n}`, (s) => s.depth === n);
const consumersAre = (n: number) => that<QueueStats>(`${n} consumer(s)`, (s) => s.consumers === n);

export async function queueConsumerOutage(ctx: OutageContext, options: OutageOptions): Promise<void> {
  const { page, platform, queues, chaos, timeline } = ctx;
  const queue = queues.probe(SHIPPING_QUEUE);
  const shop = new SockShop(page, platform.endpoint("front-end"));
  timeline.watch(queue, (s) => ({ "queue depth": s.depth, consumers: s.consumers }));
  const placed: PlacedOrder[] = [];
  let faultStart = 0;

  timeline.phase("steady state");
  await test.step("steady state: one consumer, empty queue, the shop works", async () => {
    try {
      await eventually(queue, that("1 consumer and depth 0", (s) => s.consumers === 1 && s.depth === 0), {
        withinMs: 30_000,
        after: "start of the game day",
      });
    } catch (error) {
      throw new EnvironmentNotReady(`steady state not reached before the fault: ${(error as Error).message}`);
    }
    await shop.open();
    await shop.logIn(DEMO_USER.username, DEMO_USER.password);
  });

  timeline.phase("fault");
  await test.step(`inject: ${QUEUE_CONSUMER} scaled to 0`, async () => {
    faultStart = Date.now();
    await chaos.inject(options.fault ?? scaleDeployment({ deployment: QUEUE_CONSUMER, replicas: 0 }));
    try {
      await eventually(queue, consumersAre(0), { withinMs: 5_000, after: "inject" });
    } catch (error) {
      throw new FaultNotEffective(`${SHIPPING_QUEUE} still has consumers after the fault: ${(error as Error).message}`);
    }
  });

  await test.step(`during: ${options.orders} orders placed while ${QUEUE_CONSUMER} is down`, async () => {
    const noConsumer = always(queue, consumersAre(0), { phase: "during the outage" });
    try {
      for (let i = 0; i < options.orders; i++) {
        await test.step(`order ${i + 1} of ${options.orders}: add to cart, check out, see it in My orders`, async () => {
          const sock = SOCKS_FOR_ORDERS[i % SOCKS_FOR_ORDERS.length];
          if (!sock) throw new Error("no sock to order");
          await shop.addToCart(sock.id);
          const order = await shop.checkOut();
          placed.push(order);
          expect(await shop.myOrders(), `order ${order.id} listed in My orders`).toContain(order.id);
        });
      }
      expect(placed, "every order of the journey was placed").toHaveLength(options.orders);
      await eventually(queue, depthIs(options.orders), { withinMs: 5_000, after: `${options.orders} orders placed`, kind: "invariant" });
    } finally {
      await noConsumer.stop();
    }
  });

  timeline.phase("recover");
  if (!options.skipRecovery) {
    await test.step(`recover: restore ${QUEUE_CONSUMER}`, () => chaos.revertAll());
  }

  timeline.phase("after");
  await test.step(`after: ${SHIPPING_QUEUE} drains within ${options.drainWithinMs / 1000} s`, async () => {
    await eventually(queue, depthIs(0), { withinMs: options.drainWithinMs, after: options.skipRecovery ? "recover (skipped)" : "revert" });
    await eventually(queue, consumersAre(1), { withinMs: 10_000, after: "drain" });
  });

  await test.step("after: every order placed was shipped exactly once", async () => {
    const refs = placed.map((o) => ({ orderId: o.id, shipmentId: o.shipmentId }));
    const reconciliation = { subject: "orders-to-shipments reconciliation", read: async () => reconcile(refs, await shipmentsRecorded(platform)) };
    // Depth counts ready messages only: the last task may still be in flight when it reads 0.
    await eventually(reconciliation, that("no order unshipped", (r) => r.missing.length === 0), { withinMs: 10_000, after: "drain" }).catch(
      () => undefined, // judged below, with the full reconciliation attached
    );
    const shipments = await shipmentsRecorded(platform);
    const result = reconcile(refs, shipments);
    await test.info().attach("orders-to-shipments reconciliation", {
      body: JSON.stringify({ ...result, orders: placed, shipments: shipments.filter((s) => placed.some((o) => o.shipmentId === s.shipmentId)) }, null, 2),
      contentType: "application/json",
    });
    const logs = (await platform.logs(QUEUE_CONSUMER, faultStart)).filter((l) => SHIPMENT_LOG.test(l.text));
    await test.info().attach(`${QUEUE_CONSUMER} log excerpt`, {
      body: logs.map((l) => `${new Date(l.time).toISOString()} ${l.source} ${l.text}`).join("\n") || "(no shipment task logged)",
      contentType: "text/plain",
    });
    assertShippedExactlyOnce(result);
    if (logs.length < placed.length) {
      throw new InvariantViolation("invariant", `${QUEUE_CONSUMER} logged ${logs.length} "Received shipment task" lines for ${placed.length} orders`);
    }
  });
}
