// The run's own detection stack: Debian's Prometheus and Alertmanager as the run's processes, on
// free loopback ports in a temporary directory, Alertmanager delivering to a webhook inside the run.
// Like the private RabbitMQ node it is registered as a leftover before anything starts, so a
// SIGKILLed run's stack is stopped by the next run, `gameday restore` or `gameday down`.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describeError, HarnessError } from "../core/errors.ts";
import { orphaned, remember } from "../core/leftovers.ts";
import { freePort } from "../core/ports.ts";
import { processesWithEnv } from "../core/processes.ts";
import { formatMs, sleep } from "../core/time.ts";
import { waitUntil } from "../core/wait.ts";
import { alertmanagerConfig, mergeScrapeTargets, prometheusConfig, type ScrapeJob, type ScrapeTargets } from "./config.ts";
import { startWebhookReceiver, type AlertNotification, type WebhookReceiver } from "./webhook.ts";

export { targetScrapeTargets, type ScrapeTargets } from "./config.ts";
export type { AlertNotification } from "./webhook.ts";

const PROMETHEUS = process.env.GAMEDAY_PROMETHEUS ?? "/usr/bin/prometheus";
const ALERTMANAGER = process.env.GAMEDAY_ALERTMANAGER ?? "/usr/bin/prometheus-alertmanager";
/** In the environment of the stack's processes: how a crashed run's stack is found (its directory). */
const OWNER_ENV = "GAMEDAY_MONITORING_DIR";
/** The leftovers kind of a stack (helpers/core/leftovers.ts). */
export const MONITORING_LEFTOVER_KIND = "monitoring";
const LOG_TAIL_LINES = 15;

/** Whether Debian's prometheus and prometheus-alertmanager are installed (bin/ensure-deps.mjs installs them). */
export function monitoringAvailable(): boolean {
  return fs.existsSync(PROMETHEUS) && fs.existsSync(ALERTMANAGER);
}

export interface MonitoringOptions {
  /** Prometheus rule files to evaluate (e.g. a target's `monitoring.ruleFiles`). */
  ruleFiles?: readonly string[];
  /** Scraped from the start; more with `addScrapeTargets`. */
  scrapeTargets?: ScrapeTargets;
  /** Limit for each component to become ready (default 20 s). */
  readyWithinMs?: number;
  log?: (line: string) => void;
}

/** One sample of an instant vector. */
export interface Sample {
  labels: Record<string, string>;
  value: number;
}

/** An alert as Prometheus' /api/v1/alerts shows it now (inactive alerts are not listed). */
export interface ActiveAlert {
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: "pending" | "firing";
  /** RFC 3339: when the expression first held (the start of `pending`). */
  activeAt: string;
  /** The expression's value when last evaluated. */
  value: string;
}

export interface MonitoringStack extends AsyncDisposable {
  /** e.g. http://127.0.0.1:PORT (no credentials anywhere in the stack). */
  readonly prometheusUrl: string;
  readonly alertmanagerUrl: string;
  /** Where Alertmanager delivers; served by this process. */
  readonly webhookUrl: string;
  /** The stack's directory: configuration, TSDB, logs (prometheus.log, alertmanager.log). */
  readonly dir: string;
  /** Milliseconds from the call until both components were ready and every initial target was scraped once. */
  readonly startMs: number;
  /** Pids of the Prometheus and Alertmanager processes (each the leader of its own process group). */
  readonly pids: { readonly prometheus: number; readonly alertmanager: number };
  /** Evaluates `promql` now; a scalar comes back as one sample without labels. */
  query(promql: string): Promise<Sample[]>;
  /** Pending and firing alerts, now. */
  alerts(): Promise<ActiveAlert[]>;
  /** Every alert of every notification the webhook received, in arrival order. */
  notifications(): AlertNotification[];
  /** Names of the alerting rules Prometheus loaded. */
  ruleNames(): Promise<string[]>;
  /** Scrapes more targets; resolves once Prometheus has scraped each of them once. */
  addScrapeTargets(targets: ScrapeTargets): Promise<void>;
  /** Evaluates these rule files instead of the current ones (a rule under test); resolves once Prometheus has loaded them. */
  useRuleFiles(files: readonly string[]): Promise<void>;
  /** The rule files evaluated now. */
  readonly ruleFiles: readonly string[];
  /** Stops both processes and the webhook, removes the directory; idempotent. */
  dispose(): Promise<void>;
}

/** Live processes started for the stack in `dir` (found by their environment, not by recorded pids). */
export function monitoringProcesses(dir: string): number[] {
  return processesWithEnv(OWNER_ENV, path.resolve(dir));
}

/** Kills the stack's processes (process groups of `leaders`, and whatever carries its marker); returns the pids still alive after 10 s. */
async function killStackProcesses(dir: string, leaders: readonly number[]): Promise<number[]> {
  const pids = new Set([...leaders.filter((p) => p > 0).map((p) => -p), ...monitoringProcesses(dir)]);
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL"); // negative: the whole process group
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + 10_000;
  while (monitoringProcesses(dir).length > 0 && Date.now() < deadline) await sleep(25);
  return monitoringProcesses(dir);
}

/**
 * Stops the detection stacks of runs that died without stopping them; returns how many. A stack whose
 * processes survive SIGKILL keeps its leftovers entry, for the next sweep.
 */
export async function sweepOrphanedMonitoring(): Promise<number> {
  let stopped = 0;
  for (const { entry, forget } of orphaned(MONITORING_LEFTOVER_KIND)) {
    const dir = String(entry.detail.dir);
    if ((await killStackProcesses(dir, [])).length > 0) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    forget();
    stopped += 1;
  }
  return stopped;
}

function logTail(file: string): string {
  try {
    return fs.readFileSync(file, "utf8").trimEnd().split("\n").slice(-LOG_TAIL_LINES).join("\n") || "(empty)";
  } catch (error) {
    return `(unreadable: ${describeError(error)})`;
  }
}

interface Component {
  name: string;
  pid: number;
  exited: () => string | undefined;
  logFile: string;
}

function launch(name: string, binary: string, args: string[], dir: string, logFile: string): Component {
  if (!fs.existsSync(binary)) {
    throw new HarnessError(`no ${name}: ${binary} does not exist. Install Debian's ${path.basename(binary) === "prometheus" ? "prometheus" : "prometheus-alertmanager"} (apt-get install -y prometheus prometheus-alertmanager).`);
  }
  const output = fs.openSync(logFile, "a");
  // Its own process group, so disposal kills whatever it started; an environment of its own, so no
  // credential of the run (RABBITMQ_URL…) reaches it, and the marker that finds it after a crash.
  const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, [OWNER_ENV]: dir };
  const child = spawn(binary, args, { cwd: dir, env, detached: true, stdio: ["ignore", output, output] });
  fs.closeSync(output);
  if (child.pid === undefined) throw new HarnessError(`could not start ${binary}`);
  child.unref();
  let exit: string | undefined;
  child.once("exit", (code, signal) => (exit = `${name} exited (${signal ?? `code ${code}`})`));
  return { name, pid: child.pid, exited: () => exit, logFile };
}

async function answers(url: string, init: RequestInit = {}): Promise<string> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(2_000) });
  const text = await response.text();
  if (!response.ok) throw new Error(`HTTP ${response.status} ${text.slice(0, 300)}`);
  return text;
}

async function waitReady(component: Component, address: string, withinMs: number): Promise<void> {
  try {
    await waitUntil(`${component.name} on ${address} to become ready (/-/ready)`, () => answers(`http://${address}/-/ready`), () => true, {
      withinMs,
      intervalMs: 100,
      abortIf: component.exited,
    });
  } catch (error) {
    throw new HarnessError(`${describeError(error)}; log: ${component.logFile} (kept), its last lines:\n${logTail(component.logFile)}`);
  }
}

interface PrometheusEnvelope<T> {
  status: "success" | "error";
  data?: T;
  errorType?: string;
  error?: string;
}

async function prometheusApi<T>(base: string, pathname: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(`${base}${pathname}`, { ...init, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  let envelope: PrometheusEnvelope<T>;
  try {
    envelope = JSON.parse(text) as PrometheusEnvelope<T>;
  } catch {
    throw new HarnessError(`Prometheus at ${base} answered ${pathname.split("?")[0]} with HTTP ${response.status}: ${text.slice(0, 300)}`);
  }
  if (envelope.status !== "success" || envelope.data === undefined) {
    throw new HarnessError(`Prometheus at ${base} refused ${pathname.split("?")[0]}: ${envelope.errorType ?? `HTTP ${response.status}`}: ${envelope.error ?? text.slice(0, 300)}`);
  }
  return envelope.data;
}

interface TargetsData {
  activeTargets: { scrapePool: string; scrapeUrl: string; health: "up" | "down" | "unknown"; lastError: string }[];
}

/** Resolves once every target of `jobs` has been scraped at least once (up or down: a dead service is a state, not a setup error). */
async function waitScraped(base: string, jobs: readonly ScrapeJob[], withinMs: number, abortIf: () => string | undefined): Promise<void> {
  const wanted = jobs.flatMap((j) => j.addresses.map((a) => `${j.scheme}://${a}${j.metricsPath}`));
  if (wanted.length === 0) return;
  await waitUntil(
    `Prometheus at ${base} to scrape ${wanted.join(", ")} once`,
    async () => {
      const { activeTargets } = await prometheusApi<TargetsData>(base, "/api/v1/targets?state=active");
      return wanted.map((url) => `${url}: ${activeTargets.find((t) => t.scrapeUrl === url)?.health ?? "not yet a target"}`);
    },
    (states) => states.every((s) => s.endsWith(": up") || s.endsWith(": down")),
    { withinMs, intervalMs: 200, abortIf },
  );
}

export async function startMonitoring(options: MonitoringOptions = {}): Promise<MonitoringStack> {
  const started = performance.now();
  const log = options.log ?? (() => undefined);
  const readyWithinMs = options.readyWithinMs ?? 20_000;
  let ruleFiles: readonly string[] = (options.ruleFiles ?? []).map((f) => path.resolve(f));
  for (const file of ruleFiles) if (!fs.existsSync(file)) throw new HarnessError(`rule file ${file} does not exist`);
  let jobs = mergeScrapeTargets([], options.scrapeTargets ?? {});

  await sweepOrphanedMonitoring();
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "gameday-monitoring-")));
  const forget = remember(MONITORING_LEFTOVER_KIND, { dir });
  const [prometheusPort, alertmanagerPort, webhookPort] = [await freePort(), await freePort(), await freePort()];
  const prometheusAddress = `127.0.0.1:${prometheusPort}`;
  const alertmanagerAddress = `127.0.0.1:${alertmanagerPort}`;
  const prometheusUrl = `http://${prometheusAddress}`;
  const alertmanagerUrl = `http://${alertmanagerAddress}`;
  const prometheusYml = path.join(dir, "prometheus.yml");

  const components: Component[] = [];
  let webhook: WebhookReceiver | undefined;
  const failed = async (error: unknown): Promise<never> => {
    await killStackProcesses(dir, components.map((c) => c.pid)).catch(() => undefined);
    await webhook?.close();
    // The processes are gone; the directory stays for the logs an error message points to.
    if (components.length === 0) fs.rmSync(dir, { recursive: true, force: true });
    forget();
    throw error;
  };
  try {
    webhook = await startWebhookReceiver(webhookPort, log);
    fs.writeFileSync(path.join(dir, "alertmanager.yml"), alertmanagerConfig(webhook.url));
    const alertmanager = launch(
      "Alertmanager",
      ALERTMANAGER,
      [
        `--config.file=${path.join(dir, "alertmanager.yml")}`,
        `--storage.path=${path.join(dir, "alertmanager")}`,
        `--web.listen-address=${alertmanagerAddress}`,
        "--cluster.listen-address=", // empty: no gossip cluster, no port beyond the web one
        "--data.retention=2h",
      ],
      dir,
      path.join(dir, "alertmanager.log"),
    );
    components.push(alertmanager);
    fs.writeFileSync(prometheusYml, prometheusConfig({ alertmanagerAddress, ruleFiles, jobs }));
    const prometheus = launch(
      "Prometheus",
      PROMETHEUS,
      [
        `--config.file=${prometheusYml}`,
        `--storage.tsdb.path=${path.join(dir, "tsdb")}`,
        "--storage.tsdb.retention.time=2h",
        `--web.listen-address=${prometheusAddress}`,
        "--web.enable-lifecycle", // POST /-/reload for addScrapeTargets
      ],
      dir,
      path.join(dir, "prometheus.log"),
    );
    components.push(prometheus);
    await waitReady(alertmanager, alertmanagerAddress, readyWithinMs);
    await waitReady(prometheus, prometheusAddress, readyWithinMs);
    const bothAlive = (): string | undefined => prometheus.exited() ?? alertmanager.exited();
    // Prometheus hands targets and Alertmanagers to its managers every 5 s: until then an alert would go nowhere.
    await waitUntil(
      `Prometheus at ${prometheusUrl} to know Alertmanager ${alertmanagerAddress}`,
      () => prometheusApi<{ activeAlertmanagers: { url: string }[] }>(prometheusUrl, "/api/v1/alertmanagers"),
      (data) => data.activeAlertmanagers.some((a) => a.url.includes(alertmanagerAddress)),
      { withinMs: readyWithinMs, intervalMs: 200, abortIf: bothAlive },
    ).catch((error: unknown) => {
      throw new HarnessError(`${describeError(error)}; log: ${prometheus.logFile}`);
    });
    await waitScraped(prometheusUrl, jobs, readyWithinMs, bothAlive).catch((error: unknown) => {
      throw new HarnessError(`${describeError(error)}; log: ${prometheus.logFile}`);
    });
    const startMs = performance.now() - started;
    log(`monitoring: Prometheus ${prometheusUrl}, Alertmanager ${alertmanagerUrl} ready in ${formatMs(startMs)} (${dir})`);

    const receiver = webhook;
    let disposed: Promise<void> | undefined;
    const dispose = (): Promise<void> =>
      (disposed ??= (async () => {
        const left = await killStackProcesses(dir, [prometheus.pid, alertmanager.pid]);
        await receiver.close();
        // The leftovers entry stays, so the next sweep tries again.
        if (left.length > 0) throw new HarnessError(`monitoring processes of ${dir} still alive 10 s after SIGKILL: pids ${left.join(", ")}`);
        fs.rmSync(dir, { recursive: true, force: true });
        forget();
      })());
    let reconfiguring: Promise<void> = Promise.resolve();

    return {
      prometheusUrl,
      alertmanagerUrl,
      webhookUrl: receiver.url,
      dir,
      startMs,
      pids: { prometheus: prometheus.pid, alertmanager: alertmanager.pid },
      query: async (promql) => {
        const data = await prometheusApi<{ resultType: string; result: unknown }>(prometheusUrl, "/api/v1/query", {
          method: "POST",
          body: new URLSearchParams({ query: promql }),
        }).catch((error: unknown) => {
          throw new HarnessError(`query ${JSON.stringify(promql)}: ${describeError(error)}`);
        });
        if (data.resultType === "vector") {
          return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
        }
        if (data.resultType === "scalar") return [{ labels: {}, value: Number((data.result as [number, string])[1]) }];
        throw new HarnessError(`query ${JSON.stringify(promql)} returned a ${data.resultType}, not an instant vector or a scalar`);
      },
      alerts: async () => {
        const data = await prometheusApi<{ alerts: Omit<ActiveAlert, "name">[] }>(prometheusUrl, "/api/v1/alerts");
        return data.alerts.map((a) => ({ name: a.labels.alertname ?? "(no alertname)", labels: a.labels, annotations: a.annotations, state: a.state, activeAt: a.activeAt, value: a.value }));
      },
      notifications: () => receiver.notifications(),
      ruleNames: async () => {
        const data = await prometheusApi<{ groups: { rules: { name: string; type: string }[] }[] }>(prometheusUrl, "/api/v1/rules?type=alert");
        return [...new Set(data.groups.flatMap((g) => g.rules.filter((r) => r.type === "alerting").map((r) => r.name)))];
      },
      get ruleFiles() {
        return ruleFiles;
      },
      useRuleFiles: (files) =>
        (reconfiguring = reconfiguring
          .catch(() => undefined)
          .then(async () => {
            if (disposed) throw new HarnessError(`the monitoring stack in ${dir} was disposed`);
            fs.writeFileSync(prometheusYml, prometheusConfig({ alertmanagerAddress, ruleFiles: files, jobs }));
            try {
              await answers(`${prometheusUrl}/-/reload`, { method: "POST" });
            } catch (error) {
              fs.writeFileSync(prometheusYml, prometheusConfig({ alertmanagerAddress, ruleFiles, jobs }));
              throw new HarnessError(`Prometheus at ${prometheusUrl} refused the rule files ${files.join(", ")}: ${describeError(error)}; log: ${prometheus.logFile}`);
            }
            ruleFiles = [...files];
          })),
      addScrapeTargets: (targets) =>
        (reconfiguring = reconfiguring
          .catch(() => undefined)
          .then(async () => {
            if (disposed) throw new HarnessError(`the monitoring stack in ${dir} was disposed; it scrapes nothing more`);
            const next = mergeScrapeTargets(jobs, targets);
            fs.writeFileSync(prometheusYml, prometheusConfig({ alertmanagerAddress, ruleFiles, jobs: next }));
            try {
              await answers(`${prometheusUrl}/-/reload`, { method: "POST" });
            } catch (error) {
              fs.writeFileSync(prometheusYml, prometheusConfig({ alertmanagerAddress, ruleFiles, jobs }));
              throw new HarnessError(`Prometheus at ${prometheusUrl} refused the new scrape targets: ${describeError(error)}; log: ${prometheus.logFile}`);
            }
            jobs = next;
            await waitScraped(prometheusUrl, jobs, readyWithinMs, bothAlive);
          })),
      dispose,
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    return failed(error);
  }
}
