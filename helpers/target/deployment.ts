// How a target declares one of its deployments: what to run, how many, its builds and its health
// check. Platforms read these; the local platform runs each replica as a process.

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
