// The local platform: a target's deployments as processes under the Supervisor, on a RabbitMQ of
// the run's own (a vhost on RABBITMQ_URL, or a private node).
import fs from "node:fs";
import path from "node:path";
import { acceptsConnections, provisionBroker, type Broker } from "../../broker/rabbitmq.ts";
import { HarnessError } from "../../core/errors.ts";
import { stackMonitoring, type Monitoring } from "../../monitoring/monitoring.ts";
import { monitoringAvailable, startMonitoring, targetScrapeTargets, type MonitoringStack } from "../../monitoring/stack.ts";
import { DEFAULT_BLAST_RADIUS, replicasWithinBlastRadius, type BlastRadius } from "../blast-radius.ts";
import type { Target } from "../../target/target.ts";
import type {
  BrokerState,
  DeploymentStatus,
  LinkCondition,
  LinkReading,
  LogLine,
  Platform,
  PlatformCapability,
  PlatformEvent,
  Rollout,
  ServiceCondition,
} from "../platform.ts";
import { Supervisor } from "./supervisor.ts";

export interface LocalPlatformOptions {
  target: Target;
  /** Unique per run: names the vhost and the run directory. */
  runId: string;
  /** Parent of the run directory (data, logs). */
  workDir: string;
  sharedBrokerUrl?: string | undefined;
  readyTimeoutMs?: number;
  blastRadius?: BlastRadius | undefined;
  log?: ((line: string) => void) | undefined;
  /** Start the target's monitoring (its alert rules on the run's own Prometheus) when it declares some; on by default. */
  monitoring?: boolean | undefined;
  /** Alert rule files to evaluate besides the target's own (rules under test). */
  extraRuleFiles?: readonly string[] | undefined;
}

export const LOCAL_CAPABILITIES: ReadonlySet<PlatformCapability> = new Set<PlatformCapability>(["replicas", "images", "links", "service-conditions", "broker"]);

/** Run directories (data and logs of past runs) kept for inspection; older ones are removed. */
const KEEP_RUNS = 10;

function pruneOldRuns(workDir: string, keep: number): void {
  if (!fs.existsSync(workDir)) return;
  const runs = fs
    .readdirSync(workDir)
    .map((name) => ({ dir: path.join(workDir, name), mtime: fs.statSync(path.join(workDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const old of runs.slice(keep - 1)) fs.rmSync(old.dir, { recursive: true, force: true });
}

export class LocalPlatform implements Platform {
  readonly name = "local";
  readonly capabilities: ReadonlySet<PlatformCapability> = LOCAL_CAPABILITIES;
  private disposed?: Promise<void>;

  private constructor(
    readonly target: Target,
    readonly broker: Broker,
    readonly supervisor: Supervisor,
    readonly runDir: string,
    /** Milliseconds from start() until every deployment was ready. */
    readonly bootMs: number,
    readonly blastRadius: BlastRadius,
    /** The run's own Prometheus and Alertmanager, when the target declares monitoring. */
    readonly monitoringStack: MonitoringStack | undefined,
  ) {
    this.monitoring = monitoringStack && stackMonitoring(monitoringStack);
  }

  readonly monitoring: Monitoring | undefined;

  static async start(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const started = performance.now();
    pruneOldRuns(options.workDir, KEEP_RUNS);
    const runDir = path.join(options.workDir, options.runId);
    fs.mkdirSync(runDir, { recursive: true });
    const broker = await provisionBroker({ runId: options.runId, sharedUrl: options.sharedBrokerUrl, log: options.log });
    const supervisor = new Supervisor({
      logDir: path.join(runDir, "logs"),
      // The broker is reached over edges like a service, so link faults apply to it.
      externals: [{ name: options.target.brokerEndpoint, url: broker.url }],
    });
    let monitoring: MonitoringStack | undefined;
    try {
      await supervisor.apply(options.target.localDeployments({ brokerUrl: broker.url, dataDir: path.join(runDir, "data") }));
      await supervisor.waitReady(options.readyTimeoutMs ?? 60_000);
      const declared = options.target.monitoring;
      if (declared && options.monitoring !== false && monitoringAvailable()) {
        monitoring = await startMonitoring({
          ruleFiles: [...declared.ruleFiles, ...(options.extraRuleFiles ?? [])],
          scrapeTargets: targetScrapeTargets(declared, { serviceUrl: (service) => supervisor.serviceUrl(service), brokerMetricsUrl: broker.prometheusEndpoint }),
          ...(options.log ? { log: options.log } : {}),
        });
      }
    } catch (error) {
      await monitoring?.dispose();
      await supervisor.stop();
      await broker.dispose();
      throw error;
    }
    return new LocalPlatform(options.target, broker, supervisor, runDir, performance.now() - started, options.blastRadius ?? DEFAULT_BLAST_RADIUS, monitoring);
  }

  async deployment(name: string): Promise<DeploymentStatus> {
    return this.supervisor.status(name);
  }

  scale(name: string, replicas: number): Promise<{ previous: number }> {
    return this.supervisor.scale(name, replicas);
  }

  get scope(): Record<string, string> {
    return { runDir: this.runDir };
  }

  async killReplicas(deployment: string, count: number, signal: "SIGKILL" | "SIGTERM", percent?: number): Promise<string[]> {
    const running = this.supervisor.status(deployment).running;
    const allowed = replicasWithinBlastRadius(`kill replicas of ${deployment}`, percent !== undefined ? { percent } : { count }, running, this.blastRadius);
    return this.supervisor.killReplicas(deployment, allowed, signal);
  }

  async rollout(deployment: string): Promise<Rollout> {
    return this.supervisor.rollout(deployment);
  }

  async setImage(deployment: string, image: string): Promise<{ previous: string }> {
    return this.supervisor.setImage(deployment, image);
  }

  async link(from: string, to: string): Promise<LinkCondition> {
    return this.supervisor.link(from, to);
  }

  async setLink(from: string, to: string, condition: LinkCondition): Promise<{ previous: LinkCondition }> {
    return this.supervisor.setLink(from, to, condition);
  }

  async measureLink(from: string, to: string, timeoutMs: number): Promise<LinkReading> {
    return this.supervisor.measureLink(from, to, timeoutMs);
  }

  async serviceCondition(service: string): Promise<ServiceCondition> {
    return this.supervisor.serviceCondition(service);
  }

  async setServiceCondition(service: string, condition: ServiceCondition): Promise<{ previous: ServiceCondition }> {
    return this.supervisor.setServiceCondition(service, condition);
  }

  async brokerState(): Promise<BrokerState> {
    const control = this.broker.control;
    if (!control) {
      return {
        running: await acceptsConnections(this.broker.url, 1_000),
        notStoppable:
          `the broker comes from RABBITMQ_URL (${this.broker.display}) and may be shared: stopping it would take it away from everyone else using it. ` +
          "Unset RABBITMQ_URL so the run starts a private RabbitMQ node it may stop.",
      };
    }
    return { running: await control.running() };
  }

  async stopBroker(): Promise<void> {
    const control = this.broker.control;
    if (!control) throw new HarnessError(`cannot stop the broker: ${(await this.brokerState()).notStoppable ?? ""}`);
    await control.stop();
  }

  async startBroker(): Promise<void> {
    const control = this.broker.control;
    if (!control) throw new HarnessError("cannot start the broker: it comes from RABBITMQ_URL, and a run never stops a shared broker");
    await control.start();
  }

  async logs(deployment: string, sinceMs?: number): Promise<LogLine[]> {
    return this.supervisor.logs(deployment, sinceMs);
  }

  async events(sinceMs?: number): Promise<PlatformEvent[]> {
    return this.supervisor.events(sinceMs);
  }

  endpoint(service: string): string {
    if (service === this.target.brokerEndpoint) return this.broker.url;
    if (service === `${this.target.brokerEndpoint}-management` && this.broker.managementUrl) return this.broker.managementUrl;
    if (!this.supervisor.names().includes(service)) {
      throw new HarnessError(`the local platform has no service "${service}" (it has ${this.supervisor.names().join(", ")} and ${this.target.brokerEndpoint})`);
    }
    return this.supervisor.serviceUrl(service);
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      await this.monitoringStack?.dispose();
      await this.supervisor.stop();
      await this.broker.dispose();
    })();
    return this.disposed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
