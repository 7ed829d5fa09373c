// A disposable Kubernetes control plane on loopback, for integration tests and the demo: etcd,
// kube-apiserver, kube-controller-manager and kube-scheduler as real processes, plus kwok, which
// plays the kubelet of a few fake nodes (it reports pods Running and Ready, or crash-looping for a
// broken image, without running any container). Everything lives in one work directory: data,
// certificates, the admin kubeconfig and one log file per component.
//
// This file is the launcher; its parts live beside it: the binaries (control-plane-binaries.ts), its
// loopback HTTP(S) calls (control-plane-api.ts), the fake nodes (control-plane-nodes.ts) and the
// sweep of crashed runs' processes (control-plane-orphans.ts).
import { spawn, type ChildProcess } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { stringify } from "yaml";
import { describeError, EnvironmentNotReady, ScenarioError } from "../../core/errors.ts";
import { remember } from "../../core/leftovers.ts";
import { freePort } from "../../core/ports.ts";
import { maskSecret } from "../../core/redact.ts";
import { formatMs, sleep } from "../../core/time.ts";
import { waitUntil } from "../../core/wait.ts";
import { ControlPlaneApi, etcdHealth, lastLines, type Pending } from "./control-plane-api.ts";
import { requireBinaries, type Component } from "./control-plane-binaries.ts";
import { createFakeNodes, FAKE_NODE_ANNOTATION, fakeNodesReady } from "./control-plane-nodes.ts";
import { LEFTOVER_KIND, OWNER_ENV, sweepOrphanedControlPlanes } from "./control-plane-orphans.ts";
import { kwokStagesYaml } from "./kwok-stages.ts";

// What importers of the control plane have always found here.
export { controlPlaneBinDir } from "./control-plane-binaries.ts";
export { controlPlaneProcesses, sweepOrphanedControlPlanes } from "./control-plane-orphans.ts";

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

const CONTEXT = "gameday-local";
/** A crash-looping container "restarts" this often (a real kubelet backs off from 10 s to 5 min). */
const CRASH_LOOP_RESTART_MS = 1_000;
/** kwok renews each node's Lease every quarter of this; the controller-manager's grace below is the same 20 s. */
const NODE_LEASE_SECONDS = 20;
const STOP_GRACE_MS = 5_000;
const LOG_TAIL_LINES = 20;
const STARTING = "while the control plane was starting";

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
  private readonly api: ControlPlaneApi;
  private readonly log: (line: string) => void;
  private stopped: Promise<void> | undefined;
  private readyAfterMs = 0;

  private constructor(
    private readonly layout: Layout,
    apiserverPort: number,
    private readonly token: string,
    log: (line: string) => void,
  ) {
    this.api = new ControlPlaneApi(layout.certDir, apiserverPort, token);
    this.server = this.api.server;
    this.kubeconfigPath = layout.kubeconfigPath;
    this.log = log;
  }

  /** Milliseconds from start() until the nodes were Ready and the default ServiceAccount existed. */
  get startMs(): number {
    return this.readyAfterMs;
  }

  /** The directory of the components' logs (one file each). */
  get logDir(): string {
    return this.layout.logDir;
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
    await sweepOrphanedControlPlanes({ log });

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
    maskSecret(token); // it authenticates as system:masters: never in a report
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
      await plane.waitFor(`kube-apiserver to answer ok on ${plane.server}/readyz`, deadline, () => plane.api.ready());
      log(`kube-apiserver ready on ${plane.server}`);
      plane.writeKubeconfig();

      const clientFlags = [`--kubeconfig=${layout.kubeconfigPath}`, "--leader-elect=false", "--bind-address=127.0.0.1", "--secure-port=0", "--kube-api-qps=1000", "--kube-api-burst=2000"];
      plane.spawnComponent("kube-controller-manager", [
        ...clientFlags,
        "--controllers=*",
        `--root-ca-file=${plane.api.caPath}`, // written by writeKubeconfig
        `--service-account-private-key-file=${files.serviceAccountKey}`,
        "--node-monitor-period=2s",
        `--node-monitor-grace-period=${NODE_LEASE_SECONDS}s`,
      ]);
      plane.spawnComponent("kube-scheduler", clientFlags);
      await createFakeNodes(plane.api, nodes);
      plane.spawnComponent("kwok", [
        `--kubeconfig=${layout.kubeconfigPath}`,
        `--config=${files.stages}`,
        `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION.key}=${FAKE_NODE_ANNOTATION.value}`,
        `--node-lease-duration-seconds=${NODE_LEASE_SECONDS}`,
        "--cidr=10.244.0.0/16",
      ]);
      await plane.waitFor(`${nodes} fake node(s) to be Ready and untainted`, deadline, () => fakeNodesReady(plane.api, nodes));
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
    this.api.destroy();
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
      // Its own process group: a terminal's Ctrl-C must not stop the API server before the run has
      // reverted its faults through it; the run stops the components afterwards (or the sweep does).
      child = spawn(path.join(this.layout.binDir, component), args, { cwd: this.layout.workDir, env, detached: true, stdio: ["ignore", output, output] });
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

  /** Which component has exited (`when`: e.g. "while the control plane was starting"), how, and the end of its log; undefined while all run. */
  deadComponent(when?: string): string | undefined {
    const gone = this.processes.find((p) => p.exit !== undefined);
    return gone && `${gone.component} ${gone.exit}${when ? ` ${when}` : ""}; the last lines of ${gone.logFile}:\n${logTail(gone.logFile)}`;
  }

  /**
   * Checks `probe` until it reports nothing pending, failing at once when a component dies and at
   * the start's deadline with the last thing still pending, and the logs' directory.
   */
  private async waitFor(what: string, deadline: { at: number; limitMs: number }, probe: () => Promise<Pending>): Promise<void> {
    await waitUntil(what, probe, (pending) => pending === undefined, {
      withinMs: Math.max(0, deadline.at - Date.now()),
      intervalMs: 100,
      abortIf: () => this.deadComponent(STARTING),
      fail: (message) => new EnvironmentNotReady(`${message} (readyTimeoutMs: ${formatMs(deadline.limitMs)} for the whole start). Logs: ${this.layout.logDir}`),
    });
    // A component may have died while the condition came true.
    const dead = this.deadComponent(STARTING);
    if (dead) throw new EnvironmentNotReady(dead);
  }

  // ---- the API server ----------------------------------------------------------------------------

  private writeKubeconfig(): void {
    const ca = this.api.serverCa();
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

  private async defaultServiceAccount(): Promise<Pending> {
    const { status } = await this.api.request("GET", "/api/v1/namespaces/default/serviceaccounts/default");
    return status === 200 ? undefined : `HTTP ${status}`;
  }
}

/** Free loopback ports, no two alike (the kernel may hand the same free port out twice). */
async function distinctFreePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
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
