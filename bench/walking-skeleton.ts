// Benchmarks of the walking skeleton, printed as ratios measured in one run. Not a test: these
// machines are shared and noisy, so numbers are reported, never asserted.
//   npm run bench                 all four measurements, then bench/detection.ts
//   npm run bench -- --quick      fewer repetitions (both)
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import amqp from "amqplib";
import { startPrivateNode } from "../helpers/broker/rabbitmq.ts";
import { eventually, that } from "../helpers/invariants/temporal.ts";
import { LocalPlatform } from "../helpers/platforms/local/local-platform.ts";
import { QueueInspector, type QueueStats } from "../helpers/broker/queue-inspector.ts";
import { SHIPMENT_TYPE_ID, SHIPPING_QUEUE } from "../sock-shop/lite/lib/rabbit.ts";
import { shipmentsRecorded } from "../sock-shop/shipments.ts";
import { QUEUE_CONSUMER, sockShop } from "../sock-shop/target.ts";

const quick = process.argv.includes("--quick");
const REPEAT = quick ? 3 : 7;
const ms = (n: number): string => `${n.toFixed(n < 10 ? 2 : 0)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-bench-"));
const rows: string[][] = [];
const row = (...cells: string[]): void => void rows.push(cells);

// 1. Boot: the whole embedded stack against a bare RabbitMQ node.
const bare = await startPrivateNode();
const bareBootMs = bare.bootMs;
await bare.dispose();
const platform = await LocalPlatform.start({ target: sockShop, runId: `bench-${Date.now().toString(36)}`, workDir });
row("stack boot (private RabbitMQ + 8 services ready)", ms(platform.bootMs), `bare RabbitMQ node boot ${ms(bareBootMs)}`, `${(platform.bootMs / bareBootMs).toFixed(2)}×`);

const inspector = await QueueInspector.connect(platform.broker.url, platform.broker.display);
const probe = inspector.probe(SHIPPING_QUEUE);
const consumersAre = (n: number) => that<QueueStats>(`${n} consumers`, (s) => s.consumers === n);

// 2. Scale to 0 → our 10 Hz probe sees 0 consumers, against a bare amqplib loop polling as fast as it can.
const ours: number[] = [];
const baseline: number[] = [];
for (let i = 0; i < REPEAT; i++) {
  await eventually(probe, consumersAre(1), { withinMs: 30_000, after: "scale up" });
  const connection = await amqp.connect(platform.broker.url);
  const channel = await connection.createChannel();
  let bareSeenAt = 0;
  let polling = true;
  const loop = (async () => {
    while (polling && bareSeenAt === 0) {
      const { consumerCount } = await channel.checkQueue(SHIPPING_QUEUE);
      if (consumerCount === 0) bareSeenAt = performance.now();
    }
  })();
  // As the chaos fixture does it: the scale call returns once the replicas are stopped, then the proof reads.
  const start = performance.now();
  await platform.scale(QUEUE_CONSUMER, 0);
  await eventually(probe, consumersAre(0), { withinMs: 10_000, after: "scale to 0" });
  ours.push(performance.now() - start);
  await loop;
  polling = false;
  baseline.push(bareSeenAt - start);
  await connection.close();
  await platform.scale(QUEUE_CONSUMER, 1);
}
row(
  `scale to 0 → probe sees 0 consumers (median of ${REPEAT})`,
  ms(median(ours)),
  `bare amqplib busy-poll ${ms(median(baseline))}`,
  `${(median(ours) / median(baseline)).toFixed(2)}×`,
);

// 3. Drain verdict latency: from the consumer's last ack to the drain verdict (queue empty and every
//    shipment recorded), with 20 waiting tasks.
const latencies: number[] = [];
const publisher = await amqp.connect(platform.broker.url);
const pub = await publisher.createConfirmChannel();
for (let i = 0; i < REPEAT; i++) {
  await eventually(probe, consumersAre(1), { withinMs: 30_000, after: "scale up" });
  await platform.scale(QUEUE_CONSUMER, 0);
  await eventually(probe, consumersAre(0), { withinMs: 10_000, after: "scale to 0" });
  const ids = Array.from({ length: 20 }, (_, j) => `bench-${i}-${j}-${Date.now()}`);
  for (const id of ids) {
    pub.publish("", SHIPPING_QUEUE, Buffer.from(JSON.stringify({ id, name: "bench" })), {
      contentType: "application/json",
      persistent: true,
      headers: { __TypeId__: SHIPMENT_TYPE_ID },
    });
  }
  await pub.waitForConfirms();
  await platform.scale(QUEUE_CONSUMER, 1);
  await eventually(probe, that<QueueStats>("depth 0", (s) => s.depth === 0), { withinMs: 30_000, after: "revert" });
  const shipped = await eventually(
    { subject: "shipments", read: () => shipmentsRecorded(platform) },
    that("all 20 recorded", (all) => ids.every((id) => all.some((s) => s.shipmentId === id))),
    { withinMs: 10_000, after: "drain" },
  );
  const verdictAt = Date.now();
  const lastAck = Math.max(...shipped.value.filter((s) => ids.includes(s.shipmentId)).map((s) => Date.parse(s.receivedAt)));
  latencies.push(verdictAt - lastAck);
}
await publisher.close();
row(`drain verdict latency: last ack → verdict (median of ${REPEAT}, 20 tasks)`, ms(median(latencies)), "sampling interval 100 ms", `${(median(latencies) / 100).toFixed(2)}× the interval`);
await inspector.dispose();
await platform.dispose();

// 4. The game day itself: wall time against its journeys and the waits it declares.
const reportFile = path.join(workDir, "gameday.json");
await promisify(execFile)(
  process.execPath,
  ["node_modules/@playwright/test/cli.js", "test", "--project=sock-shop", "--grep", "orders keep succeeding", "--reporter=json"],
  { env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: reportFile, GAMEDAY_REPORTS_DIR: path.join(workDir, "reports") }, maxBuffer: 64 * 1024 * 1024, timeout: 300_000 },
).catch((error: unknown) => console.error(`game day run failed: ${String(error).slice(0, 500)}`));
interface Step {
  title: string;
  duration: number;
  steps?: Step[];
}
const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { suites: { suites?: { specs: { tests: { results: { duration: number; steps: Step[] }[] }[] }[] }[] }[] };
const result = report.suites[0]?.suites?.[0]?.specs[0]?.tests[0]?.results[0];
if (result) {
  const flat = (steps: Step[]): Step[] => steps.flatMap((s) => [s, ...flat(s.steps ?? [])]);
  const all = flat(result.steps);
  // Journey time: the browser work (log in, then each order); waits: what the game day waits for on the system.
  const journeys = all.filter((s) => /^(journey checkout \d+\/|prepare journeys)/.test(s.title)).reduce((sum, s) => sum + s.duration, 0);
  const waits = all.filter((s) => s.title === "after" || /^prove: /.test(s.title)).reduce((sum, s) => sum + s.duration, 0);
  row("game day wall time (test body, log in + 5 orders)", ms(result.duration), `journeys ${ms(journeys)} + waits ${ms(waits)}`, `${(result.duration / (journeys + waits)).toFixed(2)}×`);
}

fs.rmSync(workDir, { recursive: true, force: true });
const widths = [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
console.log(`\ngameday walking-skeleton benchmark (${os.cpus().length} cores, node ${process.version})\n`);
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  │  "));
