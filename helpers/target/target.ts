// A Target is the system under test as gameday sees it: what to run locally, where users enter,
// which broker it uses. A target directory (like sock-shop/) exports one.
import type { DeploymentSpec } from "./deployment.ts";
import type { LoadFlowCatalogue } from "./load-flow.ts";

export type { DeploymentSpec, ImageVariant } from "./deployment.ts";

/** What a target needs of the platform it runs on: where its services answer, from this machine. */
export interface Endpoints {
  endpoint(service: string): string;
}

export interface LocalRunContext {
  /**
   * AMQP URL of the run's broker (its own vhost or private node). Put it in a deployment's env as
   * is: each replica receives, in its place, the URL of its own edge to the broker (same
   * credentials and vhost, the edge's host:port), so link faults between a deployment and the
   * broker apply. Services' addresses come the same way, as <NAME>_URL, without being asked for.
   */
  brokerUrl: string;
  /** A directory the run owns, for the target's stores. */
  dataDir: string;
}

/** What the target's operators monitor it with, so a game day can ask whether their alerts noticed. */
export interface TargetMonitoring {
  /** Prometheus rule files (absolute paths): the alerts the target's operators run. */
  readonly ruleFiles: readonly string[];
  /** Services that expose Prometheus metrics, and on which path; each is scraped as job = its name, as the rules select it. */
  readonly metrics: readonly { readonly service: string; readonly path: string }[];
  /** The job name under which the broker's metrics are scraped, as the rules select it. */
  readonly brokerJob: string;
}

/**
 * The names a target lets code-first game days use, as literal types: a target exports its own
 * (e.g. `SockShopNames`) so that a misspelt deployment, queue or journey is a compile error.
 */
export interface TargetNames {
  deployment: string;
  queue: string;
  journey: string;
  /** What a link may lead to: a deployment, or the broker. */
  dependency: string;
}

export interface Target {
  readonly name: string;
  /** Its deployments and queues by name: code naming anything else fails at once, listing these. */
  readonly names?: { readonly deployments: readonly string[]; readonly queues: readonly string[] };
  /** The deployments the local platform runs, each replica its own process. */
  localDeployments(context: LocalRunContext): DeploymentSpec[];
  /** The service a browser opens. */
  readonly entryService: string;
  /** The name under which the platform exposes the target's message broker (an AMQP URL). */
  readonly brokerEndpoint: string;
  /**
   * The target's Kubernetes manifests (a multi-document YAML file), which the embedded cluster
   * deploys; their Deployments and images must match localDeployments' names and images.
   */
  readonly kubernetesManifests?: string;
  /** Images that cannot run (broken builds): the embedded cluster's simulated pods crash-loop on them. */
  readonly brokenImages?: readonly string[];
  /** Alert rules and metrics endpoints, for the run's detection stack (helpers/monitoring). */
  readonly monitoring?: TargetMonitoring;
  /** Named load flows for `during.load` (helpers/load runs them). */
  readonly load?: LoadFlowCatalogue;
}
