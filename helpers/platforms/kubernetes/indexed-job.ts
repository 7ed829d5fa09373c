// An Indexed Job that runs one Node script from a ConfigMap on the official Node image, with what it
// needs to write back: a ServiceAccount, a Role allowing ConfigMaps only (get, list, create, update,
// patch) and its RoleBinding. Everything carries the run's labels, so `gameday restore` (restore.ts)
// finds and deletes it after a crash; the caller records the job in the ledger before calling here.
// backoffLimit 0: a pod that fails is not retried (a retried share would send its load twice).
import type { V1ConfigMap, V1Job } from "@kubernetes/client-node";
import { HarnessError } from "../../core/errors.ts";
import type { IndexedJobRequest, IndexedJobRun, JobConfigMap } from "../../core/indexed-job.ts";
import { apiMessage, call, isNotFound, type Cluster } from "./cluster.ts";
import { MANAGED_BY_LABEL, RUN_LABEL } from "./original-state.ts";

/** Names the job's objects share (the Job, its ServiceAccount, Role and RoleBinding). */
export const JOB_LABEL = "gameday.dev/job";
const SCRIPT_DIR = "/gameday";
const SCRIPT_FILE = "main.mjs";
/** The API server's limit on an object is 1.5 MiB in etcd; a ConfigMap's is 1 MiB. */
const CONFIGMAP_LIMIT = 1_000_000;

const selector = (labels: Record<string, string>): string =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");

export interface IndexedJobOptions {
  cluster: Cluster;
  namespace: string;
  runId: string;
  /** Extra labels for the job's pods (the embedded cluster marks them to run as local processes). */
  podLabels?: Record<string, string>;
}

export async function startIndexedJob(options: IndexedJobOptions, request: IndexedJobRequest): Promise<IndexedJobRun> {
  const { cluster, namespace } = options;
  const { name } = request;
  const labels = { [MANAGED_BY_LABEL]: "gameday", [RUN_LABEL]: options.runId, [JOB_LABEL]: name };
  const metadata = { name, namespace, labels };
  if (request.script.length > CONFIGMAP_LIMIT) {
    throw new HarnessError(`the script of Job ${namespace}/${name} is ${request.script.length} bytes, above a ConfigMap's limit of ${CONFIGMAP_LIMIT}`);
  }
  const run = indexedJobRun(options, name, labels);
  try {
    await call(`creating ServiceAccount ${namespace}/${name}`, () => cluster.core.createNamespacedServiceAccount({ namespace, body: { metadata } }));
    await call(`creating Role ${namespace}/${name}`, () =>
      cluster.rbac.createNamespacedRole({ namespace, body: { metadata, rules: [{ apiGroups: [""], resources: ["configmaps"], verbs: ["get", "list", "create", "update", "patch"] }] } }),
    );
    await call(`creating RoleBinding ${namespace}/${name}`, () =>
      cluster.rbac.createNamespacedRoleBinding({
        namespace,
        body: { metadata, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name }, subjects: [{ kind: "ServiceAccount", name, namespace }] },
      }),
    );
    const script = `${name}-script`;
    await call(`creating ConfigMap ${namespace}/${script}`, () => cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { ...metadata, name: script }, data: { [SCRIPT_FILE]: request.script } } }));
    const env = request.env({ name, namespace, labels });
    const job: V1Job = {
      metadata,
      spec: {
        completionMode: "Indexed",
        completions: request.pods,
        parallelism: request.pods,
        backoffLimit: 0,
        activeDeadlineSeconds: request.deadlineSeconds,
        template: {
          metadata: { labels: { ...labels, ...options.podLabels } },
          spec: {
            serviceAccountName: name,
            restartPolicy: "Never",
            containers: [
              {
                name: "load",
                image: request.image,
                command: ["node", `${SCRIPT_DIR}/${SCRIPT_FILE}`],
                env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })),
                volumeMounts: [{ name: "script", mountPath: SCRIPT_DIR, readOnly: true }],
              },
            ],
            volumes: [{ name: "script", configMap: { name: script } }],
          },
        },
      },
    };
    await call(`creating Job ${namespace}/${name}`, () => cluster.batch.createNamespacedJob({ namespace, body: job }));
  } catch (error) {
    await run.remove().catch(() => undefined);
    throw error;
  }
  return run;
}

function indexedJobRun(options: IndexedJobOptions, name: string, labels: Record<string, string>): IndexedJobRun {
  const { cluster, namespace } = options;
  const ignoreMissing = async (what: string, remove: () => Promise<unknown>): Promise<void> => {
    try {
      await remove();
    } catch (error) {
      if (!isNotFound(error)) throw new HarnessError(`deleting ${what} ${namespace}/${name}: ${apiMessage(error)}`, { cause: error });
    }
  };
  return {
    name,
    namespace,
    labels,
    async configMaps(wanted) {
      const list = await call(`listing ConfigMaps of Job ${namespace}/${name}`, () => cluster.core.listNamespacedConfigMap({ namespace, labelSelector: selector({ ...labels, ...wanted }) }));
      return list.items.map((c: V1ConfigMap): JobConfigMap => ({
        name: c.metadata?.name ?? "",
        labels: c.metadata?.labels ?? {},
        data: c.data ?? {},
        binaryData: Object.fromEntries(Object.entries(c.binaryData ?? {}).map(([k, v]) => [k, Buffer.from(v, "base64")])),
      }));
    },
    async createConfigMap(configMap, data, extra = {}) {
      await call(`creating ConfigMap ${namespace}/${configMap}`, () => cluster.core.createNamespacedConfigMap({ namespace, body: { metadata: { name: configMap, namespace, labels: { ...labels, ...extra } }, data } }));
    },
    async status() {
      const job = await call(`reading Job ${namespace}/${name}`, () => cluster.batch.readNamespacedJob({ name, namespace }));
      const conditions = job.status?.conditions ?? [];
      if (conditions.some((c) => c.type === "Complete" && c.status === "True")) return "complete";
      if (conditions.some((c) => c.type === "Failed" && c.status === "True")) return "failed";
      return "running";
    },
    async failedPods() {
      const pods = await call(`listing the pods of Job ${namespace}/${name}`, () => cluster.core.listNamespacedPod({ namespace, labelSelector: `job-name=${name}` }));
      return pods.items
        .filter((p) => p.status?.phase === "Failed")
        .map((p) => {
          const index = p.metadata?.annotations?.["batch.kubernetes.io/job-completion-index"] ?? "?";
          const terminated = p.status?.containerStatuses?.[0]?.state?.terminated;
          const why = terminated ? `exit code ${terminated.exitCode}${terminated.reason ? ` (${terminated.reason})` : ""}${terminated.message ? `: ${terminated.message}` : ""}` : (p.status?.reason ?? p.status?.message ?? "failed");
          return `pod ${p.metadata?.name ?? "?"} (index ${index}) ${why}`;
        });
    },
    async remove() {
      await ignoreMissing("Job", () => cluster.batch.deleteNamespacedJob({ name, namespace, propagationPolicy: "Background" }));
      await call(`deleting the pods of Job ${namespace}/${name}`, () => cluster.core.deleteCollectionNamespacedPod({ namespace, labelSelector: selector(labels) }));
      await call(`deleting the ConfigMaps of Job ${namespace}/${name}`, () => cluster.core.deleteCollectionNamespacedConfigMap({ namespace, labelSelector: selector(labels) }));
      await ignoreMissing("RoleBinding", () => cluster.rbac.deleteNamespacedRoleBinding({ name, namespace }));
      await ignoreMissing("Role", () => cluster.rbac.deleteNamespacedRole({ name, namespace }));
      await ignoreMissing("ServiceAccount", () => cluster.core.deleteNamespacedServiceAccount({ name, namespace }));
    },
  };
}

/** What a crashed run's jobs left in a namespace (every kind the job creates, with the run's label), deleted; returns what was. */
export async function removeRunJobs(cluster: Cluster, namespace: string, ours: (runId: string | undefined, what: string) => boolean): Promise<string[]> {
  const jobs = await call(`listing Jobs of ${namespace}`, () => cluster.batch.listNamespacedJob({ namespace, labelSelector: `${MANAGED_BY_LABEL}=gameday,${JOB_LABEL}` }));
  const accounts = await call(`listing ServiceAccounts of ${namespace}`, () => cluster.core.listNamespacedServiceAccount({ namespace, labelSelector: `${MANAGED_BY_LABEL}=gameday,${JOB_LABEL}` }));
  // A job whose Job object is already gone still has its ServiceAccount (created first, deleted last).
  const found = new Map<string, string | undefined>();
  for (const o of [...jobs.items, ...accounts.items]) found.set(o.metadata?.labels?.[JOB_LABEL] ?? "", o.metadata?.labels?.[RUN_LABEL]);
  const actions: string[] = [];
  for (const [name, runId] of found) {
    if (name === "" || !ours(runId, `load Job ${name}`)) continue;
    await indexedJobRun({ cluster, namespace, runId: runId ?? "" }, name, { [MANAGED_BY_LABEL]: "gameday", [RUN_LABEL]: runId ?? "", [JOB_LABEL]: name }).remove();
    actions.push(`removed Job ${name} with its pods, ConfigMaps, ServiceAccount, Role and RoleBinding`);
  }
  return actions;
}
