// Evidence of shipping on a real broker (a private node, with its management API) and the real lite
// queue-master run as the upstream image (SHIPMENTS_EXTENSION=off: no GET /shipments). Shipment
// tasks are published as upstream shipping publishes them. Which evidence a run chooses, and what
// the log-line and broker-counter evidence make of tasks handled, not handled and redelivered.
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import amqp from "amqplib";
import { HarnessError } from "../../helpers/core/errors.ts";
import { QueueInspector } from "../../helpers/broker/queue-inspector.ts";
import { LocalPlatform } from "../../helpers/platforms/local/local-platform.ts";
import type { Moments, ProbeContext, Reading } from "../../helpers/probes/probe.ts";
import { reconciliation, type OrderRef } from "../../helpers/probes/reconciliation.ts";
import { ShippingEvidence } from "../../helpers/probes/shipping-evidence.ts";
import type { Target } from "../../helpers/target/target.ts";
import { SHIPMENT_LOG, sockShopShipping } from "../../sock-shop/shipments.ts";
import { QUEUE_CONSUMER, SHIPPING_QUEUE, sockShopWith } from "../../sock-shop/target.ts";

const CUSTOMER = "57a98d98e4b00679b4a830b2";
const upstreamLike = sockShopWith({ shipmentsExtension: false });
const target: Target = {
  name: "shipping-evidence",
  entryService: QUEUE_CONSUMER,
  brokerEndpoint: "broker",
  localDeployments: (context) => upstreamLike.localDeployments(context).filter((d) => d.name === QUEUE_CONSUMER),
};

let workDir: string;
let platform: LocalPlatform;
let queues: QueueInspector;
let publisher: amqp.ChannelModel;
let channel: amqp.Channel;

test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-shipping-evidence-"));
  // A private node whatever RABBITMQ_URL says: the broker counters need its management API.
  platform = await LocalPlatform.start({ target, runId: `evidence-${Date.now().toString(36)}`, workDir: path.join(workDir, "runs"), sharedBrokerUrl: undefined });
  queues = await QueueInspector.connect(platform.endpoint("broker"), "the test's broker", platform.endpoint("broker-management"));
  publisher = await amqp.connect(platform.endpoint("broker"));
  channel = await publisher.createChannel();
  await consumers(1);
});
test.afterAll(async () => {
  await publisher.close().catch(() => undefined);
  await queues.dispose();
  await platform.dispose();
  fs.rmSync(workDir, { recursive: true, force: true });
});

/** Publishes one shipment task per order, as upstream shipping does; returns the orders. */
function ship(count: number): OrderRef[] {
  return Array.from({ length: count }, () => {
    const shipment = { id: randomUUID(), name: CUSTOMER };
    channel.sendToQueue(SHIPPING_QUEUE, Buffer.from(JSON.stringify(shipment)), {
      contentType: "application/json",
      contentEncoding: "UTF-8",
      deliveryMode: 2,
      headers: { __TypeId__: "works.weave.socks.shipping.entities.Shipment" },
    });
    return { orderId: randomUUID().replace(/-/g, "").slice(0, 24), shipmentId: shipment.id };
  });
}

async function consumers(n: number): Promise<void> {
  await expect.poll(async () => (await queues.stats(SHIPPING_QUEUE).catch(() => undefined))?.consumers, { timeout: 20_000 }).toBe(n);
}

async function scaleConsumer(replicas: number): Promise<void> {
  await platform.scale(QUEUE_CONSUMER, replicas);
  await consumers(replicas);
}

function reconciliationOf(shipping: ShippingEvidence, orders: OrderRef[], moments: Moments) {
  const context: ProbeContext = { platform, queues, moments: () => moments, orders: () => orders, shipping };
  return reconciliation.create({}, context);
}

const readings = (probe: { read(): Promise<Reading> }) => () => probe.read();

test("on queue-master run as the upstream image the run chooses its log lines: identities answer 404, the broker is not needed", async () => {
  const moments: Moments = { scenarioStart: Date.now(), phaseStart: Date.now() };
  const shipping = new ShippingEvidence(sockShopShipping, { platform, queues, since: () => moments.scenarioStart });
  const checks = await shipping.choose();
  expect(checks.map((c) => [c.kind, c.outcome])).toEqual([
    ["identities", "unavailable"],
    ["log-lines", "chosen"],
    ["broker-counters", "not needed"],
  ]);
  expect(checks[0]?.note).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/shipments answered 404: this queue-master keeps no shipment records \(as the upstream image\)$/);
  expect(checks[1]?.note).toMatch(/^\d+ line\(s\) of queue-master readable; 0 matching \/\^Received shipment task: \(\.\+\)\$\/ since the scenario started$/);
  expect(shipping.describe()).toBe("evidence: queue-master log lines (counts only)");

  const orders: OrderRef[] = [];
  const probe = reconciliationOf(shipping, orders, moments);
  expect(probe.subject).toBe("orders-to-shipments reconciliation [evidence: queue-master log lines (counts only)]");

  // queue-master down: the tasks wait, nothing is logged, every order reads as missing.
  await scaleConsumer(0);
  orders.push(...ship(3));
  await expect.poll(async () => (await queues.stats(SHIPPING_QUEUE)).depth, { timeout: 5_000 }).toBe(3);
  expect(await probe.read()).toEqual({ placed: 3, missing: 3, duplicated: 0, shipped: 0 });

  // Back up: it drains the backlog, one "Received shipment task" line each.
  await scaleConsumer(1);
  await expect.poll(readings(probe), { timeout: 15_000 }).toEqual({ placed: 3, missing: 0, duplicated: 0, shipped: 3 });
  const logged = (await platform.logs(QUEUE_CONSUMER, moments.scenarioStart)).filter((l) => SHIPMENT_LOG.test(l.text));
  expect(logged.map((l) => l.text)).toEqual(Array(3).fill(`Received shipment task: ${CUSTOMER}`));

  // A task no order of this run placed (a duplicate, or another client's) is counted beyond the orders.
  ship(1);
  await expect.poll(readings(probe), { timeout: 15_000 }).toEqual({ placed: 3, missing: 0, duplicated: 1, shipped: 4 });
});

test("broker counters: acknowledgements count as shipped since the baseline, a task never acknowledged is missing, a redelivery is reported", async () => {
  const moments: Moments = { scenarioStart: Date.now(), phaseStart: Date.now() };
  const shipping = new ShippingEvidence({ queue: SHIPPING_QUEUE }, { platform, queues, since: () => moments.scenarioStart });
  // A task handled just before the choice: the management API shows it seconds later, so a baseline
  // read at once would miss it and count it as this run's. The baseline waits for quiet counters.
  ship(1);
  const checks = await shipping.choose();
  expect(checks.map((c) => [c.kind, c.outcome])).toEqual([["broker-counters", "chosen"]]);
  // The previous test's tasks are in the baseline, not in this run's counts.
  expect(checks[0]?.note).toMatch(/^baseline published [1-9]\d*, delivered [1-9]\d*, acknowledged [1-9]\d*, redelivered \d+ \(unchanged for 6\.00 s\)$/);
  expect(shipping.describe()).toBe("evidence: broker counters of queue shipping-task (counts only)");

  const orders: OrderRef[] = [];
  const probe = reconciliationOf(shipping, orders, moments);
  expect(probe.subject).toBe("orders-to-shipments reconciliation [evidence: broker counters of queue shipping-task (counts only)]");
  orders.push(...ship(2));
  await expect.poll(readings(probe), { timeout: 15_000 }).toEqual({ placed: 2, missing: 0, duplicated: 0, shipped: 2, redelivered: 0 });

  // With queue-master down, a consumer of ours takes the third task and goes away without
  // acknowledging it: the broker requeues it, and it stays missing until a consumer acknowledges it.
  await scaleConsumer(0);
  orders.push(...ship(1));
  const taker = await publisher.createChannel();
  await taker.prefetch(1);
  let taken = false;
  await taker.consume(SHIPPING_QUEUE, () => (taken = true), { noAck: false });
  await expect.poll(() => taken, { timeout: 5_000 }).toBe(true);
  await taker.close();
  await expect.poll(readings(probe), { timeout: 15_000 }).toEqual({ placed: 3, missing: 1, duplicated: 0, shipped: 2, redelivered: 0 });

  // queue-master back: the requeued task is redelivered to it and acknowledged.
  await scaleConsumer(1);
  await expect.poll(readings(probe), { timeout: 15_000 }).toEqual({ placed: 3, missing: 0, duplicated: 0, shipped: 3, redelivered: 1 });
  const seen = await shipping.read();
  expect(seen).toEqual({
    kind: "broker-counters",
    shipped: 3,
    redelivered: 1,
    detail: "published 3, delivered 4, acknowledged 3, redelivered 1 since the run chose its evidence",
  });
});

test("with no evidence available the choice fails as a harness error naming each kind and why; reading before choosing is refused", async () => {
  // Sock Shop's declaration, on a platform that shows no logs and a broker without a management API.
  const blind = new ShippingEvidence(sockShopShipping, {
    platform: { endpoint: (service) => platform.endpoint(service), logs: () => Promise.resolve([]) },
    queues: { counters: () => Promise.resolve(undefined) },
    since: () => 0,
  });
  await expect(blind.read()).rejects.toThrow(
    "evidence of shipping was never chosen: choose() must run before the orders are placed (the broker's counters need a baseline)",
  );
  const failure = await blind.choose().then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure).toBeInstanceOf(HarnessError);
  expect((failure as Error).message).toMatch(
    new RegExp(
      "^no evidence of shipping is available on this target and platform, so orders cannot be reconciled \\(" +
        "queue-master's shipment records \\(GET /shipments\\) \\(identities\\): GET http://127\\.0\\.0\\.1:\\d+/shipments answered 404: this queue-master keeps no shipment records \\(as the upstream image\\); " +
        "queue-master log lines \\(counts only\\): the platform shows no log line of queue-master at all, so its logs are not readable here; " +
        "broker counters of queue shipping-task \\(counts only\\): the broker's management API is not reachable from this run, so its counters cannot be read\\)$",
    ),
  );
  expect(blind.report()).toMatch(/^unavailable: queue-master's shipment records .*\nunavailable: queue-master log lines .*\nunavailable: broker counters .*$/);
});
