// The local platform's controller: runs each deployment as N replica processes, restarts crashed
// ones with exponential back-off (CrashLoopBackOff), checks readiness over HTTP, rolls deployments
// to other images (RollingUpdate or Recreate), keeps per-replica logs and events, and routes each
// service's stable port to its ready replicas. Replicas reach their dependencies through edges: one
// proxy per (deployment, dependency) pair, where the local platform's network faults are applied.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { createInterface } from "node:readline";
import { HarnessError } from "../../core/errors.ts";
import { freePort, portIsFree } from "../../core/ports.ts";
import { formatMs, sleep } from "../../core/time.ts";
import type { DeploymentStatus, LinkCondition, LinkReading, LogLine, PlatformEvent, Rollout, ServiceCondition } from "../platform.ts";
import { ServiceProxy } from "./service-proxy.ts";

/** How one build of a deployment runs, relative to the deployment's own command, args and env. */
export interface ImageVariant {
  /** Added to (or, with null, removed from) the deployment's environment. */
  env?: Record<string, string | null>;
  /** Replaces the deployment's args. */
  args?: string[];
}

export interface DeploymentSpec {
  name: string;
  /** The image this deployment runs at first, e.g. "weaveworksdemos/queue-master:0.3.1". */
  image: string;
  /** Other images the deployment can be rolled to (setImage), and how each runs. */
  variants?: Record<string, ImageVariant>;
  /** RollingUpdate (default): old replicas stop only as new ones become ready. Recreate: all stop first. */
  strategy?: "RollingUpdate" | "Recreate";
  /** Executable and arguments of one replica. */
  command: string;
  args: string[];
  env?: Record<string, string>;
  replicas: number;
  /** Path answered with 2xx when a replica is ready; replicas get PORT and a Service when set. */
  healthPath?: string;
}

/** A dependency the supervisor does not run (the broker), reached through an edge like a service. */
export interface ExternalDependency {
  name: string;
  /** Its URL, credentials included. Any env value equal to it reaches each replica as its edge's URL. */
  url: string;
}

export interface SupervisorOptions {
  /** Where per-deployment log files go. */
  logDir: string;
  /** Environment every replica gets (broker URL, data directory, …). */
  env?: Record<string, string>;
  externals?: ExternalDependency[];
  cwd?: string;
  backoff?: { initialMs: number; maxMs: number; resetAfterMs: number };
  terminationGraceMs?: number;
}

type ReplicaState = "starting" | "running" | "backoff" | "terminating";

interface Replica {
  id: string;
  image: string;
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
  /** The image new replicas run. */
  image: string;
  /** The rollout step in flight, if any. */
  rolling?: Promise<void> | undefined;
  replicas: Replica[];
  proxy?: ServiceProxy;
  logs: LogLine[];
  logFile: string;
  restartsOfRemoved: number;
}

const MAX_LOG_LINES = 20_000;

export class Supervisor {
  private readonly deployments = new Map<string, Deployment>();
  /** Edge proxies by "from->to". */
  private readonly edges = new Map<string, ServiceProxy>();
  private readonly externals: ExternalDependency[];
  private readonly eventLog: PlatformEvent[] = [];
  private readonly backoff: { initialMs: number; maxMs: number; resetAfterMs: number };
  private readonly graceMs: number;
  private stopped = false;
  private readinessLoop?: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    this.backoff = options.backoff ?? { initialMs: 500, maxMs: 10_000, resetAfterMs: 10_000 };
    this.graceMs = options.terminationGraceMs ?? 5_000;
    this.externals = options.externals ?? [];
    fs.mkdirSync(options.logDir, { recursive: true });
  }

  /** Creates the services and edges first (so every replica knows every address), then the replicas. */
  async apply(specs: DeploymentSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.deployments.has(spec.name)) throw new HarnessError(`deployment ${spec.name} is defined twice`);
      if (this.externals.some((e) => e.name === spec.name)) throw new HarnessError(`deployment ${spec.name} has the name of an external dependency`);
      const deployment: Deployment = {
        spec,
        desired: 0,
        image: spec.image,
        replicas: [],
        logs: [],
        logFile: path.join(this.options.logDir, `${spec.name}.log`),
        restartsOfRemoved: 0,
      };
      if (spec.healthPath !== undefined) deployment.proxy = await ServiceProxy.listen(spec.name);
      this.deployments.set(spec.name, deployment);
    }
    await this.openEdges();
    this.readinessLoop ??= this.watchReadiness();
    for (const spec of specs) await this.scale(spec.name, spec.replicas);
  }

  /** The URL of a deployment's Service (its stable port). */
  serviceUrl(name: string): string {
    const proxy = this.get(name).proxy;
    if (!proxy) throw new HarnessError(`deployment ${name} serves no HTTP, so it has no service URL`);
    return `http://127.0.0.1:${proxy.port}`;
  }

  /** Every deployment gets an edge to every service but its own, and to every external dependency. */
  private async openEdges(): Promise<void> {
    for (const from of this.deployments.keys()) {
      for (const to of this.dependencies()) {
        const key = `${from}->${to}`;
        if (to === from || this.edges.has(key)) continue;
        const edge = await ServiceProxy.listen(key);
        edge.setEndpoints([this.dependencyAddress(to)]);
        this.edges.set(key, edge);
      }
    }
  }

  /** Names a replica can reach: services (deployments with a health path) and external dependencies. */
  private dependencies(): string[] {
    const services = [...this.deployments].filter(([, d]) => d.proxy).map(([name]) => name);
    return [...services, ...this.externals.map((e) => e.name)];
  }

  private dependencyAddress(name: string): { host: string; port: number } {
    const proxy = this.deployments.get(name)?.proxy;
    if (proxy) return { host: "127.0.0.1", port: proxy.port };
    const external = this.external(name);
    const url = new URL(external.url);
    const defaults: Record<string, number> = { "amqp:": 5672, "amqps:": 5671, "http:": 80, "https:": 443 };
    return { host: url.hostname, port: Number(url.port || defaults[url.protocol] || 0) };
  }

  private external(name: string): ExternalDependency {
    const found = this.externals.find((e) => e.name === name);
    if (!found) throw new HarnessError(`no dependency named "${name}" on the local platform (known: ${this.dependencies().join(", ")})`);
    return found;
  }

  private edge(from: string, to: string): ServiceProxy {
    this.get(from);
    if (from === to) throw new HarnessError(`${from} reaches itself through its own service, not over a link`);
    const edge = this.edges.get(`${from}->${to}`);
    if (!edge) throw new HarnessError(`no link from ${from} to "${to}" on the local platform (${from} can reach: ${this.dependencies().filter((n) => n !== from).join(", ")})`);
    return edge;
  }

  /** The addresses a replica of `d` is given: <NAME>_URL of each service, its own edge for each. */
  private dependencyEnv(d: Deployment): Record<string, string> {
    const env: Record<string, string> = {};
    for (const [name, other] of this.deployments) {
      if (!other.proxy) continue;
      const port = name === d.spec.name ? other.proxy.port : this.edge(d.spec.name, name).port;
      env[`${name.toUpperCase().replace(/-/g, "_")}_URL`] = `http://127.0.0.1:${port}`;
    }
    return env;
  }

  /** An external dependency's URL as seen by a replica of `from`: same credentials and path, its edge's host:port. */
  private externalUrlFor(from: string, external: ExternalDependency): string {
    const url = new URL(external.url);
    url.hostname = "127.0.0.1";
    url.port = String(this.edge(from, external.name).port);
    return url.toString();
  }

  /** The replica's environment: the deployment's, with its image's changes, external URLs routed over its edges. */
  private replicaEnv(d: Deployment, replica: Replica): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env, ...this.dependencyEnv(d), ...d.spec.env };
    for (const [key, value] of Object.entries(this.variant(d, replica.image)?.env ?? {})) {
      if (value === null) delete env[key];
      else env[key] = value;
    }
    for (const [key, value] of Object.entries(env)) {
      const external = this.externals.find((e) => e.url === value);
      if (external) env[key] = this.externalUrlFor(d.spec.name, external);
    }
    return { ...env, GAMEDAY_SUPERVISED: "1", REPLICA_ID: replica.id };
  }

  private variant(d: Deployment, image: string): ImageVariant | undefined {
    return d.spec.variants?.[image];
  }

  private knownImages(d: Deployment): string[] {
    return [...new Set([d.spec.image, ...Object.keys(d.spec.variants ?? {})])];
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
      available: d.replicas.filter((r) => r.ready).length,
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
    const [id] = this.killReplicas(name, 1, signal);
    return id ?? "";
  }

  /** Kills up to `count` replica processes; returns their ids. */
  killReplicas(name: string, count: number, signal: NodeJS.Signals = "SIGKILL"): string[] {
    const victims = this.get(name).replicas.filter((r) => r.child && r.state !== "terminating").slice(0, count);
    if (victims.length === 0) throw new HarnessError(`deployment ${name} has no running replica to kill`);
    for (const victim of victims) {
      this.event("Normal", "Killing", `pod/${victim.id}`, `Killing replica with ${signal}`);
      victim.child?.kill(signal);
    }
    return victims.map((v) => v.id);
  }

  rollout(name: string): Rollout {
    const d = this.get(name);
    const images = new Map<string, Rollout["images"][number]>();
    for (const r of d.replicas) {
      const entry = images.get(r.image) ?? { image: r.image, running: 0, ready: 0, restarts: 0, crashLooping: false };
      if (r.state === "running" || r.state === "starting") entry.running += 1;
      if (r.ready) entry.ready += 1;
      entry.restarts += r.restarts;
      entry.crashLooping ||= r.state === "backoff";
      images.set(r.image, entry);
    }
    return { image: d.image, images: [...images.values()] };
  }

  /**
   * Rolls the deployment to another image. Recreate stops every replica, then starts the new ones;
   * RollingUpdate starts one new replica and stops an old one each time a new one is ready, so a
   * build that never gets ready leaves the old replicas serving. Returns once the rollout started.
   */
  async setImage(name: string, image: string): Promise<{ previous: string }> {
    const d = this.get(name);
    const known = this.knownImages(d);
    if (!known.includes(image)) {
      throw new HarnessError(`deployment ${name} has no image "${image}" on the local platform (known images: ${known.join(", ")})`);
    }
    const previous = d.image;
    if (image === previous) return { previous };
    d.image = image;
    this.event("Normal", "RolloutStarted", `deployment/${name}`, `Rolling from ${previous} to ${image} (${d.spec.strategy ?? "RollingUpdate"})`);
    await this.reconcile(d);
    return { previous };
  }

  link(from: string, to: string): LinkCondition {
    return this.edge(from, to).linkCondition;
  }

  setLink(from: string, to: string, condition: LinkCondition): { previous: LinkCondition } {
    const previous = this.edge(from, to).setLinkCondition(condition);
    this.event("Normal", "LinkChanged", `link/${from}->${to}`, `Link set to ${JSON.stringify(condition)}`);
    return { previous };
  }

  serviceCondition(service: string): ServiceCondition {
    return this.serviceProxy(service).serviceCondition;
  }

  /** Applies to the service's own port (callers from outside) and to every edge leading to it. */
  setServiceCondition(service: string, condition: ServiceCondition): { previous: ServiceCondition } {
    const previous = this.serviceProxy(service).setServiceCondition(condition);
    for (const [key, edge] of this.edges) if (key.endsWith(`->${service}`)) edge.setServiceCondition(condition);
    this.event("Normal", "ServiceChanged", `service/${service}`, `Service set to ${JSON.stringify(condition)}`);
    return { previous };
  }

  private serviceProxy(service: string): ServiceProxy {
    const proxy = this.deployments.get(service)?.proxy;
    if (!proxy) {
      const services = this.dependencies().filter((n) => this.deployments.get(n)?.proxy);
      throw new HarnessError(`"${service}" is not an HTTP service on the local platform (services: ${services.join(", ")})`);
    }
    return proxy;
  }

  /**
   * One round trip over the edge from → to: an HTTP request to a service's health path, or the
   * AMQP protocol header to a broker; timed to the first byte of the answer.
   */
  measureLink(from: string, to: string, timeoutMs: number): Promise<LinkReading> {
    const edge = this.edge(from, to);
    const healthPath = this.deployments.get(to)?.spec.healthPath;
    const external = healthPath === undefined ? this.external(to) : undefined;
    const request =
      external && new URL(external.url).protocol.startsWith("amqp")
        ? Buffer.from("AMQP\x00\x00\x09\x01", "latin1")
        : Buffer.from(`GET ${healthPath ?? "/"} HTTP/1.1\r\nHost: ${to}\r\nConnection: close\r\n\r\n`);
    return new Promise((resolve) => {
      let sent = performance.now();
      const socket = net.connect({ host: "127.0.0.1", port: edge.port });
      const done = (outcome: LinkReading["outcome"]): void => {
        clearTimeout(timer);
        socket.destroy();
        resolve({ outcome, latencyMs: Math.round(performance.now() - sent) });
      };
      const timer = setTimeout(() => done("timeout"), timeoutMs);
      socket.once("connect", () => {
        sent = performance.now();
        socket.write(request);
      });
      socket.once("data", () => done("answered"));
      socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED" ? "refused" : "closed"));
      socket.once("close", () => done("closed"));
    });
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
      image: d.image,
      port: d.spec.healthPath !== undefined ? await freePort() : 0,
      state: "starting",
      ready: false,
      startedAt: Date.now(),
      restarts: 0,
      consecutiveCrashes: 0,
      child: undefined,
    };
    if (this.stopped) return;
    d.replicas.push(replica);
    this.launch(d, replica);
  }

  private launch(d: Deployment, replica: Replica): void {
    const env = this.replicaEnv(d, replica);
    if (replica.port) env.PORT = String(replica.port);
    const args = this.variant(d, replica.image)?.args ?? d.spec.args;
    // stdin stays a pipe from us: when this process dies, the replica sees EOF and exits.
    const child = spawn(d.spec.command, args, { cwd: this.options.cwd, env, stdio: ["pipe", "pipe", "pipe"] });
    replica.child = child;
    replica.state = "starting";
    replica.startedAt = Date.now();
    child.stdin.on("error", () => undefined);
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (text) => this.record(d, replica, text));
    }
    this.event("Normal", "Started", `pod/${replica.id}`, `Started replica of ${replica.image} (pid ${child.pid ?? "?"})`);
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
    const entry = `${new Date(line.time).toISOString()} ${replica.id} ${text}\n`;
    try {
      fs.appendFileSync(d.logFile, entry);
    } catch {
      // The log directory was removed under us: recreate it; the in-memory log is kept regardless.
      fs.mkdirSync(path.dirname(d.logFile), { recursive: true });
      fs.appendFileSync(d.logFile, entry);
    }
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
      this.relaunch(d, replica).catch((error: unknown) => this.record(d, replica, `gameday: could not restart the replica: ${error instanceof Error ? error.message : String(error)}`));
    }, delay);
  }

  /** Restarts a crashed replica; on a new port if something else took its own meanwhile. */
  private async relaunch(d: Deployment, replica: Replica): Promise<void> {
    if (replica.port && !(await portIsFree(replica.port))) {
      const taken = replica.port;
      replica.port = await freePort();
      this.record(d, replica, `gameday: port ${taken} was taken while the replica was down; restarting it on port ${replica.port}`);
    }
    if (replica.state === "backoff" && !this.stopped) this.launch(d, replica);
  }

  private async terminate(d: Deployment, replica: Replica, why = "scaled down"): Promise<void> {
    replica.state = "terminating";
    replica.ready = false;
    if (replica.timer) clearTimeout(replica.timer);
    d.restartsOfRemoved += replica.restarts;
    const child = replica.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.event("Normal", "Killing", `pod/${replica.id}`, `Stopping replica (${why})`);
    child.kill("SIGTERM");
    const killer = setTimeout(() => child.kill("SIGKILL"), this.graceMs);
    await replica.exited;
    clearTimeout(killer);
  }

  /** Runs one rollout step after any in flight: the controller's reconcile of images. */
  private reconcile(d: Deployment): Promise<void> {
    const step = (d.rolling ?? Promise.resolve())
      .then(() => this.rolloutStep(d))
      .catch((error: unknown) => this.event("Warning", "RolloutFailed", `deployment/${d.spec.name}`, error instanceof Error ? error.message : String(error)));
    d.rolling = step;
    void step.then(() => {
      if (d.rolling === step) d.rolling = undefined;
    });
    return step;
  }

  private async rolloutStep(d: Deployment): Promise<void> {
    if (this.stopped) return;
    const old = d.replicas.filter((r) => r.image !== d.image);
    if (old.length === 0) return;
    const stop = async (replicas: Replica[]): Promise<void> => {
      d.replicas = d.replicas.filter((r) => !replicas.includes(r));
      this.route(d);
      await Promise.all(replicas.map((r) => this.terminate(d, r, `replaced by ${d.image}`)));
    };
    if (d.spec.strategy === "Recreate") {
      await stop(old);
      while (!this.stopped && d.replicas.length < d.desired) await this.addReplica(d);
      if (!this.stopped) this.event("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Recreated ${d.desired} replica(s) of ${d.image}`);
      return;
    }
    // RollingUpdate with max surge 1 and max unavailable 0.
    const current = d.replicas.filter((r) => r.image === d.image);
    const keepOld = Math.max(0, d.desired - current.filter((r) => r.ready).length);
    const surplus = old.slice(0, Math.max(0, old.length - keepOld));
    if (surplus.length > 0) {
      this.event("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Scaled down ${surplus.length} replica(s) of ${surplus[0]?.image ?? "?"}`);
      await stop(surplus);
    }
    if (!this.stopped && current.length < d.desired && d.replicas.length < d.desired + 1) {
      this.event("Normal", "ScalingReplicaSet", `deployment/${d.spec.name}`, `Scaled up ${d.image} to ${current.length + 1} replica(s)`);
      await this.addReplica(d);
    }
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
      for (const d of this.deployments.values()) {
        if (!d.rolling && d.replicas.some((r) => r.image !== d.image)) void this.reconcile(d);
      }
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
    await Promise.all([...this.deployments.values()].map((d) => d.rolling));
    await Promise.all(
      [...this.deployments.values()].flatMap((d) => d.replicas.map((r) => this.terminate(d, r))),
    );
    await this.readinessLoop;
    await Promise.all([...this.deployments.values()].map((d) => d.proxy?.close()));
    await Promise.all([...this.edges.values()].map((edge) => edge.close()));
  }
}
