// The fault catalogue on the real local platform: each fault is recorded in the ledger, injected,
// proven, reverted and reverted again. Small node -e services stand in for a target, next to the
// real Sock Shop queue-master (a consumer of the run's private RabbitMQ node).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import amqp from "amqplib";
import { FaultNotEffective, HarnessError, ScenarioError } from "../../helpers/core/errors.ts";
import type { ActiveFault } from "../../helpers/faults/fault.ts";
import { blackhole, brokenBuild, brokerOutage, createFault, httpError, killReplica, latency, scaleDeployment } from "../../helpers/faults/index.ts";
import type { BlastRadius } from "../../helpers/platforms/blast-radius.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { LocalPlatform } from "../../helpers/platforms/local/local-platform.ts";
import type { Platform } from "../../helpers/platforms/platform.ts";
import type { Target } from "../../helpers/target/target.ts";
import { BROKEN_IMAGES, QUEUE_CONSUMER, SHIPPING_QUEUE, sockShop } from "../../sock-shop/target.ts";

const LIFECYCLE = `process.stdin.on("end", () => process.exit(0)); process.stdin.resume(); process.on("SIGTERM", () => process.exit(0));`;

/** Answers "ok"; its broken build has no API_VERSION and exits 78, as a misconfigured image would. */
const API = `
if (!process.env.API_VERSION) { console.error("missing required environment variable API_VERSION"); process.exit(78); }
require("node:http").createServer((q, s) => s.end("ok")).listen(Number(process.env.PORT), "127.0.0.1");
${LIFECYCLE}`;

/** GET /call: one request to api over this replica's edge, timed; the caller's view of the link. */
const WEB = `
require("node:http").createServer(async (q, s) => {
  if (q.url === "/health") return s.end("ok");
  const started = Date.now();
  try {
    const r = await fetch(process.env.API_URL + "/", { signal: AbortSignal.timeout(1500) });
    await r.text();
    s.end(JSON.stringify({ status: r.status, ms: Date.now() - started }));
  } catch (e) {
    s.end(JSON.stringify({ error: e.name, ms: Date.now() - started }));
  }
}).listen(Number(process.env.PORT), "127.0.0.1");
${LIFECYCLE}`;

const tiny: Target = {
  name: "tiny",
  entryService: "web",
  brokerEndpoint: "broker",
  localDeployments: (context) => {
    const queueMaster = sockShop.localDeployments(context).find((d) => d.name === QUEUE_CONSUMER);
    if (!queueMaster) throw new Error("sock-shop has no queue-master");
    return [
      {
        name: "api",
        image: "api:1",
        variants: { "api:2-broken": { env: { API_VERSION: null } } },
        command: process.execPath,
        args: ["-e", API],
        env: { API_VERSION: "1" },
        replicas: 2,
        healthPath: "/health",
      },
      { name: "web", image: "web:1", command: process.execPath, args: ["-e", WEB], replicas: 1, healthPath: "/health" },
      queueMaster,
    ];
  },
};

let platform: LocalPlatform;
// Outside reports/: a concurrent Playwright run empties its output directory when it starts.
let workDir: string;
test.describe.configure({ mode: "serial" });
test.beforeAll(async () => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-local-faults-"));
  // A private node, whatever RABBITMQ_URL says: the broker outage needs a broker the run owns.
  platform = await LocalPlatform.start({ target: tiny, runId: `faults-${Date.now().toString(36)}`, workDir: path.join(workDir, "runs"), sharedBrokerUrl: undefined });
});
test.afterAll(async () => {
  await platform.dispose();
  fs.rmSync(workDir, { recursive: true, force: true });
});

const ledgerFor = (testInfo: { testId: string }): Ledger => new Ledger(path.join(workDir, "ledgers", `${testInfo.testId}.jsonl`));

/** Reverts twice (the second is a no-op) and checks the ledger holds exactly one inject and one revert. */
async function revertTwice(fault: ActiveFault, ledger: Ledger): Promise<void> {
  await fault.revert();
  await fault.revert();
  expect(ledger.entries().map((e) => e.event)).toEqual(["inject", "revert"]);
  expect(ledger.outstanding()).toEqual([]);
}

async function call(): Promise<{ status?: number; error?: string; ms: number }> {
  const response = await fetch(`${platform.endpoint("web")}/call`, { signal: AbortSignal.timeout(5_000) });
  return (await response.json()) as { status?: number; error?: string; ms: number };
}

async function shippingQueue(): Promise<{ consumers: number } | "missing"> {
  const connection = await amqp.connect(platform.endpoint("broker"), { timeout: 2_000 });
  connection.on("error", () => undefined);
  try {
    const channel = await connection.createChannel();
    channel.on("error", () => undefined);
    const { consumerCount } = await channel.checkQueue(SHIPPING_QUEUE);
    return { consumers: consumerCount };
  } catch {
    return "missing";
  } finally {
    await connection.close().catch(() => undefined);
  }
}

test("each replica reaches its dependencies over its own edge, the broker included", async () => {
  expect(await call()).toMatchObject({ status: 200 });
  expect(await platform.link("web", "api")).toEqual({ mode: "normal" });
  expect(await platform.measureLink("web", "api", 2_000)).toMatchObject({ outcome: "answered" });
  expect(await platform.measureLink(QUEUE_CONSUMER, "broker", 2_000)).toMatchObject({ outcome: "answered" });
  await expect(platform.link("web", "nope")).rejects.toThrow('no link from web to "nope" on the local platform (web can reach: api, queue-master, broker)');
  await expect(platform.link("web", "web")).rejects.toThrow("web reaches itself through its own service, not over a link");
  await expect.poll(shippingQueue, { timeout: 15_000 }).toEqual({ consumers: 1 });
});

test("kill-replica: the killed replicas are restarted by the controller, and the revert is recorded", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const before = await platform.deployment("api");
  const fault = await killReplica({ deployment: "api", count: 2, signal: "SIGKILL" }).inject({ platform, ledger, runId: "kill" });
  expect(fault.original).toMatchObject({ deployment: "api", ready: 2, restarts: before.restarts, killed: [expect.stringMatching(/^api-/), expect.stringMatching(/^api-/)] });
  expect(await fault.proveEffect()).toMatch(new RegExp(`^deployment api: killed api-\\w+, api-\\w+; restarts ${before.restarts} → ${before.restarts + 2}$`));
  await revertTwice(fault, ledger);
  expect(ledger.entries()[1]?.note).toBe("nothing to restore: the controller restarts killed replicas");
  await expect.poll(async () => (await platform.deployment("api")).ready, { timeout: 15_000 }).toBe(2);
});

test("latency: round trips from web to api take the delay longer; api's other callers are not slowed", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const fault = await latency({ from: "web", to: "api", delay: 500 }).inject({ platform, ledger, runId: "latency" });
  expect(await fault.proveEffect()).toMatch(/^round trip from web to api answered in \d+ ms \(delay 500 ms, jitter 0 ms\)$/);
  expect(await platform.link("web", "api")).toEqual({ mode: "latency", delayMs: 500, jitterMs: 0 });
  const slow = await call();
  expect(slow.status).toBe(200);
  expect(slow.ms).toBeGreaterThanOrEqual(495);
  const started = performance.now();
  await (await fetch(platform.endpoint("api"))).text();
  expect(performance.now() - started, "a caller from outside takes the Service, not web's edge").toBeLessThan(400);
  await revertTwice(fault, ledger);
  expect(fault.original).toEqual({ from: "web", to: "api", condition: { mode: "normal" } });
  expect(await platform.link("web", "api")).toEqual({ mode: "normal" });
  expect((await call()).ms).toBeLessThan(400);
});

test("latency to the broker is measured with an AMQP round trip", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const fault = await latency({ from: QUEUE_CONSUMER, to: "broker", delay: 400, jitter: 50 }).inject({ platform, ledger, runId: "latency-broker" });
  expect(await fault.proveEffect()).toMatch(/^round trip from queue-master to broker answered in \d+ ms \(delay 400 ms, jitter 50 ms\)$/);
  await revertTwice(fault, ledger);
  expect((await platform.measureLink(QUEUE_CONSUMER, "broker", 2_000)).latencyMs).toBeLessThan(300);
});

test("blackhole: web's calls to api get no answer until it is lifted", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const fault = await blackhole({ from: "web", to: "api" }).inject({ platform, ledger, runId: "blackhole" });
  expect(await fault.proveEffect()).toBe("round trip from web to api: connected, no answer within 1000 ms");
  expect(await call()).toMatchObject({ error: "TimeoutError" });
  expect((await fetch(platform.endpoint("api"))).status, "api itself still answers").toBe(200);
  await revertTwice(fault, ledger);
  await expect.poll(async () => (await call()).status, { timeout: 5_000 }).toBe(200);
});

test("http-error: every caller of api, outside or another service, gets the status; the revert restores it", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const fault = await httpError({ service: "api", status: 503, rate: 1 }).inject({ platform, ledger, runId: "http-error" });
  // Injecting resets pooled connections: a request already on its way over one gets no HTTP answer (status 0).
  expect(await fault.proveEffect()).toMatch(/^5 requests to api: [1-5] answered 503 \(statuses \{("0":\d,)?"503":[1-5]\}\)$/);
  expect((await fetch(platform.endpoint("api"))).status).toBe(503);
  await expect.poll(async () => (await call()).status, { timeout: 5_000 }).toBe(503);
  await revertTwice(fault, ledger);
  expect(await platform.serviceCondition("api")).toEqual({ mode: "normal" });
  expect((await fetch(platform.endpoint("api"))).status).toBe(200);
  await expect.poll(async () => (await call()).status, { timeout: 5_000 }).toBe(200);
});

test("broken-build with Recreate (queue-master): the consumer crash-loops and the queue has none until rolled back", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const since = Date.now();
  const fault = await createFault({ kind: "broken-build", deployment: QUEUE_CONSUMER, image: BROKEN_IMAGES["queue-master"] }).inject({ platform, ledger, runId: "broken" });
  expect(fault.original).toEqual({ deployment: "queue-master", image: "weaveworksdemos/queue-master:0.3.1", replicas: 1 });
  expect(await fault.proveEffect()).toMatch(
    /^deployment queue-master on weaveworksdemos\/queue-master:0\.3\.1-broken: 0 ready, \d+ restarts, crash-looping (true|false); still serving: nothing$/,
  );
  expect(await shippingQueue()).toEqual({ consumers: 0 });
  expect((await platform.logs(QUEUE_CONSUMER, since)).map((l) => l.text)).toContain("missing required environment variable RABBITMQ_URL");
  await revertTwice(fault, ledger);
  expect((await platform.rollout(QUEUE_CONSUMER)).image).toBe("weaveworksdemos/queue-master:0.3.1");
  await expect.poll(shippingQueue, { timeout: 20_000 }).toEqual({ consumers: 1 });
});

test("broken-build with RollingUpdate (api): the rollout stalls and the old replicas keep serving", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const fault = await brokenBuild({ deployment: "api", image: "api:2-broken" }).inject({ platform, ledger, runId: "broken-rolling" });
  expect(await fault.proveEffect()).toMatch(/^deployment api on api:2-broken: 0 ready, \d+ restarts, crash-looping (true|false); still serving: api:1: 2 ready$/);
  expect((await fetch(platform.endpoint("api"))).status).toBe(200);
  await revertTwice(fault, ledger);
  await expect.poll(async () => (await platform.rollout("api")).images.map((i) => `${i.image}:${i.ready}`), { timeout: 5_000 }).toEqual(["api:1:2"]);
});

test("broker-outage: the broker stops in place, and the consumer re-declares its queue and reconsumes after the restart", async ({}, testInfo) => {
  test.setTimeout(120_000);
  const ledger = ledgerFor(testInfo);
  const since = Date.now();
  const fault = await brokerOutage().inject({ platform, ledger, runId: "outage" });
  expect(fault.original).toEqual({ broker: "running" });
  expect(await fault.proveEffect()).toBe("the broker refuses AMQP connections");
  expect(await platform.brokerState()).toEqual({ running: false });
  expect(await platform.measureLink(QUEUE_CONSUMER, "broker", 1_000)).toMatchObject({ outcome: "closed" });
  await expect.poll(async () => (await platform.logs(QUEUE_CONSUMER, since)).some((l) => l.text.startsWith("Lost the broker connection")), { timeout: 10_000 }).toBe(true);
  await revertTwice(fault, ledger);
  expect(await platform.brokerState()).toEqual({ running: true });
  // shipping-task is not durable: the restart deleted it, and queue-master declares it again (RECOVERY_INTERVAL_MS=1000).
  await expect.poll(shippingQueue, { timeout: 20_000 }).toEqual({ consumers: 1 });
});

test("a fault whose platform silently ignores it fails its proof, naming the fault, the limit and the last value", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const ignoring = new Proxy(platform, {
    get: (target, key) =>
      key === "setLink" ? async (from: string, to: string) => ({ previous: await target.link(from, to) }) : (Reflect.get(target, key, target) as unknown),
  }) as Platform;
  const fault = await latency({ from: "web", to: "api", delay: 400, proofTimeoutMs: 600 }).inject({ platform: ignoring, ledger, runId: "ignored" });
  const failure = await fault.proveEffect().catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(FaultNotEffective);
  expect((failure as Error).message).toMatch(
    /^fault "add 400 ms of latency from web to api" did not take effect: round trip from web to api: expected an answer taking at least 400 ms within 600 ms after "inject: add 400 ms of latency from web to api", not reached after \d+ ms and \d+ samples; last value seen \{"outcome":"answered","latencyMs":\d+\}$/,
  );
  await revertTwice(fault, ledger);
});

test("an injection the platform refuses leaves no outstanding ledger entry", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const failure = await brokenBuild({ deployment: "api", image: "api:9" }).inject({ platform, ledger, runId: "unknown-image" }).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(HarnessError);
  expect((failure as Error).message).toBe('deployment api has no image "api:9" on the local platform (known images: api:1, api:2-broken)');
  expect(ledger.entries().map((e) => e.event)).toEqual(["inject", "revert"]);
  expect(ledger.outstanding()).toEqual([]);
});

/** The run's platform with other blast-radius caps. */
const cappedAt = (caps: BlastRadius): Platform => new Proxy(platform, { get: (target, key) => (key === "blastRadius" ? caps : (Reflect.get(target, key) as unknown)) });

test("blast radius: every fault that removes replicas counts them, and one over the caps is refused before anything is recorded or changed", async ({}, testInfo) => {
  const ledger = ledgerFor(testInfo);
  const oneReplica = cappedAt({ maxReplicas: 1, maxPercent: 100 });
  const refusals = [
    [scaleDeployment({ deployment: "api", replicas: 0 }), "scale deployment api to 0: takes away 2 of 2 replica(s), over the blast-radius cap of 1 replica(s); lower the count or raise --max-replicas (GAMEDAY_MAX_REPLICAS)"],
    [brokenBuild({ deployment: "api", image: "api:2-broken" }), "roll api to the broken build api:2-broken: takes away 2 of 2 replica(s), over the blast-radius cap of 1 replica(s)"],
    [killReplica({ deployment: "api", count: 2 }), "kill 2 replica(s) of api with SIGKILL: takes away 2 of 2 replica(s), over the blast-radius cap of 1 replica(s)"],
  ] as const;
  for (const [fault, message] of refusals) {
    await expect(fault.admit(oneReplica)).rejects.toThrow(message);
    const refused = await fault.inject({ platform: oneReplica, ledger, runId: "capped" }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ScenarioError);
  }
  const half = cappedAt({ maxReplicas: 10, maxPercent: 50 });
  await expect(killReplica({ deployment: "api", percent: 100 }).admit(half)).rejects.toThrow("kill 100% of the replicas of api with SIGKILL: takes away 2 of 2 replica(s) (100%), over the blast-radius cap of 50%; lower the count or raise --max-percent (GAMEDAY_MAX_PERCENT)");
  await expect(scaleDeployment({ deployment: "api", replicas: 1 }).admit(half), "taking 1 of 2 is within 50%").resolves.toBeUndefined();
  await expect(scaleDeployment({ deployment: "api", replicas: 3 }).admit(oneReplica), "scaling up takes nothing away").resolves.toBeUndefined();
  expect(ledger.entries(), "nothing recorded").toEqual([]);
  expect(await platform.deployment("api")).toMatchObject({ desired: 2, ready: 2 });
  expect((await platform.rollout("api")).image).toBe("api:1");
});

test.describe("on a shared broker", () => {
  const SHARED = process.env.GAMEDAY_TEST_SHARED_RABBITMQ_URL ?? "amqp://guest:guest@127.0.0.1:5672/";

  test("broker-outage refuses to inject, says why and what to do, and touches nothing", async ({}, testInfo) => {
    const reachable = await amqp.connect(SHARED, { timeout: 2_000 }).then(
      async (c) => (await c.close(), true),
      () => false,
    );
    test.skip(!reachable, "no shared broker to refuse");
    const shared = await LocalPlatform.start({
      target: { ...tiny, localDeployments: () => [] },
      runId: `shared-${Date.now().toString(36)}`,
      workDir: path.join(workDir, "shared-runs"),
      sharedBrokerUrl: SHARED,
    });
    try {
      const ledger = ledgerFor(testInfo);
      const failure = await brokerOutage().inject({ platform: shared, ledger, runId: "shared" }).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(HarnessError);
      expect((failure as Error).message).toMatch(
        /^cannot inject "stop the message broker": the broker comes from RABBITMQ_URL \(amqp:\/\/guest:\*\*\*@127\.0\.0\.1:5672\/gameday-shared-\w+\) and may be shared: stopping it would take it away from everyone else using it\. Unset RABBITMQ_URL so the run starts a private RabbitMQ node it may stop\.$/,
      );
      expect(fs.existsSync(ledger.file)).toBe(false);
      expect((await shared.brokerState()).running).toBe(true);
      await expect(shared.stopBroker()).rejects.toThrow(/^cannot stop the broker: the broker comes from RABBITMQ_URL/);
    } finally {
      await shared.dispose();
    }
  });
});
