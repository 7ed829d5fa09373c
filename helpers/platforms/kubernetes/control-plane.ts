// A disposable Kubernetes control plane on loopback, for integration tests and the demo: etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler as real processes, plus kwok, which
// plays the kubelet of a few fake nodes (it reports pods Running and Ready, or crash-looping for a
// broken image, without running any container). Everything lives in one work directory: data,
// certificates, the admin kubeconfig and one log file per component.
import { spawn, type ChildProcess } from "node:child_process";
import crypto, { X509Certificate } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import https from "node:https";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { stringify } from "yaml";
import { describeError, EnvironmentNotReady, ScenarioError } from "../../core/errors.ts";
import { orphaned, remember } from "../../core/leftovers.ts";
import { processesWithEnv } from "../../core/processes.ts";
import { freePort } from "../../core/ports.ts";
import { sleep } from "../../core/time.ts";
import { kwokStagesYaml } from "./kwok-stages.ts";

export interface ControlPlaneOptions {
  /** Directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kwok. */
  binDir: string;
  /** A fresh directory this control plane owns (data, certs, logs, kubeconfig). */
  workDir: string;
  /** Pods with any container whose image is in this list crash-loop (CrashLoopBackOff, not Ready, restartCount growing over time). */
  brokenImages?: string[];
  /** Fake nodes to create (default 2), named gameday-node-0..N-1: Ready, untainted, label type=kwok, annotation kwok.x-k8s.io/node=fake. */
  nodes?: number;
  /** Limit for the whole start, from spawning etcd to the last readiness check (default 60 s). */
  readyTimeoutMs?: number;
  log?: (line: string) => void;
}

/** The order they start in; they stop in the reverse order. */
const COMPONENTS = ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kwok"] as const;
type Component = (typeof COMPONENTS)[number];

/** Every child carries this variable, valued with its work directory, so a crashed run's orphans can be found. */
const OWNER_ENV = "GAMEDAY_CONTROL_PLANE";
const LEFTOVER_KIND = "control-plane";
const CONTEXT = "gameday-local";
const NODE_PREFIX = "gameday-node-";
const FAKE_NODE_ANNOTATION = { key: "kwok.x-k8s.io/node", value: "fake" };
/** A crash-looping container "restarts" this often (a real kubelet backs off from 10 s to 5 min). */
const CRASH_LOOP_RESTART_MS = 1_000;
/** kwok renews each node's Lease every quarter of this; the controller-manager's grace below is the same 20 s. */
const NODE_LEASE_SECONDS = 20;
const STOP_GRACE_MS = 5_000;
const REQUEST_TIMEOUT_MS = 3_000;
const LOG_TAIL_LINES = 20;
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

interface ComponentProcess {
  component: Component;
  child: ChildProcess;
  logFile: string;
  /** Set once the process is gone: its exit code, or the signal, or the spawn error. */
  exit: string | undefined;
  exited: Promise<void>;
  forget: () => void;
}

interface Layout {
  workDir: string;
  binDir: string;
  logDir: string;
  certDir: string;
  dataDir: string;
  kubeconfigPath: string;
}

export class LocalControlPlane implements AsyncDisposable {
  readonly server: string;
  readonly kubeconfigPath: string;

  private readonly processes: ComponentProcess[] = [];
  private readonly agent: https.Agent;
  private readonly log: (line: string) => void;
  private stopped: Promise<void> | undefined;
  private ca: Buffer | undefined;
  private readyAfterMs = 0;

  private constructor(
    private readonly layout: Layout,
    private readonly apiserverPort: number,
    private readonly token: string,
    log: (line: string) => void,
  ) {
    this.server = `https://127.0.0.1:${apiserverPort}`;
    this.kubeconfigPath = layout.kubeconfigPath;
    this.log = log;
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 4 });
  }

  /** Milliseconds from start() until the nodes were Ready and the default ServiceAccount existed. */
  get startMs(): number {
    return this.readyAfterMs;
  }

  static async start(options: ControlPlaneOptions): Promise<LocalControlPlane> {
    const started = performance.now();
    const log = options.log ?? (() => undefined);
    const nodes = options.nodes ?? 2;
    const readyTimeoutMs = options.readyTimeoutMs ?? 60_000;
    // At most 200: each fake node gets an address in 192.0.2.0/24.
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > 200) throw new ScenarioError(`nodes must be an integer from 1 to 200, got ${nodes}`);
    const binDir = path.resolve(options.binDir);
    requireBinaries(binDir);
    await sweepOrphanedControlPlanes();

    const workDir = path.resolve(options.workDir);
    fs.mkdirSync(workDir, { recursive: true });
    const present = fs.readdirSync(workDir);
    if (present.length > 0) throw new ScenarioError(`the control plane's work directory ${workDir} must be empty; it holds ${present.slice(0, 5).join(", ")}`);
    const layout: Layout = {
      workDir,
      binDir,
      logDir: path.join(workDir, "logs"),
      certDir: path.join(workDir, "certs"),
      dataDir: path.join(workDir, "etcd-data"),
      kubeconfigPath: path.join(workDir, "kubeconfig"),
    };
    for (const dir of [layout.logDir, layout.certDir, path.join(workDir, "kwok")]) fs.mkdirSync(dir, { recursive: true });

    const token = crypto.randomBytes(24).toString("hex");
    const [etcdClientPort = 0, etcdPeerPort = 0, apiserverPort = 0] = await distinctFreePorts(3);
    const plane = new LocalControlPlane(layout, apiserverPort, token, log);
    const deadline = { at: Date.now() + readyTimeoutMs, limitMs: readyTimeoutMs };
    try {
      const files = writeStaticFiles(layout, token, options.brokenImages ?? []);

      plane.spawnComponent("etcd", [
        "--name=gameday",
        `--data-dir=${layout.dataDir}`,
        `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
        `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
        `--initial-cluster=gameday=http://127.0.0.1:${etcdPeerPort}`,
        "--initial-cluster-state=new",
        "--unsafe-no-fsync", // a throwaway cluster: durability buys nothing, and fsync slows every write
        "--log-level=warn",
      ]);
      await plane.waitFor("etcd to report healthy on /health", deadline, () => etcdHealth(etcdClientPort));
      log(`etcd healthy on 127.0.0.1:${etcdClientPort}`);

      plane.spawnComponent("kube-apiserver", [
        `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
        "--bind-address=127.0.0.1",
        "--advertise-address=127.0.0.1",
        // With a loopback advertise address the default lease reconciler fails to publish the
        // kubernetes Service endpoints; nothing here needs them.
        "--endpoint-reconciler-type=none",
        `--secure-port=${apiserverPort}`,
        `--cert-dir=${layout.certDir}`, // self-signed serving certificate, written at start
        `--token-auth-file=${files.tokens}`,
        "--authorization-mode=RBAC",
        "--service-cluster-ip-range=10.96.0.0/16",
        "--service-account-issuer=https://kubernetes.default.svc.cluster.local",
        `--service-account-key-file=${files.serviceAccountPublicKey}`,
        `--service-account-signing-key-file=${files.serviceAccountKey}`,
        "--allow-privileged=true",
        "--enable-priority-and-fairness=false", // fewer bootstrap objects, and no throttling of the controllers' bursts
        "--profiling=false",
      ]);
      await plane.waitFor(`kube-apiserver to answer ok on ${plane.server}/readyz`, deadline, () => plane.apiserverReady());
      log(`kube-apiserver ready on ${plane.server}`);
      plane.writeKubeconfig();

      const clientFlags = [`--kubeconfig=${layout.kubeconfigPath}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0", "--kube-api-qps=1000", "--kube-api-burst=2000"];
      plane.spawnComponent("kube-controller-manager", [
        ...clientFlags,
        "--controllers=*",
        `--root-ca-file=${path.join(layout.certDir, "ca.crt")}`, // written by writeKubeconfig
        `--service-account-private-key-file=${files.serviceAccountKey}`,
        "--node-monitor-period=2s",
        `--node-monitor-grace-period=${NODE_LEASE_SECONDS}s`,
      ]);
      plane.spawnComponent("kube-scheduler", clientFlags);
      await plane.createNodes(nodes);
      plane.spawnComponent("kwok", [
        `--kubeconfig=${layout.kubeconfigPath}`,
        `--config=${files.stages}`,
        `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION.key}=${FAKE_NODE_ANNOTATION.value}`,
        `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
        "--cidr=10.244.0.0/16",
      ]);
      await plane.waitFor(`${nodes} fake node(s) to be Ready and untainted`, deadline, () => plane.nodesReady(nodes));
      await plane.waitFor("the ServiceAccount default/default (created by kube-controller-manager) to exist", deadline, () => plane.defaultServiceAccount());
      plane.readyAfterMs = performance.now() - started;
      log(`control plane ready in ${Math.round(plane.readyAfterMs)} ms: ${plane.server}, kubeconfig ${layout.kubeconfigPath}`);
      return plane;
    } catch (error) {
      await plane.stop();
      throw error;
    }
  }

  /** Stops every component, newest first: SIGTERM, then SIGKILL after a grace. Keeps logs, certificates and kubeconfig; removes etcd's data. */
  stop(): Promise<void> {
    return (this.stopped ??= this.stopAll());
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.stop();
  }

  private async stopAll(): Promise<void> {
    for (const running of [...this.processes].reverse()) await terminate(running);
    this.agent.destroy();
    fs.rmSync(this.layout.dataDir, { recursive: true, force: true });
  }

  // ---- processes ---------------------------------------------------------------------------------

  private spawnComponent(component: Component, args: string[]): void {
    const logFile = path.join(this.layout.logDir, `${component}.log`);
    const output = fs.openSync(logFile, "a");
    const env: NodeJS.ProcessEnv = { ...process.env, [OWNER_ENV]: this.layout.workDir, KWOK_WORKDIR: path.join(this.layout.workDir, "kwok") };
    delete env.KUBECONFIG; // each component gets --kubeconfig; an inherited one must not leak in
    let child: ChildProcess;
    try {
      child = spawn(path.join(this.layout.binDir, component), args, { cwd: this.layout.workDir, env, stdio: ["ignore", output, output] });
    } finally {
      fs.closeSync(output);
    }
    child.unref(); // a forgotten control plane must not keep the test worker alive; the sweep finds it
    const running: ComponentProcess = { component, child, logFile, exit: undefined, exited: Promise.resolve(), forget: () => undefined };
    running.exited = new Promise<void>((resolve) => {
      child.once("error", (error) => {
        running.exit ??= `could not be started (${error.message})`;
        resolve();
      });
      child.once("exit", (code, signal) => {
        running.exit = code === null ? `was killed by ${signal ?? "a signal"}` : `exited with code ${code}`;
        if (!this.stopped) this.log(`${component} ${running.exit} unexpectedly; its log: ${logFile}`);
        resolve();
      });
    });
    if (child.pid !== undefined) running.forget = remember(LEFTOVER_KIND, { workDir: this.layout.workDir, component, pid: child.pid });
    this.processes.push(running);
  }

  /** Throws at once if a component has exited, naming it, how it ended and the end of its log. */
  private assertAllRunning(): void {
    const gone = this.processes.find((p) => p.exit !== undefined);
    if (gone) {
      throw new EnvironmentNotReady(`${gone.component} ${gone.exit} while the control plane was starting; the last lines of ${gone.logFile}:\n${logTail(gone.logFile)}`);
    }
  }

  /** Polls `probe` until it reports done, failing fast on a dead component and at the deadline with the last value seen. */
  private async waitFor(what: string, deadline: { at: number; limitMs: number }, probe: () => Promise<Probe>): Promise<void> {
    let last = "no answer yet";
    for (;;) {
      this.assertAllRunning();
      const result = await probe().catch((error: unknown): Probe => ({ done: false, last: describeError(error) }));
      this.assertAllRunning();
      if (result.done) return;
      last = result.last;
      if (Date.now() > deadline.at) {
        throw new EnvironmentNotReady(`timed out after ${deadline.limitMs} ms (readyTimeoutMs) waiting for ${what}; last seen: ${last}. Logs: ${this.layout.logDir}`);
      }
      await sleep(100);
    }
  }

  // ---- the API server ----------------------------------------------------------------------------

  /** The CA of the API server's self-signed serving certificate, once the API server has written it. */
  private serverCa(): Buffer | undefined {
    if (this.ca) return this.ca;
    const certFile = path.join(this.layout.certDir, "apiserver.crt");
    if (!fs.existsSync(certFile)) return undefined;
    // The file holds the serving certificate, then the CA that signed it. Clients need only the CA;
    // the controller-manager publishes --root-ca-file as a trust bundle, which must hold CAs only.
    const blocks = fs.readFileSync(certFile, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
    const ca = blocks.find((pem) => new X509Certificate(pem).ca);
    if (!ca) throw new EnvironmentNotReady(`${certFile} holds no CA certificate (${blocks.length} certificate(s)); kube-apiserver's self-signed layout changed`);
    fs.writeFileSync(this.caPath, `${ca}\n`);
    this.ca = Buffer.from(`${ca}\n`);
    return this.ca;
  }

  private get caPath(): string {
    return path.join(this.layout.certDir, "ca.crt");
  }

  private request(method: string, pathname: string, body?: unknown): Promise<{ status: number; text: string }> {
    const ca = this.serverCa();
    if (!ca) return Promise.reject(new Error(`serving certificate ${path.join(this.layout.certDir, "apiserver.crt")} not written yet`));
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: this.apiserverPort,
          path: pathname,
          method,
          ca,
          agent: this.agent,
          timeout: REQUEST_TIMEOUT_MS,
          headers: { authorization: `Bearer ${this.token}`, accept: "application/json", ...(payload ? { "content-type": "application/json" } : {}) },
        },
        (res) => {
          let text = "";
          res.setEncoding("utf8");
          res.on("data", (chunk: string) => (text += chunk));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
          res.on("error", reject);
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
      req.on("error", reject);
      req.end(payload);
    });
  }

  private async apiserverReady(): Promise<Probe> {
    const { status, text } = await this.request("GET", "/readyz");
    return status === 200 ? { done: true } : { done: false, last: `HTTP ${status}: ${lastLines(text, 3)}` };
  }

  private writeKubeconfig(): void {
    const ca = this.serverCa();
    if (!ca) throw new EnvironmentNotReady(`kube-apiserver answered /readyz but wrote no ${path.join(this.layout.certDir, "apiserver.crt")}`);
    const kubeconfig = {
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: CONTEXT, cluster: { server: this.server, "certificate-authority-data": ca.toString("base64") } }],
      users: [{ name: "gameday-admin", user: { token: this.token } }],
      contexts: [{ name: CONTEXT, context: { cluster: CONTEXT, user: "gameday-admin", namespace: "default" } }],
      "current-context": CONTEXT,
    };
    fs.writeFileSync(this.layout.kubeconfigPath, stringify(kubeconfig), { mode: 0o600 });
  }

  private async createNodes(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const name = `${NODE_PREFIX}${i}`;
      const resources = { cpu: "32", memory: "256Gi", pods: "110", "ephemeral-storage": "1Ti" };
      const node = {
        apiVersion: "v1",
        kind: "Node",
        metadata: {
          name,
          labels: { type: "kwok", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64" },
          annotations: { [FAKE_NODE_ANNOTATION.key]: FAKE_NODE_ANNOTATION.value, "node.alpha.kubernetes.io/ttl": "0" },
        },
        spec: {},
        // Status may be set on create; kwok keeps capacity and addresses and adds the conditions.
        // Both address types, or kwok's node-initialize replaces the list with what it knows (nothing,
        // without --node-ip/--node-name). 192.0.2.0/24 is TEST-NET-1: documentation only, never routed.
        status: {
          capacity: resources,
          allocatable: resources,
          addresses: [
            { type: "InternalIP", address: `192.0.2.${i + 1}` },
            { type: "Hostname", address: name },
          ],
        },
      };
      const { status, text } = await this.request("POST", "/api/v1/nodes", node);
      if (status !== 201) throw new EnvironmentNotReady(`creating fake node ${name} answered HTTP ${status}: ${lastLines(text, 3)}`);
    }
  }

  private async nodesReady(expected: number): Promise<Probe> {
    const { status, text } = await this.request("GET", "/api/v1/nodes?labelSelector=type%3Dkwok");
    if (status !== 200) return { done: false, last: `listing nodes answered HTTP ${status}` };
    const nodes = (JSON.parse(text) as { items: NodeView[] }).items;
    const problems = nodes.flatMap((node) => {
      const ready = node.status?.conditions?.find((c) => c.type === "Ready")?.status ?? "no Ready condition";
      const taints = (node.spec?.taints ?? []).map((t) => `${t.key}:${t.effect}`);
      if (ready !== "True") return [`${node.metadata.name} Ready=${ready}`];
      if (taints.length > 0) return [`${node.metadata.name} tainted ${taints.join(",")}`];
      return [];
    });
    const readyCount = nodes.length - problems.length;
    if (nodes.length === expected && problems.length === 0) return { done: true };
    return { done: false, last: `${readyCount}/${expected} nodes Ready and untainted${problems.length ? ` (${problems.join("; ")})` : ""}` };
  }

  private async defaultServiceAccount(): Promise<Probe> {
    const { status } = await this.request("GET", "/api/v1/namespaces/default/serviceaccounts/default");
    return status === 200 ? { done: true } : { done: false, last: `HTTP ${status}` };
  }
}

type Probe = { done: true } | { done: false; last: string };

interface NodeView {
  metadata: { name: string };
  spec?: { taints?: { key: string; effect: string }[] };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Free loopback ports, no two alike (the kernel may hand the same free port out twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

function requireBinaries(binDir: string): void {
  const missing = COMPONENTS.filter((component) => {
    try {
      fs.accessSync(path.join(binDir, component), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  if (missing.length > 0) {
    throw new EnvironmentNotReady(
      `the control plane binaries directory ${binDir} lacks ${missing.join(", ")} (no executable file of that name); build them with tools/control-plane/build.sh or point GAMEDAY_CONTROL_PLANE_BIN at a directory holding ${COMPONENTS.join(", ")}`,
    );
  }
}

/** Token file, service-account key pair and kwok's stage file; returns their paths. */
function writeStaticFiles(layout: Layout, token: string, brokenImages: readonly string[]) {
  const authDir = path.join(layout.workDir, "auth");
  fs.mkdirSync(authDir, { recursive: true, mode: 0o700 });
  const tokens = path.join(authDir, "tokens.csv");
  // token,user,uid,"groups": system:masters bypasses RBAC, for us and for the components.
  fs.writeFileSync(tokens, `${token},gameday-admin,gameday-admin,"system:masters"\n`, { mode: 0o600 });
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", {
    modulusLength: 2048,
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  });
  const serviceAccountKey = path.join(authDir, "service-account.key");
  const serviceAccountPublicKey = path.join(authDir, "service-account.pub");
  fs.writeFileSync(serviceAccountKey, privateKey, { mode: 0o600 });
  fs.writeFileSync(serviceAccountPublicKey, publicKey);
  const stages = path.join(layout.workDir, "kwok-stages.yaml");
  fs.writeFileSync(stages, kwokStagesYaml({ brokenImages, crashLoopRestartMs: CRASH_LOOP_RESTART_MS }));
  return { tokens, serviceAccountKey, serviceAccountPublicKey, stages };
}

function etcdHealth(port: number): Promise<Probe> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: "127.0.0.1", port, path: "/health", timeout: REQUEST_TIMEOUT_MS, agent: false }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(res.statusCode === 200 && text.includes('"health":"true"') ? { done: true } : { done: false, last: `HTTP ${res.statusCode}: ${text.trim()}` }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on("error", reject);
  });
}

async function terminate(running: ComponentProcess): Promise<void> {
  const { child } = running;
  const alive = (): boolean => running.exit === undefined && child.pid !== undefined;
  if (alive()) {
    child.kill("SIGTERM");
    await Promise.race([running.exited, sleep(STOP_GRACE_MS)]);
  }
  if (alive()) {
    child.kill("SIGKILL");
    await Promise.race([running.exited, sleep(STOP_GRACE_MS)]);
  }
  if (!alive()) running.forget(); // else leave the entry: the next run's sweep kills it
}

/** The last lines of a log file (its last 64 KiB at most: an API server's log grows large). */
function logTail(file: string): string {
  try {
    const size = fs.statSync(file).size;
    const length = Math.min(size, 64 * 1024);
    const buffer = Buffer.alloc(length);
    const fd = fs.openSync(file, "r");
    try {
      fs.readSync(fd, buffer, 0, length, size - length);
    } finally {
      fs.closeSync(fd);
    }
    return lastLines(buffer.toString("utf8"), LOG_TAIL_LINES) || "(empty log)";
  } catch (error) {
    return `(unreadable: ${describeError(error)})`;
  }
}

function lastLines(text: string, count: number): string {
  return text.trimEnd().split("\n").slice(-count).join("\n");
}

// ---- orphans -------------------------------------------------------------------------------------

/** Pids of live processes started for the control plane in `workDir` (read from /proc/<pid>/environ). */
export function controlPlaneProcesses(workDir: string): number[] {
  return processesWithEnv(OWNER_ENV, path.resolve(workDir));
}

/** Kills the control-plane processes of runs that died without stopping them; returns how many processes. */
export async function sweepOrphanedControlPlanes(): Promise<number> {
  const found = orphaned(LEFTOVER_KIND);
  let killed = 0;
  for (const workDir of new Set(found.map(({ entry }) => String(entry.detail.workDir)))) {
    // By environment, not by recorded pid: a recorded pid may since belong to someone else.
    for (const pid of controlPlaneProcesses(workDir)) {
      try {
        process.kill(pid, "SIGKILL");
        killed += 1;
      } catch {
        // exited meanwhile
      }
    }
    const deadline = Date.now() + 10_000;
    while (controlPlaneProcesses(workDir).length > 0 && Date.now() < deadline) await sleep(50);
    fs.rmSync(path.join(workDir, "etcd-data"), { recursive: true, force: true });
  }
  for (const { forget } of found) forget();
  return killed;
}

// ---- binaries ------------------------------------------------------------------------------------

/**
 * The directory holding the control plane's binaries: $GAMEDAY_CONTROL_PLANE_BIN if set, else what
 * tools/control-plane/build.sh prints (instant once built; a cold build takes 20–40 min, so the
 * default limit is generous). Build progress goes to `log`.
 */
export async function controlPlaneBinDir(options: { log?: (line: string) => void; buildTimeoutMs?: number } = {}): Promise<string> {
  const fromEnv = process.env.GAMEDAY_CONTROL_PLANE_BIN;
  if (fromEnv) return path.resolve(fromEnv);
  const script = path.join(REPO_ROOT, "tools", "control-plane", "build.sh");
  const buildTimeoutMs = options.buildTimeoutMs ?? 90 * 60_000;
  const { code, timedOut, stdout, stderr } = await new Promise<{ code: number | null; timedOut: boolean; stdout: string; stderr: string[] }>((resolve, reject) => {
    // Its own process group, so a timeout stops the go compilers under it too.
    const child = spawn("bash", [script], { cwd: REPO_ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let partial = "";
    let timedOut = false;
    const errLines: string[] = [];
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        process.kill(-(child.pid ?? 0), "SIGKILL");
      } catch {
        // already gone
      }
    }, buildTimeoutMs);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (out += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      const lines = (partial + chunk).split("\n");
      partial = lines.pop() ?? "";
      for (const line of lines) {
        options.log?.(line);
        errLines.push(line);
        if (errLines.length > 40) errLines.shift();
      }
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new EnvironmentNotReady(`could not run ${script} with bash: ${error.message}`));
    });
    child.once("close", (exitCode) => {
      clearTimeout(timer);
      resolve({ code: exitCode, timedOut, stdout: out, stderr: partial ? [...errLines, partial] : errLines });
    });
  });
  const binDir = stdout.trim().split("\n").pop() ?? "";
  if (code !== 0 || !binDir || !fs.existsSync(binDir)) {
    const how = timedOut ? `did not finish within ${buildTimeoutMs} ms and was killed` : code === 0 ? `printed "${binDir}", which is not a directory` : `failed with exit code ${code ?? "(killed by a signal)"}`;
    throw new EnvironmentNotReady(
      `${script} ${how}; the end of its output:\n${stderr.slice(-15).join("\n") || "(no output)"}\n` +
        "Fix that, or set GAMEDAY_CONTROL_PLANE_BIN to a directory holding etcd, kube-apiserver, kube-controller-manager, kube-scheduler and kwok.",
    );
  }
  return binDir;
}
