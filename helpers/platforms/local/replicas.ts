// Replicas as processes: starting, scaling and stopping them, restarting crashed ones with
// exponential back-off (CrashLoopBackOff), probing readiness over HTTP, and pointing each Service at
// its ready replicas.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createInterface } from "node:readline";
import { HarnessError } from "../../core/errors.ts";
import { freePort, portIsFree } from "../../core/ports.ts";
import { formatMs } from "../../core/time.ts";
import type { DeploymentStatus } from "../platform.ts";
import { imageVariant, type Deployment, type Replica } from "./deployment.ts";
import { recordLine, type EventLog } from "./logs-and-events.ts";

export interface Backoff {
  initialMs: number;
  maxMs: number;
  resetAfterMs: number;
}

export interface ReplicaControllerOptions {
  cwd: string | undefined;
  backoff: Backoff;
  /** How long a stopped replica has between SIGTERM and SIGKILL. */
  graceMs: number;
  events: EventLog;
  /** The environment a replica starts with (PORT is added here). */
  environment: (d: Deployment, replica: Replica) => NodeJS.ProcessEnv;
  /** True once the supervisor is stopping: nothing is started or restarted any more. */
  stopped: () => boolean;
}

export class ReplicaController {
  constructor(private readonly options: ReplicaControllerOptions) {}

  /** Sets the desired count; starts the missing replicas, stops the surplus. Returns the previous count. */
  async scale(d: Deployment, replicas: number): Promise<number> {
    const previous = d.desired;
    d.desired = replicas;
    if (previous !== replicas) this.options.events.add("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Scaled from ${previous} to ${replicas}`);
    while (d.replicas.length < replicas) await this.add(d);
    const surplus = d.replicas.slice(replicas).reverse(); // newest first, like a ReplicaSet scale-down
    d.replicas = d.replicas.slice(0, replicas);
    this.route(d);
    await Promise.all(surplus.map((r) => this.terminate(d, r)));
    return previous;
  }

  status(d: Deployment): DeploymentStatus {
    return {
      name: d.spec.name,
      desired: d.desired,
      running: d.replicas.filter((r) => r.state === "running" || r.state === "starting").length,
      ready: d.replicas.filter((r) => r.ready).length,
      available: d.replicas.filter((r) => r.ready).length,
      restarts: d.restartsOfRemoved + d.replicas.reduce((sum, r) => sum + r.restarts, 0),
      crashLooping: d.replicas.some((r) => r.state === "backoff"),
    };
  }

  /** Kills up to `count` replica processes, as a node or OOM kill would; returns their ids. */
  kill(d: Deployment, count: number, signal: NodeJS.Signals): string[] {
    const victims = d.replicas.filter((r) => r.child && r.state !== "terminating").slice(0, count);
    if (victims.length === 0) throw new HarnessError(`deployment ${d.spec.name} has no running replica to kill`);
    for (const victim of victims) {
      this.options.events.add("Normal", "Killing", `pod/${victim.id}`, `Killing replica with ${signal}`);
      victim.child?.kill(signal);
    }
    return victims.map((v) => v.id);
  }

  /** Starts one replica of the deployment's current image. */
  async add(d: Deployment): Promise<void> {
    const replica: Replica = {
      id: `${d.spec.name}-${randomBytes(3).toString("hex")}`,
      image: d.image,
      port: d.spec.healthPath !== undefined ? await freePort() : 0,
      state: "starting",
      ready: false,
      startedAt: Date.now(),
      restarts: 0,
      consecutiveCrashes: 0,
      child: undefined,
    };
    if (this.options.stopped()) return;
    d.replicas.push(replica);
    this.launch(d, replica);
  }

  /** Stops a replica the caller has already taken out of `d.replicas` (or is about to). */
  async terminate(d: Deployment, replica: Replica, why = "scaled down"): Promise<void> {
    replica.state = "terminating";
    replica.ready = false;
    if (replica.timer) clearTimeout(replica.timer);
    d.restartsOfRemoved += replica.restarts;
    const child = replica.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.options.events.add("Normal", "Killing", `pod/${replica.id}`, `Stopping replica (${why})`);
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), this.options.graceMs);
    await replica.exited;
    clearTimeout(killer);
  }

  /** The Service's endpoints: the deployment's ready replicas. */
  route(d: Deployment): void {
    d.proxy?.setEndpoints(d.replicas.filter((r) => r.ready).map((r) => ({ host: "127.0.0.1", port: r.port })));
  }

  /** One readiness pass over every live replica: ready ones join their Service, failing ones leave it. */
  async probeReadiness(deployments: Iterable<Deployment>): Promise<void> {
    const checks: Promise<void>[] = [];
    for (const d of deployments) {
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
  }

  private launch(d: Deployment, replica: Replica): void {
    const env = this.options.environment(d, replica);
    if (replica.port) env.PORT = String(replica.port);
    const args = imageVariant(d, replica.image)?.args ?? d.spec.args;
    // stdin stays a pipe from us: when this process dies, the replica sees EOF and exits. Its own
    // process group: a terminal's Ctrl-C reaches the run, which stops replicas after the reverts.
    const child = spawn(d.spec.command, args, { cwd: this.options.cwd, env, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    replica.child = child;
    replica.state = "starting";
    replica.startedAt = Date.now();
    child.stdin.on("error", () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (text) => recordLine(d, replica, text));
    }
    this.options.events.add("Normal", "Started", `pod/${replica.id}`, `Started replica of ${replica.image} (pid ${child.pid ?? "?"})`);
    replica.exited = new Promise((resolve) => {
      child.once("exit", (code, signal) => {
        this.onExit(d, replica, code, signal);
        resolve();
      });
    });
    child.once("error", (error) => recordLine(d, replica, `failed to start: ${error.message}`));
  }

  private onExit(d: Deployment, replica: Replica, code: number | null, signal: NodeJS.Signals | null): void {
    replica.child = undefined;
    replica.ready = false;
    this.route(d);
    const how = signal ? `signal ${signal}` : `exit code ${code ?? "?"}`;
    if (replica.state === "terminating" || this.options.stopped()) return;
    replica.restarts += 1;
    const { backoff } = this.options;
    const uptime = Date.now() - replica.startedAt;
    replica.consecutiveCrashes = uptime >= backoff.resetAfterMs ? 1 : replica.consecutiveCrashes + 1;
    const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (replica.consecutiveCrashes - 1));
    replica.state = "backoff";
    this.options.events.add("Warning", "BackOff", `pod/${replica.id}`, `Replica exited (${how}) after ${formatMs(uptime)}; restarting in ${formatMs(delay)}`);
    replica.timer = setTimeout(() => {
      this.relaunch(d, replica).catch((error: unknown) => recordLine(d, replica, `gameday: could not restart the replica: ${error instanceof Error ? error.message : String(error)}`));
    }, delay);
  }

  /** Restarts a crashed replica; on a new port if something else took its own meanwhile. */
  private async relaunch(d: Deployment, replica: Replica): Promise<void> {
    if (replica.port && !(await portIsFree(replica.port))) {
      const taken = replica.port;
      replica.port = await freePort();
      recordLine(d, replica, `gameday: port ${taken} was taken while the replica was down; restarting it on port ${replica.port}`);
    }
    if (replica.state === "backoff" && !this.options.stopped()) this.launch(d, replica);
  }

  private markReady(d: Deployment, replica: Replica, ok: boolean): void {
    if (!replica.child || replica.state === "terminating") return;
    if (ok && replica.state === "starting") replica.state = "running";
    if (ok === replica.ready) return;
    replica.ready = ok;
    if (ok) this.options.events.add("Normal", "Ready", `pod/${replica.id}`, `Replica ready after ${formatMs(Date.now() - replica.startedAt)}`);
    else this.options.events.add("Warning", "Unhealthy", `pod/${replica.id}`, "Readiness probe failed");
    this.route(d);
  }
}
