// The local platform's controller: runs each deployment as N replica processes and answers the
// local platform's intents. It coordinates four parts, one job each: replicas.ts (processes,
// back-off restarts, readiness, Service endpoints), rollouts.ts (image changes, RollingUpdate or
// Recreate), network.ts (Services, per-(deployment, dependency) edges, link and service
// conditions) and logs-and-events.ts (replica output, events).
import fs from "node:fs";
import path from "node:path";
import { HarnessError } from "../../core/errors.ts";
import { sleep } from "../../core/time.ts";
import { waitUntil } from "../../core/wait.ts";
import type { DeploymentStatus, LinkCondition, LinkReading, LogLine, PlatformEvent, Rollout, ServiceCondition } from "../platform.ts";
import { deploymentNamed, imageVariant, type Deployment, type DeploymentSpec, type Replica } from "./deployment.ts";
import { EventLog, logsSince } from "./logs-and-events.ts";
import { Network, type ExternalDependency } from "./network.ts";
import { ReplicaController, type Backoff } from "./replicas.ts";
import { RolloutController } from "./rollouts.ts";

// Other modules import the deployment vocabulary from here.
export type { DeploymentSpec, ImageVariant } from "./deployment.ts";
export type { ExternalDependency } from "./network.ts";

export interface SupervisorOptions {
  /** Where per-deployment log files go. */
  logDir: string;
  /** Environment every replica gets (broker URL, data directory, …). */
  env?: Record<string, string>;
  externals?: ExternalDependency[];
  cwd?: string;
  backoff?: Backoff;
  terminationGraceMs?: number;
}

export class Supervisor {
  private readonly deployments = new Map<string, Deployment>();
  private readonly eventLog = new EventLog();
  private readonly network: Network;
  private readonly replicas: ReplicaController;
  private readonly rollouts: RolloutController;
  private stopped = false;
  private readinessLoop?: Promise<void>;

  constructor(private readonly options: SupervisorOptions) {
    const isStopped = (): boolean => this.stopped;
    this.network = new Network(this.deployments, options.externals ?? [], this.eventLog);
    this.replicas = new ReplicaController({
      cwd: options.cwd,
      backoff: options.backoff ?? { initialMs: 500, maxMs: 10_000, resetAfterMs: 10_000 },
      graceMs: options.terminationGraceMs ?? 5_000,
      events: this.eventLog,
      environment: (d, replica) => this.replicaEnv(d, replica),
      stopped: isStopped,
    });
    this.rollouts = new RolloutController(this.replicas, this.eventLog, isStopped);
    fs.mkdirSync(options.logDir, { recursive: true });
  }

  /** Creates the services and edges first (so every replica knows every address), then the replicas. */
  async apply(specs: DeploymentSpec[]): Promise<void> {
    for (const spec of specs) {
      if (this.deployments.has(spec.name)) throw new HarnessError(`deployment ${spec.name} is defined twice`);
      if (this.network.isExternal(spec.name)) throw new HarnessError(`deployment ${spec.name} has the name of an external dependency`);
      const deployment: Deployment = {
        spec,
        desired: 0,
        image: spec.image,
        replicas: [],
        logs: [],
        logFile: path.join(this.options.logDir, `${spec.name}.log`),
        restartsOfRemoved: 0,
      };
      await this.network.openService(deployment);
      this.deployments.set(spec.name, deployment);
    }
    await this.network.openEdges();
    this.readinessLoop ??= this.watchReadiness();
    for (const spec of specs) await this.scale(spec.name, spec.replicas);
  }

  /** The URL of a deployment's Service (its stable port). */
  serviceUrl(name: string): string {
    return this.network.serviceUrl(this.get(name));
  }

  async scale(name: string, replicas: number): Promise<{ previous: number }> {
    if (!Number.isInteger(replicas) || replicas < 0) throw new HarnessError(`cannot scale ${name} to ${replicas} replicas`);
    return { previous: await this.replicas.scale(this.get(name), replicas) };
  }

  status(name: string): DeploymentStatus {
    return this.replicas.status(this.get(name));
  }

  names(): string[] {
    return [...this.deployments.keys()];
  }

  logs(name: string, sinceMs = 0): LogLine[] {
    return logsSince(this.get(name), sinceMs);
  }

  events(sinceMs = 0): PlatformEvent[] {
    return this.eventLog.since(sinceMs);
  }

  /** Kills one replica process, as a node or OOM kill would; the controller restarts it. */
  killReplica(name: string, signal: NodeJS.Signals = "SIGKILL"): string {
    const [id] = this.killReplicas(name, 1, signal);
    return id ?? "";
  }

  /** Kills up to `count` replica processes; returns their ids. */
  killReplicas(name: string, count: number, signal: NodeJS.Signals = "SIGKILL"): string[] {
    return this.replicas.kill(this.get(name), count, signal);
  }

  rollout(name: string): Rollout {
    return this.rollouts.rollout(this.get(name));
  }

  /** Rolls the deployment to another image (see RolloutController.setImage); returns once the rollout started. */
  setImage(name: string, image: string): Promise<{ previous: string }> {
    return this.rollouts.setImage(this.get(name), image);
  }

  link(from: string, to: string): LinkCondition {
    return this.network.link(from, to);
  }

  setLink(from: string, to: string, condition: LinkCondition): { previous: LinkCondition } {
    return this.network.setLink(from, to, condition);
  }

  serviceCondition(service: string): ServiceCondition {
    return this.network.serviceCondition(service);
  }

  /** Applies to the service's own port (callers from outside) and to every edge leading to it. */
  setServiceCondition(service: string, condition: ServiceCondition): { previous: ServiceCondition } {
    return this.network.setServiceCondition(service, condition);
  }

  /** One timed round trip over the edge from → to (see Network.measureLink). */
  measureLink(from: string, to: string, timeoutMs: number): Promise<LinkReading> {
    return this.network.measureLink(from, to, timeoutMs);
  }

  /** Waits until every named deployment has its desired count of ready replicas. */
  async waitReady(timeoutMs: number, names = this.names()): Promise<void> {
    // An unknown name fails now, not as a timeout (waitUntil would take the throwing read for "not yet").
    for (const name of names) this.get(name);
    // The value read is what is still missing, so a timeout names each laggard with its last log lines.
    const notReady = (): string =>
      names
        .map((n) => this.status(n))
        .filter((s) => s.ready < s.desired)
        .map((s) => {
          const last = this.get(s.name).logs.slice(-3).map((l) => l.text).join(" | ");
          return `${s.name}: ${s.ready}/${s.desired} ready, ${s.restarts} restarts${last ? `, last log: ${last}` : ""}`;
        })
        .join("; ");
    await waitUntil(`${names.length === 1 ? "deployment" : "deployments"} ${names.join(", ")} to be ready`, notReady, (missing) => missing === "", {
      withinMs: timeoutMs,
      fail: (message) => new HarnessError(message),
    });
  }

  /** The replica's environment: the deployment's, with its image's changes, external URLs routed over its edges. */
  private replicaEnv(d: Deployment, replica: Replica): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.options.env, ...this.network.serviceUrlsFor(d), ...d.spec.env };
    for (const [key, value] of Object.entries(imageVariant(d, replica.image)?.env ?? {})) {
      if (value === null) delete env[key];
      else env[key] = value;
    }
    this.network.routeExternals(d.spec.name, env);
    return { ...env, GAMEDAY_SUPERVISED: "1", REPLICA_ID: replica.id };
  }

  private get(name: string): Deployment {
    return deploymentNamed(this.deployments, name);
  }

  /** The control loop: a readiness pass, then the next step of any unfinished rollout, every 100 ms. */
  private async watchReadiness(): Promise<void> {
    while (!this.stopped) {
      await this.replicas.probeReadiness(this.deployments.values());
      this.rollouts.continueAll(this.deployments.values());
      await sleep(100);
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    await this.rollouts.inFlight(this.deployments.values());
    await Promise.all([...this.deployments.values()].flatMap((d) => d.replicas.map((r) => this.replicas.terminate(d, r))));
    await this.readinessLoop;
    await this.network.close();
  }
}
