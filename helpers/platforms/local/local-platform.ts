// The local platform: a target's deployments as processes under the Supervisor, on a RabbitMQ of
// the run's own (a vhost on RABBITMQ_URL, or a private node).
import fs from "node:fs";
import path from "node:path";
import { provisionBroker, type Broker } from "../../broker/rabbitmq.ts";
import { HarnessError } from "../../core/errors.ts";
import type { Target } from "../../target/target.ts";
import type { DeploymentStatus, LogLine, Platform, PlatformEvent } from "../platform.ts";
import { Supervisor } from "./supervisor.ts";

export interface LocalPlatformOptions {
  target: Target;
  /** Unique per run: names the vhost and the run directory. */
  runId: string;
  /** Parent of the run directory (data, logs). */
  workDir: string;
  sharedBrokerUrl?: string | undefined;
  readyTimeoutMs?: number;
  log?: ((line: string) => void) | undefined;
}

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
  private disposed?: Promise<void>;

  private constructor(
    readonly target: Target,
    readonly broker: Broker,
    readonly supervisor: Supervisor,
    readonly runDir: string,
    /** Milliseconds from start() until every deployment was ready. */
    readonly bootMs: number,
  ) {}

  static async start(options: LocalPlatformOptions): Promise<LocalPlatform> {
    const started = performance.now();
    pruneOldRuns(options.workDir, KEEP_RUNS);
    const runDir = path.join(options.workDir, options.runId);
    fs.mkdirSync(runDir, { recursive: true });
    const broker = await provisionBroker({ runId: options.runId, sharedUrl: options.sharedBrokerUrl, log: options.log });
    const supervisor = new Supervisor({ logDir: path.join(runDir, "logs") });
    try {
      await supervisor.apply(options.target.localDeployments({ brokerUrl: broker.url, dataDir: path.join(runDir, "data") }));
      await supervisor.waitReady(options.readyTimeoutMs ?? 60_000);
    } catch (error) {
      await supervisor.stop();
      await broker.dispose();
      throw error;
    }
    return new LocalPlatform(options.target, broker, supervisor, runDir, performance.now() - started);
  }

  deployment(name: string): Promise<DeploymentStatus> {
    return Promise.resolve(this.supervisor.status(name));
  }

  scale(name: string, replicas: number): Promise<{ previous: number }> {
    return this.supervisor.scale(name, replicas);
  }

  logs(deployment: string, sinceMs?: number): Promise<LogLine[]> {
    return Promise.resolve(this.supervisor.logs(deployment, sinceMs));
  }

  events(sinceMs?: number): Promise<PlatformEvent[]> {
    return Promise.resolve(this.supervisor.events(sinceMs));
  }

  endpoint(service: string): string {
    if (service === this.target.brokerEndpoint) return this.broker.url;
    if (!this.supervisor.names().includes(service)) {
      throw new HarnessError(`the local platform has no service "${service}" (it has ${this.supervisor.names().join(", ")} and ${this.target.brokerEndpoint})`);
    }
    return this.supervisor.serviceUrl(service);
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      await this.supervisor.stop();
      await this.broker.dispose();
    })();
    return this.disposed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}
