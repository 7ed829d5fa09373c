// The Platform interface: where a target runs. Faults and probes speak to it in intents
// (scale, status, logs, events), never in a platform's own commands.
import type { RemoteKillSwitch } from "./kill-switch.ts";
import type { Monitoring } from "../monitoring/monitoring.ts";
import type { BlastRadius } from "./blast-radius.ts";

export type { ActiveAlert, AlertNotification, Monitoring } from "../monitoring/monitoring.ts";

export interface DeploymentStatus {
  name: string;
  /** Replicas asked for. */
  desired: number;
  /** Replica processes or pods that exist, ready or not. */
  running: number;
  /** Replicas passing their readiness check. */
  ready: number;
  /** Replicas ready long enough to count as serving (Kubernetes' availableReplicas; the local platform: ready). */
  available: number;
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

/** The replicas of one image within a deployment (a ReplicaSet, on Kubernetes). */
export interface ImageReplicas {
  image: string;
  running: number;
  ready: number;
  restarts: number;
  crashLooping: boolean;
}

export interface Rollout {
  /** The image the deployment asks for (its pod template). */
  image: string;
  /** Replicas per image that exist now: two entries while a rolling update is under way or stalled. */
  images: ImageReplicas[];
}

/**
 * A network condition on the path from one deployment to one dependency (a service or the broker).
 * Latency is added once per round trip (to what the dependency sends back), ± jitter, order kept.
 * A blackhole accepts connections and never answers; when it is lifted, the connections it held are reset.
 */
export type LinkCondition = { mode: "normal" } | { mode: "latency"; delayMs: number; jitterMs: number } | { mode: "blackhole" };

/** How a service answers its callers: normally, or with an HTTP error on a fraction of requests. */
export type ServiceCondition = { mode: "normal" } | { mode: "http-error"; status: number; rate: number };

/** One timed round trip from a deployment to a dependency, over the path its replicas use. */
export interface LinkReading {
  /** answered: a first byte came back; timeout: connected, no answer; closed/refused: no path. */
  outcome: "answered" | "timeout" | "closed" | "refused";
  /** Milliseconds from the request to the first byte of the answer (or to the outcome). */
  latencyMs: number;
}

export interface BrokerState {
  /** The broker accepts AMQP connections. */
  running: boolean;
  /** Why this platform may not stop the broker (e.g. it is shared); absent when it may. */
  notStoppable?: string;
}

/**
 * What a platform can change. Faults name the capability they need; a scenario whose fault needs
 * one the platform lacks is skipped on that platform with the reason, never run half-way.
 */
export type PlatformCapability = "replicas" | "images" | "links" | "service-conditions" | "broker" | "env" | "network-policy" | "nodes";

/** The platforms gameday can run a target on. */
export type PlatformName = "local" | "kubernetes";

/**
 * Every operation of a platform that changes something. Kept apart from the reads so that whatever
 * must stand in for all of them (the inert platform of the "fault not applied" mutant) is checked
 * by the compiler: a mutation added here without its stand-in does not compile.
 */
export interface PlatformMutations {
  /** Sets the desired replica count and returns the one it replaced. */
  scale(name: string, replicas: number): Promise<{ previous: number }>;
  /**
   * Kills `count` running replicas (or `percent` of them, rounded up), as a node or OOM kill would;
   * returns the replicas killed. A request beyond the platform's blast-radius caps is refused.
   */
  killReplicas(deployment: string, count: number, signal: "SIGKILL" | "SIGTERM", percent?: number): Promise<string[]>;
  /** Rolls the deployment to another image with its rollout strategy; returns the image it replaced. */
  setImage(deployment: string, image: string): Promise<{ previous: string }>;
  setLink(from: string, to: string, condition: LinkCondition): Promise<{ previous: LinkCondition }>;
  /** Applies to every caller of the service: other deployments and this machine (endpoint()). */
  setServiceCondition(service: string, condition: ServiceCondition): Promise<{ previous: ServiceCondition }>;
  /** Stops the target's broker in place; throws HarnessError when it may not (see BrokerState). */
  stopBroker(): Promise<void>;
  /** Starts the stopped broker again, same address and data; resolves once it accepts connections. */
  startBroker(): Promise<void>;
  // ---- capability "env" ----
  /** Sets (or, with null, removes) environment variables of the deployment; returns the values replaced (null: was unset). */
  setEnv?(deployment: string, env: Record<string, string | null>): Promise<{ previous: Record<string, string | null> }>;
  // ---- capability "network-policy" ----
  /** Cuts all traffic to and from the deployment's replicas; returns the policy's name. */
  isolate?(deployment: string): Promise<string>;
  unisolate?(deployment: string): Promise<void>;
  // ---- capability "nodes" ----
  /** Cordons the node and evicts the target's replicas from it. */
  drainNode?(node: string): Promise<{ evicted: string[] }>;
  /** Makes the node schedulable again (its recorded original state). */
  uncordon?(node: string): Promise<void>;
}

export interface Platform extends AsyncDisposable, PlatformMutations {
  readonly name: string;
  readonly capabilities: ReadonlySet<PlatformCapability>;
  /** Where this platform's changes land (cluster, context, namespace): kept in the ledger so a crashed run can be restored. No credentials. */
  readonly scope: Record<string, string>;
  /** How much capacity one fault may take away (--max-replicas, --max-percent). */
  readonly blastRadius: BlastRadius;
  deployment(name: string): Promise<DeploymentStatus>;
  rollout(deployment: string): Promise<Rollout>;
  link(from: string, to: string): Promise<LinkCondition>;
  /** A timed round trip from `from` to `to` over the path `from`'s replicas use. */
  measureLink(from: string, to: string, timeoutMs: number): Promise<LinkReading>;
  serviceCondition(service: string): Promise<ServiceCondition>;
  brokerState(): Promise<BrokerState>;
  logs(deployment: string, sinceMs?: number): Promise<LogLine[]>;
  events(sinceMs?: number): Promise<PlatformEvent[]>;
  // ---- capability "env" ----
  /** The environment the deployment asks for, and the one each of its live replicas runs with. */
  envOf?(deployment: string): Promise<{ desired: Record<string, string>; replicas: Record<string, string>[] }>;
  // ---- capability "network-policy" ----
  /** The isolation in place, with how many replicas it selects; undefined when none. */
  isolation?(deployment: string): Promise<{ policy: string; selectedPods: number } | undefined>;
  // ---- capability "nodes" ----
  /** The node running most of the deployment's replicas. */
  nodeOf?(deployment: string): Promise<string>;
  node?(node: string): Promise<{ unschedulable: boolean; pods: number }>;
  /** A URL for a service of the target, reachable from this machine. */
  endpoint(service: string): string;
  /** The target's monitoring, when the run has one (embedded, or --prometheus). */
  readonly monitoring?: Monitoring | undefined;
  /** A kill switch beyond this machine's abort file, when the platform has one (see kill-switch.ts). */
  readonly killSwitch?: RemoteKillSwitch | undefined;
  dispose(): Promise<void>;
}
