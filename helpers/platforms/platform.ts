// The Platform interface: where a target runs. Faults and probes speak to it in intents
// (scale, status, logs, events), never in a platform's own commands.

export interface DeploymentStatus {
  name: string;
  /** Replicas asked for. */
  desired: number;
  /** Replica processes or pods that exist, ready or not. */
  running: number;
  /** Replicas passing their readiness check. */
  ready: number;
  /** Restarts summed over the deployment's replicas since it was created. */
  restarts: number;
  /** A replica is waiting to be restarted after crashing (Kubernetes' CrashLoopBackOff). */
  crashLooping: boolean;
}

export interface LogLine {
  /** Epoch milliseconds. */
  time: number;
  /** Replica (pod) that wrote the line. */
  source: string;
  text: string;
}

export interface PlatformEvent {
  time: number;
  type: "Normal" | "Warning";
  reason: string;
  /** e.g. "deployment/queue-master" or "pod/queue-master-3f2a". */
  object: string;
  message: string;
}

export interface Platform extends AsyncDisposable {
  readonly name: string;
  deployment(name: string): Promise<DeploymentStatus>;
  /** Sets the desired replica count and returns the one it replaced. */
  scale(name: string, replicas: number): Promise<{ previous: number }>;
  logs(deployment: string, sinceMs?: number): Promise<LogLine[]>;
  events(sinceMs?: number): Promise<PlatformEvent[]>;
  /** A URL for a service of the target, reachable from this machine. */
  endpoint(service: string): string;
  dispose(): Promise<void>;
}
