// A Kubernetes Indexed Job running one Node script, as a platform offers it to the code that needs
// one (the distributed load): the platform creates and removes the objects; the script's pods talk
// back through ConfigMaps labelled with the job's labels, which the caller reads here.

export interface IndexedJobRequest {
  /** The Job's name (DNS-1123, short enough for its pods' names). */
  name: string;
  /** completions = parallelism = pods; each pod has JOB_COMPLETION_INDEX 0 … pods − 1. */
  pods: number;
  /** An image with `node` on its PATH, e.g. node:20-alpine. */
  image: string;
  /** One ESM file, mounted from a ConfigMap and run as `node <file>`. */
  script: string;
  /** The pods' environment, given the names the platform chose. */
  env: (job: IndexedJobNames) => Record<string, string>;
  /** The Job's activeDeadlineSeconds: the cluster ends it by then whatever happens here. */
  deadlineSeconds: number;
}

export interface IndexedJobNames {
  name: string;
  namespace: string;
  /** On everything the job creates, and to put on what its pods create. */
  labels: Record<string, string>;
}

export interface JobConfigMap {
  name: string;
  labels: Record<string, string>;
  data: Record<string, string>;
  binaryData: Record<string, Buffer>;
}

export interface IndexedJobRun extends IndexedJobNames {
  /** ConfigMaps of the namespace carrying every one of `labels`. */
  configMaps(labels: Record<string, string>): Promise<JobConfigMap[]>;
  /** Creates a ConfigMap with the job's labels (and `labels`). */
  createConfigMap(name: string, data: Record<string, string>, labels?: Record<string, string>): Promise<void>;
  /** The Job's own verdict: complete or failed once its controller says so. */
  status(): Promise<"running" | "complete" | "failed">;
  /** The job's pods that failed, each described (pod, index, reason); empty when none did. */
  failedPods(): Promise<string[]>;
  /** Deletes the Job, its pods, every ConfigMap with its labels and its RBAC; idempotent. */
  remove(): Promise<void>;
}

/** A platform that can run Indexed Jobs in the game day's namespace. */
export interface IndexedJobHost {
  startIndexedJob(request: IndexedJobRequest): Promise<IndexedJobRun>;
  /** Where a pod of the job reaches `service` (its in-cluster address). */
  podEndpoint(service: string): Promise<string>;
}
