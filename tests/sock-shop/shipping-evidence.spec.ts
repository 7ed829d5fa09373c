// The embedded Sock Shop with queue-master run as the upstream image (no GET /shipments), real
// RabbitMQ, real processes: the headline game day reconciles orders to shipments on what upstream
// shows, queue-master's log lines or the broker's counters, and its report says which; with
// recovery skipped the reconciliation fails. Also: lite orders answers POST /orders as upstream does.
import http from "node:http";
import { expect, InvariantViolation, test } from "../../fixtures/index.ts";
import { runScenario, type ScenarioFixtures } from "../../fixtures/scenario-runner.ts";
import { loadScenario, type LoadedScenario } from "../../helpers/scenario/loader.ts";
import { DEMO_USER, SOCKS } from "../../sock-shop/journeys/data.ts";
import { SHIPMENT_LOG } from "../../sock-shop/shipments.ts";
import { QUEUE_CONSUMER, SHIPPING_QUEUE, sockShopWith } from "../../sock-shop/target.ts";

test.use({ target: sockShopWith({ shipmentsExtension: false }) });

const ORDERS = 3;
const headline = (): LoadedScenario => loadScenario("scenarios/queue-consumer-outage.yaml", { variables: { orders: String(ORDERS) } });

// Each of these runs the whole headline game day (with its wait for monitoring) plus, for the
// broker counters, a 6 s settled baseline: more than the project's budget on a loaded machine.
test.describe.configure({ timeout: 360_000 });

function evidenceAttached(): string {
  const attachment = test.info().attachments.find((a) => a.name === "evidence of shipping");
  return attachment?.body?.toString("utf8") ?? "(no evidence attached)";
}

test("queue-master as the upstream image: the headline game day passes on its log lines, and names them as its evidence", async ({
  page,
  platform,
  queues,
  chaos,
  timeline,
  journeyCatalogue,
  target,
}) => {
  const shipments = await fetch(`${platform.endpoint(QUEUE_CONSUMER)}/shipments`);
  expect(shipments.status, "queue-master runs without the /shipments extension").toBe(404);
  const started = Date.now();

  await runScenario(headline(), { page, platform, queues, chaos, timeline, target, journeyCatalogue });

  expect(evidenceAttached()).toMatch(
    new RegExp(
      "^unavailable: queue-master's shipment records \\(GET /shipments\\) \\(identities\\): GET http://127\\.0\\.0\\.1:\\d+/shipments answered 404: .*\\n" +
        "chosen: queue-master log lines \\(counts only\\): \\d+ line\\(s\\) of queue-master readable; 0 matching .*\\n" +
        "not needed: broker counters of queue shipping-task \\(counts only\\): stronger evidence is available$",
    ),
  );
  const logged = (await platform.logs(QUEUE_CONSUMER, started)).filter((l) => SHIPMENT_LOG.test(l.text));
  expect(logged.map((l) => l.text)).toEqual(Array(ORDERS).fill(`Received shipment task: ${DEMO_USER.customerId}`));
});

test("negative control: with recovery skipped, the reconciliation on log lines fails, naming its evidence and the orders missing", async ({
  page,
  platform,
  queues,
  chaos,
  timeline,
  journeyCatalogue,
  target,
}) => {
  const loaded = headline();
  // Only the reconciliation after the (skipped) recovery: the drain gate would fail first otherwise.
  const after = loaded.scenario.after.filter((spec) => spec.probe.kind === "reconciliation").map((spec) => (spec.mode === "eventually" ? { ...spec, within: 3_000 } : spec));
  expect(after).toHaveLength(1);
  const scenario = { ...loaded.scenario, recover: { ...loaded.scenario.recover, revert: false }, after };
  const fixtures: ScenarioFixtures = { page, platform, queues, chaos, timeline, target, journeyCatalogue };
  const failure = await runScenario({ ...loaded, scenario }, fixtures).then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(failure, "the reconciliation must fail while no order was shipped").toBeInstanceOf(InvariantViolation);
  expect((failure as InvariantViolation).kind).toBe("invariant");
  expect((failure as Error).message).toMatch(
    /^\[invariant\] orders-to-shipments reconciliation \[evidence: queue-master log lines \(counts only\)\]: expected missing = 0 and duplicated = 0 \(with orders placed\) within 3\.00 s after "recover \(skipped\)", not reached after 3\.\d\d s and \d+ samples; last value seen \{"placed":3,"missing":3,"duplicated":0,"shipped":0\}$/,
  );
});

test("the broker's counters of shipping-task: with only the queue declared, the headline game day passes on acknowledgements", async ({
  page,
  platform,
  queues,
  chaos,
  timeline,
  journeyCatalogue,
  target,
}) => {
  // The same journeys; their evidence of shipping narrowed to what any RabbitMQ with a management API shows.
  const countersOnly = { ...journeyCatalogue, shipping: { queue: SHIPPING_QUEUE } };
  await runScenario(headline(), { page, platform, queues, chaos, timeline, target, journeyCatalogue: countersOnly });
  expect(evidenceAttached()).toMatch(
    /^chosen: broker counters of queue shipping-task \(counts only\): baseline published \d+, delivered \d+, acknowledged \d+, redelivered \d+ \(unchanged for 6\.00 s\)$/,
  );
});

test("lite orders answers POST /orders with the plain saved CustomerOrder, and builds its HAL links from the request's Host", async ({ platform }) => {
  const shop = platform.endpoint("front-end");
  const login = await fetch(`${shop}/login`, { headers: { authorization: `Basic ${Buffer.from(`${DEMO_USER.username}:${DEMO_USER.password}`).toString("base64")}` } });
  expect(login.status).toBe(200);
  const cookie = login.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const asCustomer = { cookie, "content-type": "application/json" };
  try {
    expect((await fetch(`${shop}/cart`, { method: "POST", headers: asCustomer, body: JSON.stringify({ id: SOCKS.nerdLeg.id }) })).status).toBe(201);
    const placed = await fetch(`${shop}/orders`, { method: "POST", headers: asCustomer });
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as Record<string, unknown>;
    expect(Object.keys(order).sort()).toEqual(["address", "card", "customer", "customerId", "date", "id", "items", "shipment", "total"]);
    expect(order.id).toMatch(/^[0-9a-f]{24}$/);
    expect(order.customerId).toBe(DEMO_USER.customerId);
    // Upstream's Shipment: a random UUID and the customer id as its name (what queue-master logs).
    expect(order.shipment).toEqual({ id: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/), name: DEMO_USER.customerId });

    const orders = new URL(platform.endpoint("orders"));
    const self = async (headers: Record<string, string>): Promise<unknown> => {
      const body = JSON.parse(await get(orders, `/orders/${String(order.id)}`, headers)) as { _links?: { self?: { href?: string } } };
      return body._links?.self?.href;
    };
    expect(await self({ host: "orders" })).toBe(`http://orders/orders/${String(order.id)}`);
    expect(await self({ host: "orders", "x-forwarded-host": "shop.example:8443", "x-forwarded-proto": "https" })).toBe(`https://shop.example:8443/orders/${String(order.id)}`);
  } finally {
    // The journeys shop as the same customer: leave the cart empty for them.
    await fetch(`${shop}/cart`, { method: "DELETE", headers: { cookie } });
  }
});

/** A GET with the Host header given (fetch sets its own). */
function get(base: URL, path: string, headers: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = http.get({ hostname: base.hostname, port: base.port, path, headers, timeout: 5_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if (response.statusCode === 200) resolve(text);
        else reject(new Error(`GET ${path} on ${base.host} answered ${response.statusCode ?? "nothing"}: ${text}`));
      });
    });
    request.on("timeout", () => request.destroy(new Error(`GET ${path} on ${base.host}: no answer within 5 s`)));
    request.on("error", reject);
  });
}
