// The detection stack against real components: promtool on the target's rules, the generated
// Kubernetes copies, and Debian's Prometheus + Alertmanager watching a private RabbitMQ node until
// ShippingTaskNotConsumed fires, notifies and resolves; then what a SIGKILLed owner leaves behind.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import amqp from "amqplib";
import { parseDocument } from "yaml";
import { startPrivateNode } from "../../helpers/broker/rabbitmq.ts";
import { sweepOrphans } from "../../helpers/platforms/orphans.ts";
import { isAlive } from "../../helpers/core/leftovers.ts";
import { mergeScrapeTargets } from "../../helpers/monitoring/config.ts";
import { MONITORING_LEFTOVER_KIND, monitoringProcesses, startMonitoring, sweepOrphanedMonitoring, targetScrapeTargets, type AlertNotification } from "../../helpers/monitoring/stack.ts";
import { CLUSTER_FOR, KUBERNETES_RULES_DIR, RULES_FILE, staleKubernetesRuleFiles } from "../../sock-shop/monitoring/generate.ts";
import { SHIPPING_QUEUE, sockShop } from "../../sock-shop/target.ts";

const execFileAsync = promisify(execFile);
const ALERT = "ShippingTaskNotConsumed";
const monitoring = sockShop.monitoring;
if (!monitoring) throw new Error("sock-shop/target.ts declares no monitoring");

/** promtool's exit code and output (it exits 1 on a failed check: that is a result here, not an error). */
async function promtool(...args: string[]): Promise<{ code: number; output: string }> {
  try {
    const { stdout, stderr } = await execFileAsync("promtool", args, { timeout: 30_000 });
    return { code: 0, output: stdout + stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === "number" ? failed.code : -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

/** Pids whose command line mentions `text`: found through /proc, independently of the stack's own marker. */
function pidsMentioning(text: string): number[] {
  return fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid).flatMap((p) => {
    try {
      return fs.readFileSync(`/proc/${p}/cmdline`, "utf8").includes(text) ? [Number(p)] : [];
    } catch {
      return [];
    }
  });
}

interface RuleGroups {
  groups: { name: string; rules: Record<string, unknown>[] }[];
}

test.describe.configure({ mode: "serial" });

test("promtool accepts Sock Shop's rules and their unit tests, and rejects a broken rule file", async ({}, testInfo) => {
  for (const file of monitoring.ruleFiles) {
    const checked = await promtool("check", "rules", file);
    expect(checked.code, `promtool check rules ${file}:\n${checked.output}`).toBe(0);
    expect(checked.output).toContain("SUCCESS");
  }
  const unit = await promtool("test", "rules", path.join(path.dirname(RULES_FILE), "rules.test.yml"));
  expect(unit.code, `promtool test rules:\n${unit.output}`).toBe(0);

  // The check can fail: an unbalanced parenthesis and a `for` that is no duration.
  const broken = testInfo.outputPath("broken.rules.yml");
  fs.writeFileSync(
    broken,
    ["groups:", "- name: broken", "  rules:", "  - alert: Broken", '    expr: max by (queue) (rabbitmq_queue_consumers{queue="shipping-task"} == 0', "    for: soon", ""].join("\n"),
  );
  const rejected = await promtool("check", "rules", broken);
  expect(rejected.code, `promtool must reject ${broken}:\n${rejected.output}`).toBe(1);
  expect(rejected.output).toMatch(/FAILED/);
});

test("the Kubernetes rule files are what generate.ts makes of sock-shop/monitoring/rules.yml", async ({}, testInfo) => {
  expect(staleKubernetesRuleFiles(), "run `npx tsx sock-shop/monitoring/generate.ts` and commit the result").toEqual([]);

  // Same rules as the source but for the cluster's `for`s; and Prometheus accepts the ConfigMap's copy.
  const source = parseDocument(fs.readFileSync(RULES_FILE, "utf8")).toJS() as RuleGroups;
  for (const group of source.groups) for (const rule of group.rules) if (typeof rule.alert === "string" && CLUSTER_FOR[rule.alert]) rule.for = CLUSTER_FOR[rule.alert];
  const configMap = parseDocument(fs.readFileSync(path.join(KUBERNETES_RULES_DIR, "alert-rules.yaml"), "utf8")).toJS() as { data: Record<string, string> };
  const embedded = configMap.data["alert.rules"] ?? "";
  expect(parseDocument(embedded).toJS()).toEqual(source);
  const copy = testInfo.outputPath("alert.rules.yml");
  fs.writeFileSync(copy, embedded);
  const checked = await promtool("check", "rules", copy);
  expect(checked.code, `promtool check rules on the ConfigMap's alert.rules:\n${checked.output}`).toBe(0);
});

test("scrape targets: a job per URL path, no credentials, the target's services and broker by their job names", () => {
  const jobs = mergeScrapeTargets([], { rabbitmq: "http://127.0.0.1:15692/metrics/per-object", "front-end": ["http://127.0.0.1:8079/metrics", "http://127.0.0.1:8080/metrics"] });
  expect(jobs).toEqual([
    { job: "rabbitmq", scheme: "http", metricsPath: "/metrics/per-object", addresses: ["127.0.0.1:15692"] },
    { job: "front-end", scheme: "http", metricsPath: "/metrics", addresses: ["127.0.0.1:8079", "127.0.0.1:8080"] },
  ]);
  expect(() => mergeScrapeTargets(jobs, { rabbitmq: "http://127.0.0.1:15692/metrics" })).toThrow('job "rabbitmq" already scrapes http://…/metrics/per-object');
  const refused = (() => {
    try {
      mergeScrapeTargets([], { rabbitmq: "http://guest:s3cret@127.0.0.1:15692/metrics" });
      return "accepted";
    } catch (error) {
      return String(error);
    }
  })();
  expect(refused).toContain('scrape target of job "rabbitmq" carries credentials');
  expect(refused).not.toContain("s3cret");
  expect(targetScrapeTargets(monitoring, { serviceUrl: (service) => `http://127.0.0.1:9${service.length}`, brokerMetricsUrl: "http://127.0.0.1:15692/metrics/per-object" })).toEqual({
    "front-end": "http://127.0.0.1:99/metrics",
    rabbitmq: "http://127.0.0.1:15692/metrics/per-object",
  });
  expect(targetScrapeTargets(monitoring, { serviceUrl: () => "http://127.0.0.1:99", brokerMetricsUrl: undefined })).toEqual({ "front-end": "http://127.0.0.1:99/metrics" });
});

test("the stack sees shipping-task lose its consumer: pending, firing, notified, then resolved; nothing is left after dispose", async ({}, testInfo) => {
  test.setTimeout(90_000);
  // Booted side by side (the broker takes longest); the stack learns the broker's address afterwards.
  const [broker, stack] = await Promise.all([startPrivateNode(), startMonitoring({ ruleFiles: monitoring.ruleFiles })]);
  const timings: Record<string, number> = { brokerBootMs: Math.round(broker.bootMs), stackStartMs: Math.round(stack.startMs) };
  let connection: amqp.ChannelModel | undefined;
  try {
    expect((await stack.ruleNames()).sort()).toEqual(
      ["FrontEndServerErrors", "HighErrorRate", "RabbitMQScrapeDown", "ServiceScrapeDown", "ShippingTaskBacklogGrowing", ALERT].sort(),
    );
    const targets = targetScrapeTargets({ ...monitoring, metrics: [] }, { serviceUrl: () => "", brokerMetricsUrl: broker.prometheusEndpoint });
    expect(targets).toEqual({ rabbitmq: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/metrics\/per-object$/) });
    const added = performance.now();
    await stack.addScrapeTargets(targets);
    timings.addScrapeTargetsMs = Math.round(performance.now() - added);

    // Steady state: a consumer on the queue, and Prometheus has seen it.
    connection = await amqp.connect(broker.url);
    const channel = await connection.createChannel();
    await channel.assertQueue(SHIPPING_QUEUE, { durable: true });
    const { consumerTag } = await channel.consume(SHIPPING_QUEUE, (m) => m && channel.ack(m));
    const consumers = `rabbitmq_queue_consumers{job="rabbitmq",queue="${SHIPPING_QUEUE}"}`;
    await expect.poll(async () => (await stack.query(consumers))[0]?.value, { timeout: 15_000, message: `Prometheus sees 1 consumer (${consumers})` }).toBe(1);

    // The incident: the consumer goes, orders keep coming.
    await channel.cancel(consumerTag);
    for (let i = 0; i < 3; i++) channel.sendToQueue(SHIPPING_QUEUE, Buffer.from(`order ${i}`), { persistent: true });
    const consumerGone = Date.now();

    const alertState = async (): Promise<string> => (await stack.alerts()).find((a) => a.name === ALERT)?.state ?? "inactive";
    await expect.poll(alertState, { timeout: 15_000, intervals: [100], message: `${ALERT} pending` }).toMatch(/pending|firing/);
    timings.pendingSeenMs = Date.now() - consumerGone;
    await expect.poll(alertState, { timeout: 30_000, intervals: [100], message: `${ALERT} firing` }).toBe("firing");
    timings.firingSeenMs = Date.now() - consumerGone;
    const firing = (): AlertNotification | undefined => stack.notifications().find((n) => n.alertname === ALERT && n.status === "firing");
    await expect.poll(firing, { timeout: 15_000, intervals: [100], message: `a firing ${ALERT} notification at ${stack.webhookUrl}` }).toBeDefined();
    const notified = firing();
    if (!notified) throw new Error("unreachable: polled above");
    timings.firingNotificationMs = notified.receivedAt - consumerGone;
    const active = (await stack.alerts()).find((a) => a.name === ALERT);
    // `for: 10s` held: Alertmanager's startsAt (when it fired) is at least 10 s after Prometheus' activeAt (when it pended).
    expect(Date.parse(notified.startsAt) - Date.parse(active?.activeAt ?? "")).toBeGreaterThanOrEqual(10_000 - 1_000);
    expect(notified.labels).toMatchObject({ alertname: ALERT, queue: SHIPPING_QUEUE, severity: "critical" });
    expect(notified.annotations.summary).toBe(`RabbitMQ queue ${SHIPPING_QUEUE} has 3 message(s) ready and no consumer`);
    expect((await stack.query(`rabbitmq_queue_messages_ready{queue="${SHIPPING_QUEUE}"}`))[0]?.value).toBe(3);

    // Recovery: a consumer drains the queue and the alert resolves.
    const recovered = Date.now();
    await channel.consume(SHIPPING_QUEUE, (m) => m && channel.ack(m));
    const resolved = (): AlertNotification | undefined => stack.notifications().find((n) => n.alertname === ALERT && n.status === "resolved");
    await expect.poll(resolved, { timeout: 30_000, intervals: [100], message: `a resolved ${ALERT} notification` }).toBeDefined();
    timings.resolvedNotificationMs = (resolved()?.receivedAt ?? 0) - recovered;
    // Nothing else paged: the broker was scraped throughout, and no other rule applies here.
    expect(stack.notifications().map((n) => `${n.alertname} ${n.status}`)).toEqual([`${ALERT} firing`, `${ALERT} resolved`]);
  } finally {
    await testInfo.attach("detection timings (ms; consumer gone → pending, firing, notified; consumer back → resolved)", {
      body: JSON.stringify({ ...timings, notifications: stack.notifications() }, null, 2),
      contentType: "application/json",
    });
    console.log(`detection timings: ${JSON.stringify(timings)}`);
    await connection?.close().catch(() => undefined);
    await stack.dispose();
    await broker.dispose();
  }
  await stack.dispose(); // idempotent
  expect(monitoringProcesses(stack.dir)).toEqual([]);
  expect(pidsMentioning(stack.dir)).toEqual([]);
  expect(isAlive(stack.pids.prometheus)).toBe(false);
  expect(isAlive(stack.pids.alertmanager)).toBe(false);
  expect(fs.existsSync(stack.dir)).toBe(false);
  await expect(fetch(`${stack.prometheusUrl}/-/ready`)).rejects.toThrow();
  await expect(stack.addScrapeTargets({ late: "http://127.0.0.1:1/metrics" })).rejects.toThrow(/was disposed/);
});

test("a stack whose owner was SIGKILLed keeps running until the sweep stops it", async ({}, testInfo) => {
  test.setTimeout(60_000);
  const stateDir = testInfo.outputPath("state");
  const script = testInfo.outputPath("owner.mts"); // .mts: ESM wherever the output directory is
  fs.writeFileSync(
    script,
    `import { startMonitoring } from ${JSON.stringify(path.resolve("helpers/monitoring/stack.ts"))};
     const s = await startMonitoring({ ruleFiles: ${JSON.stringify(monitoring.ruleFiles)} });
     console.log("STACK " + JSON.stringify({ dir: s.dir, url: s.prometheusUrl, pids: s.pids })); setInterval(() => {}, 1000);`,
  );
  const owner = spawn(process.execPath, ["--import", "tsx", script], { env: { ...process.env, GAMEDAY_STATE_DIR: stateDir }, stdio: ["ignore", "pipe", "inherit"] });
  const started = await new Promise<{ dir: string; url: string; pids: { prometheus: number; alertmanager: number } }>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the owner did not start its stack within 30 s")), 30_000);
    owner.stdout.on("data", (d: Buffer) => {
      const m = /STACK (\{.*\})/.exec(d.toString());
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(JSON.parse(m[1]) as { dir: string; url: string; pids: { prometheus: number; alertmanager: number } });
      }
    });
    owner.once("exit", (code) => reject(new Error(`owner exited with ${code}`)));
  });
  owner.kill("SIGKILL");
  await expect.poll(() => isAlive(owner.pid ?? 0), { timeout: 5_000 }).toBe(false);
  // The orphans are still running…
  expect(monitoringProcesses(started.dir).sort()).toEqual([started.pids.prometheus, started.pids.alertmanager].sort());
  expect((await fetch(`${started.url}/-/ready`)).ok).toBe(true);
  process.env.GAMEDAY_STATE_DIR = stateDir;
  try {
    expect(await sweepOrphanedMonitoring()).toBe(1); // …until the sweep stops them
    expect(await sweepOrphanedMonitoring()).toBe(0);
  } finally {
    delete process.env.GAMEDAY_STATE_DIR;
  }
  expect(monitoringProcesses(started.dir)).toEqual([]);
  expect(pidsMentioning(started.dir)).toEqual([]);
  expect(fs.existsSync(started.dir)).toBe(false);
  expect(fs.readdirSync(path.join(stateDir, "leftovers"))).toEqual([]);
});

test("the orphan sweep that the janitor, restore and down run also stops an orphaned stack", async ({}, testInfo) => {
  // A stand-in for a crashed run's stack: a process carrying the stack's marker, registered by an owner that has exited.
  const stateDir = testInfo.outputPath("state");
  const dir = fs.mkdtempSync(path.join(testInfo.outputPath(), "stack-"));
  const orphan = spawn("sleep", ["120"], { env: { PATH: process.env.PATH ?? "/usr/bin:/bin", GAMEDAY_MONITORING_DIR: dir }, detached: true, stdio: "ignore" });
  orphan.unref();
  const register = `import(${JSON.stringify(path.resolve("helpers/core/leftovers.ts"))}).then((m) => m.remember(${JSON.stringify(MONITORING_LEFTOVER_KIND)}, { dir: ${JSON.stringify(dir)} }))`;
  await execFileAsync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", register], { env: { ...process.env, GAMEDAY_STATE_DIR: stateDir }, timeout: 30_000 });
  expect(monitoringProcesses(dir)).toEqual([orphan.pid]);
  process.env.GAMEDAY_STATE_DIR = stateDir;
  try {
    expect(await sweepOrphans({ controlPlanes: false })).toEqual({ brokerNodes: 0, monitoringStacks: 1, controlPlaneProcesses: 0 }); // no node, but the stack goes
  } finally {
    delete process.env.GAMEDAY_STATE_DIR;
    if (orphan.pid && isAlive(orphan.pid)) process.kill(orphan.pid, "SIGKILL");
  }
  expect(isAlive(orphan.pid ?? 0)).toBe(false);
  expect(fs.existsSync(dir)).toBe(false);
  expect(fs.readdirSync(path.join(stateDir, "leftovers"))).toEqual([]);
});
