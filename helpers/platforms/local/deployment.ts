// A deployment as the local platform runs it: the spec a target declares, and the controller's
// record of it (desired count, image, replicas, logs) that the Supervisor's parts share.
import type { ChildProcess } from "node:child_process";
import { HarnessError } from "../../core/errors.ts";
import type { LogLine } from "../platform.ts";
import type { DeploymentSpec, ImageVariant } from "../../target/deployment.ts";
import type { ServiceProxy } from "./service-proxy.ts";

export type { DeploymentSpec, ImageVariant } from "../../target/deployment.ts";

export type ReplicaState = "starting" | "running" | "backoff" | "terminating";

export interface Replica {
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

export interface Deployment {
  spec: DeploymentSpec;
  desired: number;
  /** The image new replicas run. */
  image: string;
  /** The rollout step in flight, if any. */
  rolling?: Promise<void> | undefined;
  replicas: Replica[];
  /** Its Service (stable port), when it serves HTTP. */
  proxy?: ServiceProxy;
  logs: LogLine[];
  logFile: string;
  restartsOfRemoved: number;
}

/** The deployment called `name`, or an error naming the known ones. */
export function deploymentNamed(deployments: ReadonlyMap<string, Deployment>, name: string): Deployment {
  const found = deployments.get(name);
  if (!found) {
    throw new HarnessError(`no deployment named "${name}" on the local platform (known: ${[...deployments.keys()].join(", ")})`);
  }
  return found;
}

export function imageVariant(d: Deployment, image: string): ImageVariant | undefined {
  return d.spec.variants?.[image];
}
