// Benchmark of detection on the embedded stack: how long the run's own Prometheus + Alertmanager take
// to notice that shipping-task lost its consumer, against the floor the configuration sets. Not a test:
// these machines are shared and noisy, so numbers are reported, never asserted.
//   npm run bench:detection             5 trials
//   npm run bench:detection -- --quick  3 trials
//
// Each trial: a consumer (prefetch 1, never acks) holds one of three messages on shipping-task, so the
// other two are ready throughout and ShippingTaskNotConsumed waits only on the consumer count. At T its
// channel closes; then, polled every 50 ms: RabbitMQ's metrics endpoint shows 0 consumers, Prometheus'
// instant query does, the alert is pending, then firing (/api/v1/alerts); and the webhook's record of the
// firing notification. Prometheus' own stamps (the scrape that first saw 0, activeAt, startsAt) split
// the time. Then the consumer comes back, and the next trial waits until the alert has resolved.
//
// Time to detect = firing − T. Its floor is the worst alignment the configuration allows:
// the rule's `for` + one scrape interval (the change waits for the next scrape) + one evaluation
// interval (the scraped sample waits for the next evaluation, which makes the alert pending; `for`
// later, on an evaluation tick, it fires). Overhead = measured − floor, goal ≤ 1 s. Where it goes:
//  - RabbitMQ's stats emission: rabbitmq_prometheus serves the queue's consumer and message counts
//    from the core metrics tables, which the queue process refreshes every collect_statistics_interval
//    (500 ms on the private node, 5 s by default). A queue idle long enough to hibernate has stopped
//    its stats timer and restarts it on the consumer's departure, so it reports the change a whole
//    interval later. This is the one stage the floor does not include: up to 500 ms, in full.
//  - The rule's condition needs both series: messages ready > 0 AND 0 consumers, matched on {queue}.
//    Both come from the same emission and the same scrape, so needing both adds nothing here; in a
//    game day where the messages only become ready as the consumer goes (unacked ones are requeued
//    on close), they still move in the same emission.
//  - Scrape and evaluation alignment: between 0 and one interval each (inside the floor); a scrape's
//    samples carry its start time, so a scrape that finishes after the evaluation tick it precedes is
//    seen one tick later (scrape duration is a few ms here). Prometheus staggers every target and every
//    rule group by a fixed offset inside its interval (hashes of the target's labels, of the group's
//    file and name), so within one run the scrape → evaluation wait is the same in every trial; it
//    changes from run to run (the ports do), anywhere from 0 to one evaluation interval.
//  - `for` itself: Prometheus compares evaluation timestamps, so firing lands exactly `for` after
//    activeAt when `for` is a multiple of the evaluation interval.
//  - Observation: the 50 ms polls (and their HTTP round trip) add 0-50 ms plus a few ms to "seen".
//  - Notification: Prometheus sends a newly firing alert right after the evaluation; Alertmanager holds
//    a new group for group_wait (a group left from the previous trial flushes on its group_interval
//    tick instead: 1 s both, on the run's stack), then posts to the webhook.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import amqp from "amqplib";
import { parse } from "yaml";
import { startPrivateNode, type Broker } from "../helpers/broker/rabbitmq.ts";
import { HarnessError } from "../helpers/core/errors.ts";
import { sleep } from "../helpers/core/time.ts";
import { startMonitoring, targetScrapeTargets, type MonitoringStack } from "../helpers/monitoring/stack.ts";
import { SHIPPING_QUEUE, sockShop } from "../sock-shop/target.ts";

const quick = process.argv.includes("--quick");
const TRIALS = quick ? 3 : 5;
const ALERT = "ShippingTaskNotConsumed";
const POLL_MS = 50;
const TRIAL_LIMIT_MS = 45_000;
const BENCH_LIMIT_MS = 5 * 60_000;
const GOAL_MS = 1_000;
const MESSAGES = 3;
const benchStarted = Date.now();

// ---- reading the configuration ------------------------------------------------------------------

const UNIT_MS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, y: 31_536_000_000 };

/** A Prometheus duration ("10s", "1m30s", "500ms") in milliseconds. */
function durationMs(text: unknown, what: string): number {
  if (typeof text !== "string" || !/^(\d+(ms|[smhdwy]))+$/.test(text)) throw new HarnessError(`${what}: ${JSON.stringify(text)} is not a Prometheus duration`);
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|[smhdwy])/g)) total += Number(amount) * (UNIT_MS[unit ?? ""] ?? NaN);
  return total;
}

const record = (value: unknown): Record<string, unknown> => (typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {});
const list = (value: unknown): unknown[] => (Array.isArray(value) ? (value as unknown[]) : []);

interface RuleTiming {
  file: string;
  forMs: number;
  /** The rule group's own `interval`, if it sets one. */
  groupIntervalMs: number | undefined;
}

/** The alert's `for` (and its group's interval), read from the target's rule files. */
function ruleTiming(files: readonly string[], alert: string): RuleTiming {
  for (const file of files) {
    for (const group of list(record(parse(fs.readFileSync(file, "utf8"))).groups)) {
      const g = record(group);
      const rule = list(g.rules).map(record).find((r) => r.alert === alert);
      if (!rule) continue;
      return {
        file,
        forMs: rule.for === undefined ? 0 : durationMs(rule.for, `${alert}'s for in ${file}`),
        groupIntervalMs: g.interval === undefined ? undefined : durationMs(g.interval, `interval of group ${String(g.name)} in ${file}`),
      };
    }
  }
  throw new HarnessError(`no alerting rule ${alert} in ${files.join(", ")}`);
}

async function getJson(url: string): Promise<unknown> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  if (!response.ok) throw new HarnessError(`GET ${url}: HTTP ${response.status}`);
  return response.json();
}

/** Scrape interval of `job` and the global evaluation interval, from the configuration Prometheus has loaded. */
async function prometheusTiming(stack: MonitoringStack, job: string): Promise<{ scrapeMs: number; evaluationMs: number }> {
  const config = record(parse(String(record(record(await getJson(`${stack.prometheusUrl}/api/v1/status/config`)).data).yaml)));
  const global = record(config.global);
  const scrapeJob = list(config.scrape_configs).map(record).find((j) => j.job_name === job);
  if (!scrapeJob) throw new HarnessError(`Prometheus at ${stack.prometheusUrl} has no scrape job ${job}`);
  return {
    scrapeMs: durationMs(scrapeJob.scrape_interval ?? global.scrape_interval, `scrape_interval of job ${job}`),
    evaluationMs: durationMs(global.evaluation_interval, "global evaluation_interval"),
  };
}

/** The root route's group_wait and group_interval, from the configuration Alertmanager has loaded (Alertmanager's defaults: 30 s, 5 m). */
async function alertmanagerTiming(stack: MonitoringStack): Promise<{ groupWaitMs: number; groupIntervalMs: number }> {
  const original = record(record(await getJson(`${stack.alertmanagerUrl}/api/v2/status`)).config).original;
  const route = record(record(parse(String(original))).route);
  if (list(route.routes).length > 0) throw new HarnessError(`Alertmanager at ${stack.alertmanagerUrl} has child routes: read the group_wait of the one ${ALERT} takes`);
  return { groupWaitMs: durationMs(route.group_wait ?? "30s", "group_wait"), groupIntervalMs: durationMs(route.group_interval ?? "5m", "group_interval") };
}

/** RabbitMQ's collect_statistics_interval (ms) from the private node's rabbitmq.conf (RabbitMQ's default: 5000). */
function statsIntervalMs(broker: Broker): number {
  if (!broker.nodeDir) throw new HarnessError("the broker is not a private node: no rabbitmq.conf to read");
  const conf = fs.readFileSync(path.join(broker.nodeDir, "rabbitmq.conf"), "utf8");
  const line = /^\s*collect_statistics_interval\s*=\s*(\d+)\s*$/m.exec(conf);
  return line?.[1] ? Number(line[1]) : 5_000;
}

// ---- polling --------------------------------------------------------------------------------------

/** Calls `check` every POLL_MS until it returns a value; throws once `deadline` (epoch ms) has passed or `signal` aborts. */
async function poll<T>(what: string, check: () => Promise<T | undefined>, deadline: number, signal: AbortSignal): Promise<T> {
  for (;;) {
    if (signal.aborted) throw new HarnessError(`${what}: abandoned (${String(signal.reason)})`);
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new HarnessError(`${what}: not within the trial's limit of ${TRIAL_LIMIT_MS / 1_000} s`);
    await sleep(POLL_MS);
  }
}

/** The value of `metric`{queue=…} in a Prometheus text exposition, if present. */
function exposedValue(text: string, metric: string, queue: string): number | undefined {
  for (const line of text.split("\n")) {
    const m = /^(\w+)\{([^}]*)\}\s+(\S+)/.exec(line);
    if (m?.[1] === metric && m[2]?.split(",").includes(`queue="${queue}"`)) return Number(m[3]);
  }
  return undefined;
}

const consumersQuery = `rabbitmq_queue_consumers{queue="${SHIPPING_QUEUE}"}`;
const readyQuery = `rabbitmq_queue_messages_ready{queue="${SHIPPING_QUEUE}"}`;

/** Timestamps (epoch ms) of the samples of `selector` over the last `rangeS` seconds, with their values. */
async function samples(stack: MonitoringStack, selector: string, rangeS: number): Promise<{ at: number; value: number }[]> {
  const url = `${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(`${selector}[${rangeS}s]`)}`;
  const series = list(record(record(await getJson(url)).data).result).map(record);
  return list(series[0]?.values).map((v) => {
    const [at, value] = list(v);
    return { at: Number(at) * 1_000, value: Number(value) };
  });
}

// ---- one trial --------------------------------------------------------------------------------------

/** Milliseconds after T (the consumer's channel closed), per stage. */
interface Trial {
  rabbitSeen: number;
  scrapeStamp: number;
  prometheusSeen: number;
  pendingStamp: number;
  pendingSeen: number;
  firingStamp: number;
  firingSeen: number;
  notified: number;
}

interface Bench {
  broker: Broker;
  stack: MonitoringStack;
  connection: amqp.ChannelModel;
  scrapeMs: number;
}

async function attachConsumer(connection: amqp.ChannelModel): Promise<amqp.Channel> {
  const channel = await connection.createChannel();
  await channel.prefetch(1);
  // Never acked: the message it holds goes back to ready when the channel closes.
  await channel.consume(SHIPPING_QUEUE, () => undefined);
  return channel;
}

/** Quiet: Prometheus sees 1 consumer and messages ready, the alert is inactive and, after a firing, the resolved notification arrived. */
async function waitQuiet({ stack }: Bench, deadline: number, signal: AbortSignal): Promise<void> {
  await poll(
    "quiet (1 consumer and messages ready in Prometheus, alert inactive, resolved notification received)",
    async () => {
      const [consumers, ready, alerts] = await Promise.all([stack.query(consumersQuery), stack.query(readyQuery), stack.alerts()]);
      const mine = stack.notifications().filter((n) => n.alertname === ALERT);
      const quiet =
        consumers[0]?.value === 1 && (ready[0]?.value ?? 0) > 0 && !alerts.some((a) => a.name === ALERT) && (mine.length === 0 || mine[mine.length - 1]?.status === "resolved");
      return quiet ? true : undefined;
    },
    deadline,
    signal,
  );
}

async function trial(bench: Bench, consumer: amqp.Channel, n: number): Promise<{ result: Trial; consumer: amqp.Channel }> {
  const { broker, stack, connection, scrapeMs } = bench;
  const deadline = Date.now() + TRIAL_LIMIT_MS;
  const controller = new AbortController();
  try {
    await waitQuiet(bench, deadline, controller.signal);
    // A random phase against the scrape schedule, so the trials sample the alignment rather than repeat one.
    await sleep(Math.random() * scrapeMs);
    const metricsUrl = broker.prometheusEndpoint;
    if (!metricsUrl) throw new HarnessError("the private node has no Prometheus endpoint");

    const T = Date.now();
    await consumer.close();
    const seen = async <V>(what: string, check: () => Promise<V | undefined>): Promise<V> => {
      try {
        return await poll(`trial ${n}: ${what}`, check, deadline, controller.signal);
      } catch (error) {
        controller.abort(`${what} failed`);
        throw error;
      }
    };
    const [rabbitSeen, prometheusSeen, alertTimes, notification] = await Promise.all([
      seen("RabbitMQ's metrics show 0 consumers", async () => {
        const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5_000) });
        return exposedValue(await response.text(), "rabbitmq_queue_consumers", SHIPPING_QUEUE) === 0 ? Date.now() : undefined;
      }),
      seen("Prometheus sees 0 consumers", async () => ((await stack.query(consumersQuery))[0]?.value === 0 ? Date.now() : undefined)),
      (async () => {
        let pending: { seen: number; activeAt: number } | undefined;
        const firingSeen = await seen(`${ALERT} firing`, async () => {
          const alert = (await stack.alerts()).find((a) => a.name === ALERT);
          const now = Date.now();
          if (alert && !pending) pending = { seen: now, activeAt: Date.parse(alert.activeAt) };
          return alert?.state === "firing" ? now : undefined;
        });
        if (!pending) throw new HarnessError("unreachable: firing implies seen");
        return { pending, firingSeen };
      })(),
      seen(`the webhook's firing ${ALERT} notification`, async () => stack.notifications().find((x) => x.alertname === ALERT && x.status === "firing" && x.receivedAt >= T)),
    ]);
    const zero = (await samples(stack, consumersQuery, Math.ceil((Date.now() - T) / 1_000) + 5)).filter((s) => s.at >= T);
    const firstZero = zero.find((s) => s.value === 0);
    if (!firstZero) throw new HarnessError(`trial ${n}: Prometheus holds no sample of 0 consumers after T`);
    const result: Trial = {
      rabbitSeen: rabbitSeen - T,
      scrapeStamp: firstZero.at - T,
      prometheusSeen: prometheusSeen - T,
      pendingStamp: alertTimes.pending.activeAt - T,
      pendingSeen: alertTimes.pending.seen - T,
      firingStamp: Date.parse(notification.startsAt) - T,
      firingSeen: alertTimes.firingSeen - T,
      notified: notification.receivedAt - T,
    };
    // Reset: the consumer comes back; the next trial (or the end) waits for the alert to resolve.
    return { result, consumer: await attachConsumer(connection) };
  } finally {
    controller.abort("trial over");
  }
}

// ---- the run ------------------------------------------------------------------------------------------

const monitoring = sockShop.monitoring;
if (!monitoring) throw new HarnessError("sock-shop/target.ts declares no monitoring");
const rule = ruleTiming(monitoring.ruleFiles, ALERT);

let broker: Broker | undefined;
let stack: MonitoringStack | undefined;
let connection: amqp.ChannelModel | undefined;
let cleaning: Promise<void> | undefined;
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    await connection?.close().catch(() => undefined);
    const results = await Promise.allSettled([stack?.dispose(), broker?.dispose()]);
    for (const r of results) if (r.status === "rejected") console.error(`cleanup: ${String(r.reason)}`);
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the node and the monitoring stack`);
    void cleanup().finally(() => process.exit(130));
  });
}

const trials: Trial[] = [];
let timing: { scrapeMs: number; evaluationMs: number; groupWaitMs: number; groupIntervalMs: number; statsMs: number } | undefined;
let bootMs = 0;
/** How long Prometheus took to scrape the node's per-object metrics, over the trials (ms). */
let scrapeDurations: number[] = [];
try {
  const booted = performance.now();
  const [b, s] = await Promise.allSettled([startPrivateNode(), startMonitoring({ ruleFiles: monitoring.ruleFiles })]);
  if (b.status === "fulfilled") broker = b.value;
  if (s.status === "fulfilled") stack = s.value;
  if (b.status === "rejected") throw b.reason;
  if (s.status === "rejected") throw s.reason;
  if (!broker || !stack) throw new HarnessError("unreachable: both started");
  await stack.addScrapeTargets(targetScrapeTargets({ ...monitoring, metrics: [] }, { serviceUrl: () => "", brokerMetricsUrl: broker.prometheusEndpoint }));
  bootMs = performance.now() - booted;
  const prom = await prometheusTiming(stack, monitoring.brokerJob);
  const am = await alertmanagerTiming(stack);
  timing = { ...prom, evaluationMs: rule.groupIntervalMs ?? prom.evaluationMs, ...am, statsMs: statsIntervalMs(broker) };

  connection = await amqp.connect(broker.url);
  connection.on("error", () => undefined);
  const publisher = await connection.createConfirmChannel();
  // As upstream's queue-master declares it.
  await publisher.assertQueue(SHIPPING_QUEUE, { durable: false, exclusive: false, autoDelete: false });
  for (let i = 0; i < MESSAGES; i++) publisher.sendToQueue(SHIPPING_QUEUE, Buffer.from(JSON.stringify({ id: `bench-${i}`, name: "detection" })), { contentType: "application/json" });
  await publisher.waitForConfirms();
  await publisher.close();
  let consumer = await attachConsumer(connection);
  const bench: Bench = { broker, stack, connection, scrapeMs: timing.scrapeMs };
  for (let n = 1; n <= TRIALS; n++) {
    if (Date.now() - benchStarted + TRIAL_LIMIT_MS > BENCH_LIMIT_MS) {
      console.error(`stopping after ${trials.length} trials: another could overrun the bench's limit of ${BENCH_LIMIT_MS / 60_000} min`);
      break;
    }
    const done = await trial(bench, consumer, n);
    consumer = done.consumer;
    trials.push(done.result);
  }
  const since = Math.ceil((Date.now() - benchStarted) / 1_000);
  scrapeDurations = (await samples(stack, `scrape_duration_seconds{job="${monitoring.brokerJob}"}`, since)).map((x) => x.value * 1_000);
} finally {
  await cleanup();
}

// ---- the report -----------------------------------------------------------------------------------------

if (!timing || trials.length === 0) throw new HarnessError("no trial completed");
const { scrapeMs, evaluationMs, groupWaitMs, groupIntervalMs, statsMs } = timing;
const sorted = (xs: number[]): number[] => [...xs].sort((a, b) => a - b);
const median = (xs: number[]): number => {
  const s = sorted(xs);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? NaN) : ((s[mid - 1] ?? NaN) + (s[mid] ?? NaN)) / 2;
};
const fmt = (n: number): string => (Math.abs(n) < 1_000 ? `${Math.round(n)} ms` : `${(n / 1_000).toFixed(2)} s`);
const signed = (n: number): string => `${n < 0 ? "−" : "+"}${fmt(Math.abs(n))}`;
const stat = (xs: number[]): string[] => [fmt(median(xs)), `${fmt(Math.min(...xs))} … ${fmt(Math.max(...xs))}`];
const mod = (a: number, m: number): number => ((a % m) + m) % m;
const col = (pick: (t: Trial) => number): number[] => trials.map(pick);

const stages: [string, number[], string][] = [
  ["RabbitMQ's metrics show 0 consumers (polled)", col((t) => t.rabbitSeen), `stats every ${fmt(statsMs)}`],
  ["scrape that first saw 0 (its timestamp)", col((t) => t.scrapeStamp), `+ ≤ ${fmt(scrapeMs)} scrape`],
  ["Prometheus query sees 0 consumers (polled)", col((t) => t.prometheusSeen), ""],
  ["alert pending (activeAt)", col((t) => t.pendingStamp), `+ ≤ ${fmt(evaluationMs)} evaluation`],
  ["alert pending (polled)", col((t) => t.pendingSeen), ""],
  ["alert firing (startsAt)", col((t) => t.firingStamp), `+ for ${fmt(rule.forMs)}`],
  ["alert firing (polled) = time to detect", col((t) => t.firingSeen), ""],
  ["webhook receives the notification", col((t) => t.notified), `+ group_wait ${fmt(groupWaitMs)}`],
];
const stageRows = [["T (channel closed) → stage", "median", "min … max", "configured step"], ...stages.map(([name, xs, step]) => [name, ...stat(xs), step])];
const widths = (rows: string[][]): number[] => [0, 1, 2, 3].map((c) => Math.max(...rows.map((r) => (r[c] ?? "").length)));
const print = (rows: string[][]): void => {
  const w = widths(rows);
  for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(w[c] ?? 0)).join("  │  ").trimEnd());
};

const floor = rule.forMs + scrapeMs + evaluationMs;
const notifyFloor = floor + groupWaitMs;
const detect = col((t) => t.firingSeen);
const notify = col((t) => t.notified);
const overhead = detect.map((d) => d - floor);
const notifyOverhead = notify.map((d) => d - notifyFloor);
// overhead = outside − slack + (for as measured − for): what the floor leaves out (RabbitMQ's emission,
// our polling), less the part of the scrape + evaluation intervals the alignment did not use.
const outside = col((t) => t.rabbitSeen + (t.firingSeen - t.firingStamp));
const slack = col((t) => scrapeMs + evaluationMs - (t.pendingStamp - t.rabbitSeen));
const verdict = (xs: number[]): string =>
  `${median(xs) <= GOAL_MS ? "meets" : "MISSES"} the ≤ ${fmt(GOAL_MS)} goal${Math.max(...xs) > GOAL_MS ? ` (worst trial ${signed(Math.max(...xs))} misses it)` : ""}`;
const ratios: string[][] = [
  [`time to detect: T → firing (median of ${trials.length})`, fmt(median(detect)), `floor: for ${fmt(rule.forMs)} + scrape ${fmt(scrapeMs)} + eval ${fmt(evaluationMs)} = ${fmt(floor)}`, `${(median(detect) / floor).toFixed(2)}×`],
  ["  overhead = measured − floor", signed(median(overhead)), `min ${signed(Math.min(...overhead))}, max ${signed(Math.max(...overhead))}`, verdict(overhead)],
  [
    "  of which outside the floor",
    fmt(median(outside)),
    `stats emission ${fmt(median(col((t) => t.rabbitSeen)))} + polling ${fmt(median(col((t) => t.firingSeen - t.firingStamp)))}`,
    `alignment left ${fmt(median(slack))} of ${fmt(scrapeMs + evaluationMs)} unused`,
  ],
  [`time to notify: T → webhook (median of ${trials.length})`, fmt(median(notify)), `floor + group_wait ${fmt(groupWaitMs)} = ${fmt(notifyFloor)}`, `${(median(notify) / notifyFloor).toFixed(2)}×`],
  ["  overhead = measured − floor", signed(median(notifyOverhead)), `min ${signed(Math.min(...notifyOverhead))}, max ${signed(Math.max(...notifyOverhead))}`, verdict(notifyOverhead)],
];

// Where the overhead went, per trial: the part the floor does not cover (RabbitMQ's emission, polling)
// and the slack the alignment left inside it.
const parts: [string, number[]][] = [
  ["RabbitMQ stats emission (T → its endpoint shows 0, polled)", col((t) => t.rabbitSeen)],
  ["scrape wait (emission → scrape timestamp)", col((t) => t.scrapeStamp - t.rabbitSeen)],
  ["evaluation wait (scrape → activeAt)", col((t) => t.pendingStamp - t.scrapeStamp)],
  ["  of which: evaluation tick − scrape start (offsets: ~fixed per run)", col((t) => mod(t.pendingStamp - t.scrapeStamp, evaluationMs))],
  ["  scrape duration (rabbitmq job; ends after the tick: +1 tick)", scrapeDurations],
  ["for (activeAt → startsAt)", col((t) => t.firingStamp - t.pendingStamp)],
  ["observation (startsAt → firing polled)", col((t) => t.firingSeen - t.firingStamp)],
  ["Alertmanager (startsAt → webhook)", col((t) => t.notified - t.firingStamp)],
];

console.log(`\ngameday detection benchmark (${os.cpus().length} cores, node ${process.version}; ${ALERT}, ${trials.length} trials, polled every ${POLL_MS} ms)`);
console.log(
  `config: for ${fmt(rule.forMs)} (${path.relative(process.cwd(), rule.file)}), scrape ${fmt(scrapeMs)}, evaluation ${fmt(evaluationMs)} (Prometheus' loaded config), ` +
    `group_wait ${fmt(groupWaitMs)}, group_interval ${fmt(groupIntervalMs)} (Alertmanager's), collect_statistics_interval ${fmt(statsMs)} (the node's rabbitmq.conf); boot ${fmt(bootMs)}\n`,
);
print(stageRows);
console.log("");
print([["where it goes (per trial)", "median", "min … max", ""], ...parts.filter(([, xs]) => xs.length > 0).map(([name, xs]) => [name, ...stat(xs), ""])]);
console.log("");
print(ratios);
