// Where the run's RabbitMQ comes from: the broker named by RABBITMQ_URL (in a vhost of the run's
// own), or a private node of Debian's rabbitmq-server started in a temporary directory.
import { execFile, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import amqp from "amqplib";
import { redactUrl } from "../core/redact.ts";
import { describeError, HarnessError } from "../core/errors.ts";
import { orphaned, remember } from "../core/leftovers.ts";
import { freePort } from "../core/ports.ts";
import { sleep } from "../core/time.ts";

const run = promisify(execFile);
const RABBITMQ_SERVER = process.env.GAMEDAY_RABBITMQ_SERVER ?? "/usr/lib/rabbitmq/bin/rabbitmq-server";

/** Stop and start of a broker the run owns, in place: same address, same directory. */
export interface BrokerControl {
  /** Accepts AMQP connections now. */
  running(): Promise<boolean>;
  /** Kills the node (its whole process group); idempotent. */
  stop(): Promise<void>;
  /** Starts the node again on the same ports and directory; resolves once it accepts connections. */
  start(): Promise<void>;
}

export interface Broker extends AsyncDisposable {
  /** AMQP URL of the run's vhost. Carries credentials: never print it, print `display`. */
  readonly url: string;
  readonly display: string;
  readonly vhost: string;
  readonly origin: "private node" | "RABBITMQ_URL";
  /** Milliseconds from the start of provisioning until the broker accepted connections. */
  readonly bootMs: number;
  /** The private node's directory (data, logs); absent for RABBITMQ_URL. */
  readonly nodeDir?: string;
  /** Present for a private node only: a shared broker is never stopped by a run. */
  readonly control?: BrokerControl;
  /** Base URL of the management HTTP API (no credentials), when the broker offers one. */
  readonly managementUrl?: string;
  /**
   * The broker's Prometheus metrics with a series per queue (rabbitmq_prometheus' /metrics/per-object,
   * no credentials), for the private node; undefined for RABBITMQ_URL, whose metrics endpoint may not exist.
   */
  readonly prometheusEndpoint?: string;
  dispose(): Promise<void>;
}

/** The URL with its password replaced, for logs and reports. */
export const redact = redactUrl;

export function withVhost(url: string, vhost: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${encodeURIComponent(vhost)}`;
  return parsed.toString();
}

/** True when the broker at `url` completes an AMQP handshake within the timeout. */
export async function acceptsConnections(url: string, timeoutMs: number): Promise<boolean> {
  try {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    connection.on("error", () => undefined);
    await connection.close();
    return true;
  } catch {
    return false;
  }
}

export interface ProvisionOptions {
  runId: string;
  /** RABBITMQ_URL, if the user gave one. */
  sharedUrl?: string | undefined;
  log?: ((line: string) => void) | undefined;
}

export async function provisionBroker(options: ProvisionOptions): Promise<Broker> {
  const log = options.log ?? (() => undefined);
  const started = performance.now();
  if (options.sharedUrl) {
    if (await acceptsConnections(options.sharedUrl, 3_000)) {
      const vhost = `gameday-${options.runId}`;
      const broker = await isolatedVhost(options.sharedUrl, vhost);
      return { ...broker, bootMs: performance.now() - started };
    }
    log(`RABBITMQ_URL ${redact(options.sharedUrl)} is not reachable; starting a private RabbitMQ node instead`);
  }
  return startPrivateNode();
}

// ---- a vhost of the run's own on a shared broker -------------------------------------------------

interface VhostAdmin {
  create(vhost: string, user: string): Promise<void>;
  remove(vhost: string): Promise<void>;
}

function managementAdmin(base: string, user: string, password: string): VhostAdmin {
  const auth = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  const request = async (method: string, pathname: string, body?: unknown): Promise<void> => {
    const response = await fetch(`${base}${pathname}`, {
      method,
      headers: { authorization: auth, "content-type": "application/json" },
      body: body === undefined ? null : JSON.stringify(body),
      signal: AbortSignal.timeout(5_000),
    });
    if (!response.ok && !(method === "DELETE" && response.status === 404)) {
      throw new Error(`${method} ${pathname} answered ${response.status}`);
    }
  };
  return {
    create: async (vhost, owner) => {
      await request("PUT", `/api/vhosts/${encodeURIComponent(vhost)}`, {});
      await request("PUT", `/api/permissions/${encodeURIComponent(vhost)}/${encodeURIComponent(owner)}`, {
        configure: ".*",
        write: ".*",
        read: ".*",
      });
    },
    remove: (vhost) => request("DELETE", `/api/vhosts/${encodeURIComponent(vhost)}`),
  };
}

const rabbitmqctlAdmin: VhostAdmin = {
  create: async (vhost, owner) => {
    await run("rabbitmqctl", ["add_vhost", vhost], { timeout: 30_000 });
    await run("rabbitmqctl", ["set_permissions", "-p", vhost, owner, ".*", ".*", ".*"], { timeout: 30_000 });
  },
  remove: async (vhost) => {
    await run("rabbitmqctl", ["delete_vhost", vhost], { timeout: 30_000 });
  },
};

/** The management API of a shared broker, if it answers with the URL's credentials. */
async function reachableManagement(sharedUrl: string): Promise<string | undefined> {
  const parsed = new URL(sharedUrl);
  const base = process.env.GAMEDAY_RABBITMQ_MANAGEMENT_URL ?? `http://${parsed.hostname}:15672`;
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(parsed.username || "guest")}:${decodeURIComponent(parsed.password || "guest")}`).toString("base64")}`;
  try {
    const response = await fetch(`${base}/api/overview`, { headers: { authorization: auth }, signal: AbortSignal.timeout(1_000) });
    return response.ok ? base : undefined;
  } catch {
    return undefined;
  }
}

/** The ways to manage vhosts on a broker: its management API, and rabbitmqctl when it runs here. */
function vhostAdmins(sharedUrl: string): [string, VhostAdmin][] {
  const parsed = new URL(sharedUrl);
  const user = decodeURIComponent(parsed.username || "guest");
  const password = decodeURIComponent(parsed.password || "guest");
  const managementBase = process.env.GAMEDAY_RABBITMQ_MANAGEMENT_URL ?? `http://${parsed.hostname}:15672`;
  const candidates: [string, VhostAdmin][] = [["management API", managementAdmin(managementBase, user, password)]];
  if (["127.0.0.1", "localhost", "::1"].includes(parsed.hostname)) candidates.push(["rabbitmqctl", rabbitmqctlAdmin]);
  return candidates;
}

/** Deletes the vhosts of runs that died without deleting them; returns how many. */
export async function sweepLeftoverVhosts(sharedUrl: string): Promise<number> {
  return sweepOrphanedVhosts(vhostAdmins(sharedUrl).map(([, admin]) => admin));
}

async function isolatedVhost(sharedUrl: string, vhost: string): Promise<Omit<Broker, "bootMs">> {
  const user = decodeURIComponent(new URL(sharedUrl).username || "guest");
  const candidates = vhostAdmins(sharedUrl);
  await sweepOrphanedVhosts(candidates.map(([, admin]) => admin));
  const problems: string[] = [];
  for (const [how, admin] of candidates) {
    try {
      await admin.create(vhost, user);
      const forget = remember("vhost", { vhost });
      const url = withVhost(sharedUrl, vhost);
      let disposed: Promise<void> | undefined;
      const dispose = (): Promise<void> =>
        (disposed ??= admin.remove(vhost).then(forget, (error: unknown) => {
          throw new HarnessError(`could not delete vhost ${vhost} through the ${how}: ${describeError(error)}`);
        }));
      const managementUrl = await reachableManagement(sharedUrl);
      return { url, display: redact(url), vhost, origin: "RABBITMQ_URL", dispose, [Symbol.asyncDispose]: dispose, ...(managementUrl ? { managementUrl } : {}) };
    } catch (error) {
      problems.push(`${how}: ${describeError(error)}`);
    }
  }
  throw new HarnessError(
    `cannot create an isolated vhost "${vhost}" on ${redact(sharedUrl)} (${problems.join("; ")}). ` +
      "Enable the rabbitmq_management plugin (or set GAMEDAY_RABBITMQ_MANAGEMENT_URL), or unset RABBITMQ_URL to use a private node.",
  );
}

async function sweepOrphanedVhosts(admins: VhostAdmin[]): Promise<number> {
  let removed = 0;
  for (const { entry, forget } of orphaned("vhost")) {
    const vhost = String(entry.detail.vhost);
    for (const admin of admins) {
      try {
        await admin.remove(vhost);
        forget();
        removed += 1;
        break;
      } catch {
        // try the next way, or leave it for the next run
      }
    }
  }
  return removed;
}

// ---- a private node ------------------------------------------------------------------------------

interface NodeProcess {
  pid: number;
  epmdPort: number;
  dir: string;
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Kills the node's process group (pid 0: a node stopped in place, nothing to kill). */
async function stopNodeProcesses(node: NodeProcess): Promise<void> {
  if (node.pid > 0) {
    try {
      process.kill(-node.pid, "SIGKILL"); // the whole process group: launcher script, beam, inet_gethost
    } catch {
      // already gone
    }
    // Wait until the group is gone, so its ports are free for a restart in place.
    const deadline = Date.now() + 10_000;
    while (groupAlive(node.pid) && Date.now() < deadline) await sleep(20);
  }
  // Our epmd lives in the node's process group (see startPrivateNode); this catches one that did not.
  await run("epmd", ["-port", String(node.epmdPort), "-kill"], { timeout: 5_000 }).catch(() => undefined);
}

async function killNode(node: NodeProcess): Promise<void> {
  await stopNodeProcesses(node);
  fs.rmSync(node.dir, { recursive: true, force: true });
}

/**
 * Stops the private nodes of runs that died without stopping them; returns how many. Their detection
 * stacks (Prometheus, Alertmanager) are stopped too: every path that sweeps a crashed run's broker
 * (the next run, `gameday restore`, `gameday down`) must not leave its monitoring running.
 */
export async function sweepOrphanedNodes(): Promise<number> {
  const found = orphaned("rabbitmq-node");
  for (const { entry, forget } of found) {
    await killNode({ pid: Number(entry.detail.pid), epmdPort: Number(entry.detail.epmdPort), dir: String(entry.detail.dir) });
    forget();
  }
  return found.length;
}

function nodeOutput(dir: string): string {
  const files = [path.join(dir, "stdout.log")];
  const logDir = path.join(dir, "log");
  if (fs.existsSync(logDir)) files.push(...fs.readdirSync(logDir).map((f) => path.join(logDir, f)));
  return files
    .filter((f) => fs.existsSync(f))
    .map((f) => `${path.basename(f)}:\n${fs.readFileSync(f, "utf8").split("\n").slice(-12).join("\n")}`)
    .join("\n");
}

interface NodeLayout {
  dir: string;
  amqpPort: number;
  distPort: number;
  epmdPort: number;
}

function nodeEnv({ dir, amqpPort, distPort, epmdPort }: NodeLayout): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: path.join(dir, "home"),
    RABBITMQ_NODENAME: `gameday${amqpPort}@localhost`,
    RABBITMQ_NODE_IP_ADDRESS: "127.0.0.1",
    RABBITMQ_NODE_PORT: String(amqpPort),
    RABBITMQ_DIST_PORT: String(distPort),
    ERL_EPMD_PORT: String(epmdPort),
    ERL_EPMD_ADDRESS: "127.0.0.1",
    RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: "-kernel inet_dist_use_interface {127,0,0,1}",
    RABBITMQ_CONFIG_FILE: path.join(dir, "rabbitmq.conf"),
    RABBITMQ_ENABLED_PLUGINS_FILE: path.join(dir, "enabled_plugins"),
    RABBITMQ_MNESIA_BASE: path.join(dir, "mnesia"),
    RABBITMQ_LOG_BASE: path.join(dir, "log"),
    RABBITMQ_PID_FILE: path.join(dir, "beam.pid"),
    RABBITMQ_PLUGINS_EXPAND_DIR: path.join(dir, "plugins-expand"),
  };
  delete env.RABBITMQ_ALLOW_INPUT; // any value starts an Erlang shell that dies on stdin EOF
  return env;
}

interface Launched {
  node: NodeProcess;
  /** Drops the node's leftovers entry: call once its processes are gone. */
  forget: () => void;
}

/**
 * Launches the node in its directory and waits until it accepts connections. The leftovers entry is
 * written before the wait, so a run killed during boot still gets its node swept.
 */
async function launchNode(layout: NodeLayout, url: string, what: string): Promise<Launched> {
  const output = fs.openSync(path.join(layout.dir, "stdout.log"), "a");
  // epmd is started first, in the node's own process group and in the foreground: otherwise the
  // node would daemonise one that outlives it. Killing the group then stops everything.
  const launcher = `epmd & for i in $(seq 100); do epmd -names >/dev/null 2>&1 && break; sleep 0.05; done; exec "${RABBITMQ_SERVER}"`;
  const child = spawn("/bin/sh", ["-c", launcher], { cwd: layout.dir, env: nodeEnv(layout), detached: true, stdio: ["ignore", output, output] });
  fs.closeSync(output);
  if (child.pid === undefined) throw new HarnessError(`could not start ${RABBITMQ_SERVER}`);
  child.unref();
  const node: NodeProcess = { pid: child.pid, epmdPort: layout.epmdPort, dir: layout.dir };
  const forget = remember("rabbitmq-node", { pid: child.pid, epmdPort: layout.epmdPort, dir: layout.dir });
  let exited = false;
  child.once("exit", () => (exited = true));
  const deadline = Date.now() + 60_000;
  while (!(await acceptsConnections(url, 1_000))) {
    if (exited || Date.now() > deadline) {
      const tail = nodeOutput(layout.dir);
      await stopNodeProcesses(node);
      forget();
      throw new HarnessError(
        `the private RabbitMQ node on 127.0.0.1:${layout.amqpPort} ${exited ? `exited during ${what}` : `did not accept connections within 60 s of ${what}`}; its last output:\n${tail}`,
      );
    }
    await sleep(100);
  }
  return { node, forget };
}

export async function startPrivateNode(): Promise<Broker> {
  const started = performance.now();
  if (!fs.existsSync(RABBITMQ_SERVER)) {
    throw new HarnessError(
      `no RabbitMQ: RABBITMQ_URL is not set and ${RABBITMQ_SERVER} does not exist. Install Debian's rabbitmq-server (apt-get install -y rabbitmq-server) or set RABBITMQ_URL.`,
    );
  }
  await sweepOrphanedNodes();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-rabbit-"));
  const layout: NodeLayout = { dir, amqpPort: await freePort(), distPort: await freePort(), epmdPort: await freePort() };
  fs.mkdirSync(path.join(dir, "home"));
  // The management API is the only reader of unacknowledged messages; its statistics refresh every 500 ms.
  // The same interval paces rabbitmq_prometheus' queue metrics (default 5 s), so alerts see a dead consumer fast.
  const managementPort = await freePort();
  const prometheusPort = await freePort();
  fs.writeFileSync(
    path.join(dir, "rabbitmq.conf"),
    [
      `listeners.tcp.1 = 127.0.0.1:${layout.amqpPort}`,
      "loopback_users = none",
      "log.console = false",
      "log.file.level = info",
      "management.tcp.ip = 127.0.0.1",
      `management.tcp.port = ${managementPort}`,
      "collect_statistics_interval = 500",
      "prometheus.tcp.ip = 127.0.0.1",
      `prometheus.tcp.port = ${prometheusPort}`,
      "",
    ].join("\n"),
  );
  fs.writeFileSync(path.join(dir, "enabled_plugins"), "[rabbitmq_management,rabbitmq_prometheus].\n");
  const managementUrl = `http://127.0.0.1:${managementPort}`;
  // Per object: the aggregated /metrics has no queue label, so no rule could name shipping-task.
  const prometheusEndpoint = `http://127.0.0.1:${prometheusPort}/metrics/per-object`;
  const url = `amqp://guest:guest@127.0.0.1:${layout.amqpPort}/`;
  let current: Launched;
  try {
    current = await launchNode(layout, url, "boot");
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const bootMs = performance.now() - started;

  // While stopped in place, the directory is still ours: a leftovers entry without a process keeps it sweepable.
  let stoppedEntry: (() => void) | undefined;
  let transition: Promise<void> = Promise.resolve();
  let disposed: Promise<void> | undefined;
  const serially = (step: () => Promise<void>): Promise<void> => (transition = transition.catch(() => undefined).then(step));
  const control: BrokerControl = {
    running: () => acceptsConnections(url, 1_000),
    stop: () =>
      serially(async () => {
        if (disposed || stoppedEntry) return;
        await stopNodeProcesses(current.node);
        stoppedEntry = remember("rabbitmq-node", { pid: 0, epmdPort: layout.epmdPort, dir });
        current.forget();
      }),
    start: () =>
      serially(async () => {
        if (disposed) throw new HarnessError("the private RabbitMQ node was disposed; it cannot be started again");
        if (!stoppedEntry) return;
        current = await launchNode(layout, url, "restart");
        stoppedEntry();
        stoppedEntry = undefined;
      }),
  };
  const dispose = (): Promise<void> =>
    (disposed ??= transition
      .catch(() => undefined)
      .then(() => killNode(current.node))
      .then(() => {
        current.forget();
        stoppedEntry?.();
      }));
  return { url, display: redact(url), vhost: "/", origin: "private node", bootMs, nodeDir: dir, control, managementUrl, prometheusEndpoint, dispose, [Symbol.asyncDispose]: dispose };
}
