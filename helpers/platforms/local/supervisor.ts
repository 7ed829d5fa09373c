// The local platform's controller: runs each deployment as N replica processes, restarts crashed
// ones with exponential back-off (CrashLoopBackOff), checks readiness over HTTP, keeps per-replica
// logs and events, and routes each service's stable port to its ready replicas.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { HarnessError } from "../../core/errors.ts";
import { freePort } from "../../core/ports.ts";
import { formatMs, sleep } from "../../core/time.ts";
import type { DeploymentStatus, LogLine, PlatformEvent } from "../platform.ts";
import { ServiceProxy } from "./service-proxy.ts";

export interface DeploymentSpec {
  name: string;
  /** Executable and arguments of one replica. */
  command: string;
  args: string[];
  env?: Record<string, string>;
  replicas: number;
  /** Path answered with 2xx when a replica is ready; replicas get PORT and a Service when set. */
  healthPath?: string;
}

export interface SupervisorOptions {
  /** Where per-deployment log files go. */
  logDir: string;
  /** Environment every replica gets (broker URL, data directory, …). */
  env?: Record<string, string>;
  cwd?: string;
  backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  terminationGraceMs?: number;
}

type ReplicaState = "starting" | "running" | "backoff" | "terminating";

interface Replica {
  id: string;
  port: number;
  state: ReplicaState;
  ready: boolean;
  child: ChildProcess | undefined;
  startedAt: number;
  restarts: number;
  consecutiveCrashes: number;
  timer?: NodeJS.Timeout;
  exited?: Promise<void>;
}

interface Deployment {
  spec: DeploymentSpec;
  desired: number;
  replicas: Replica[];
  proxy?: ServiceProxy;
  logs: LogLine[];
  logFile: string;
  restartsOfRemoved: number;
}

const MAX_LOG_LINES = 20_000;

export class Supervisor {
  private readonly deployments = new Map<string, Deployment>();
  private readonly eventLog: PlatformEvent[] = [];
  private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  private readonly graceMs: number;
  private stopped = false;
  private readinessLoop?: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000, resetAfterMs: 10_000 };
    this.graceMs = options.terminationGraceMs ?? 5_000;
    fs.mkdirSync(options.logDir, { recursive: true });
  }

  /** Creates the services first (so every replica knows every address), then the replicas. */
  async apply(specs: DeploymentSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.deployments.has(spec.name)) throw new HarnessError(`deployment ${spec.name} is defined twice`);
      const deployment: Deployment = {
        spec,
        desired: 0,
        replicas: [],
        logs: [],
        logFile: path.join(this.options.logDir, `${spec.name}.log`),
        restartsOfRemoved: 0,
      };
      if (spec.healthPath !== undefined) deployment.proxy = await ServiceProxy.listen(spec.name);
      this.deployments.set(spec.name, deployment);
    }
    this.readinessLoop ??= this.watchReadiness();
    for (const spec of specs) await this.scale(spec.name, spec.replicas);
  }

  /** The URL of a deployment's Service (its stable port). */
  serviceUrl(name: string): string {
    const proxy = this.get(name).proxy;
    if (!proxy) throw new HarnessError(`deployment ${name} serves no HTTP, so it has no service URL`);
    return `http://127.0.0.1:${proxy.port}`;
  }

  private serviceEnv(): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, d] of this.deployments) {
      if (d.proxy) env[`${name.toUpperCase().replace(/-/g, "_")}_URL`] = `http://127.0.0.1:${d.proxy.port}`;
    }
    return env;
  }

  private get(name: string): Deployment {
    const found = this.deployments.get(name);
    if (!found) {
      throw new HarnessError(`no deployment named "${name}" on the local platform (known: ${[...this.deployments.keys()].join(", ")})`);
    }
    return found;
  }

  async scale(name: string, replicas: number): Promise<{ previous: number }> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new HarnessError(`cannot scale ${name} to ${replicas} replicas`);
    const d = this.get(name);
    const previous = d.desired;
    d.desired = replicas;
    if (previous !== replicas) this.event("Normal", "ScalingReplicaSet", `deployment/${name}`, `Scaled from ${previous} to ${replicas}`);
    while (d.replicas.length < replicas) await this.addReplica(d);
    const surplus = d.replicas.slice(replicas).reverse(); // newest first, like a ReplicaSet scale-down
    d.replicas = d.replicas.slice(0, replicas);
    this.route(d);
    await Promise.all(surplus.map((r) => this.terminate(d, r)));
    return { previous };
  }

  status(name: string): DeploymentStatus {
    const d = this.get(name);
    return {
      name,
      desired: d.desired,
      running: d.replicas.filter((r) => r.state === "running" || r.state === "starting").length,
      ready: d.replicas.filter((r) => r.ready).length,
      restarts: d.restartsOfRemoved + d.replicas.reduce((sum, r) => sum + r.restarts, 0),
      crashLooping: d.replicas.some((r) => r.state === "backoff"),
    };
  }

  names(): string[] {
    return [...this.deployments.keys()];
  }

  logs(name: string, sinceMs = 0): LogLine[] {
    return this.get(name).logs.filter((l) => l.time >= sinceMs);
  }

  events(sinceMs = 0): PlatformEvent[] {
    return this.eventLog.filter((e) => e.time >= sinceMs);
  }

  /** Kills one replica process, as a node or OOM kill would; the controller restarts it. */
  killReplica(name: string, signal: NodeJS.Signals = "SIGKILL"): string {
    const victim = this.get(name).replicas.find((r) => r.child && r.state !== "terminating");
    if (!victim?.child) throw new HarnessError(`deployment ${name} has no running replica to kill`);
    this.event("Normal", "Killing", `pod/${victim.id}`, `Killing replica with ${signal}`);
    victim.child.kill(signal);
    return victim.id;
  }

  async waitReady(timeoutMs: number, names = this.names()): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const pending = names.map((n) => this.status(n)).filter((s) => s.ready < s.desired);
      if (pending.length === 0) return;
      if (Date.now() > deadline) {
        const detail = pending
          .map((s) => {
            const last = this.get(s.name).logs.slice(-3).map((l) => l.text).join(" | ");
            return `${s.name}: ${s.ready}/${s.desired} ready, ${s.restarts} restarts${last ? `, last log: ${last}` : ""}`;
          })
          .join("; ");
        throw new HarnessError(`deployments not ready within ${formatMs(timeoutMs)}: ${detail}`);
      }
      await sleep(50);
    }
  }

  private event(type: PlatformEvent["type"], reason: string, object: string, message: string): void {
    this.eventLog.push({ time: Date.now(), type, reason, object, message });
  }

  private async addReplica(d: Deployment): Promise<void> {
    const replica: Replica = {
      id: `${d.spec.name}-${randomBytes(3).toString("hex")}`,
      port: d.spec.healthPath !== undefined ? await freePort() : 0,
      state: "starting",
      ready: false,
      startedAt: Date.now(),
      restarts: 0,
      consecutiveCrashes: 0,
      child: undefined,
    };
    d.replicas.push(replica);
    this.launch(d, replica);
  }

  private launch(d: Deployment, replica: Replica): void {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...this.options.env,
      ...this.serviceEnv(),
      ...d.spec.env,
      GAMEDAY_SUPERVISED: "1",
      REPLICA_ID: replica.id,
    };
    if (replica.port) env.PORT = String(replica.port);
    // stdin stays a pipe from us: when this process dies, the replica sees EOF and exits.
    const child = spawn(d.spec.command, d.spec.args, { cwd: this.options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    replica.child = child;
    replica.state = "starting";
    replica.startedAt = Date.now();
    child.stdin.on("error", () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (text) => this.record(d, replica, text));
    }
    this.event("Normal", "Started", `pod/${replica.id}`, `Started replica (pid ${child.pid ?? "?"})`);
    replica.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.onExit(d, replica, code, signal);
        resolve();
      });
    });
    child.once("error", (error) => this.record(d, replica, `failed to start: ${error.message}`));
  }

  private record(d: Deployment, replica: Replica, text: string): void {
    const line: LogLine = { time: Date.now(), source: replica.id, text };
    d.logs.push(line);
    if (d.logs.length > MAX_LOG_LINES) d.logs.splice(0, d.logs.length - MAX_LOG_LINES);
    fs.appendFileSync(d.logFile, `${new Date(line.time).toISOString()} ${replica.id} ${text}\n`);
  }

  private onExit(d: Deployment, replica: Replica, code: number | null, signal: NodeJS.Signals | null): void {
    replica.child = undefined;
    replica.ready = false;
    this.route(d);
    const how = signal ? `signal ${signal}` : `exit code ${code ?? "?"}`;
    if (replica.state === "terminating" || this.stopped) return;
    replica.restarts += 1;
    const uptime = Date.now() - replica.startedAt;
    replica.consecutiveCrashes = uptime >= this.backoff.resetAfterMs ? 1 : replica.consecutiveCrashes + 1;
    const delay = Math.min(this.backoff.maxMs, this.backoff.initialMs * 2 ** (replica.consecutiveCrashes - 1));
    replica.state = "backoff";
    this.event("Warning", "BackOff", `pod/${replica.id}`, `Replica exited (${how}) after ${formatMs(uptime)}; restarting in ${formatMs(delay)}`);
    replica.timer = setTimeout(() => {
      if (replica.state === "backoff" && !this.stopped) this.launch(d, replica);
    }, delay);
  }

  private async terminate(d: Deployment, replica: Replica): Promise<void> {
    replica.state = "terminating";
    replica.ready = false;
    if (replica.timer) clearTimeout(replica.timer);
    d.restartsOfRemoved += replica.restarts;
    const child = replica.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.event("Normal", "Killing", `pod/${replica.id}`, "Stopping replica (scaled down)");
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), this.graceMs);
    await replica.exited;
    clearTimeout(killer);
  }

  private route(d: Deployment): void {
    d.proxy?.setEndpoints(d.replicas.filter((r) => r.ready).map((r) => ({ host: "127.0.0.1", port: r.port })));
  }

  /** Polls every replica's health endpoint; ready replicas join their service. */
  private async watchReadiness(): Promise<void> {
    while (!this.stopped) {
      const checks: Promise<void>[] = [];
      for (const d of this.deployments.values()) {
        const healthPath = d.spec.healthPath;
        for (const replica of d.replicas) {
          if (!replica.child || replica.state === "terminating" || replica.state === "backoff") continue;
          if (healthPath === undefined) {
            // No health endpoint: running is ready.
            if (!replica.ready) this.markReady(d, replica, true);
            continue;
          }
          checks.push(
            fetch(`http://127.0.0.1:${replica.port}${healthPath}`, { signal: AbortSignal.timeout(1_000) })
              .then((r) => r.ok)
              .catch(() => false)
              .then((ok) => this.markReady(d, replica, ok)),
          );
        }
      }
      await Promise.all(checks);
      await sleep(100);
    }
  }

  private markReady(d: Deployment, replica: Replica, ok: boolean): void {
    if (!replica.child || replica.state === "terminating") return;
    if (ok && replica.state === "starting") replica.state = "running";
    if (ok === replica.ready) return;
    replica.ready = ok;
    if (ok) this.event("Normal", "Ready", `pod/${replica.id}`, `Replica ready after ${formatMs(Date.now() - replica.startedAt)}`);
    else this.event("Warning", "Unhealthy", `pod/${replica.id}`, "Readiness probe failed");
    this.route(d);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await Promise.all(
      [...this.deployments.values()].flatMap((d) => d.replicas.map((r) => this.terminate(d, r))),
    );
    await this.readinessLoop;
    await Promise.all([...this.deployments.values()].map((d) => d.proxy?.close()));
  }
}
