// The embedded Kubernetes platform: a real control plane of the run's own (etcd, kube-apiserver,
// controller-manager, scheduler, kwok's fake nodes), the target's manifests deployed into a
// namespace of the run's own, and the embedded target's processes bound to those Deployments. Faults
// go through the real API server; the processes and the broker really follow.
import fs from "node:fs";
import path from "node:path";
import { KubernetesObjectApi, type KubernetesObject, type V1Service } from "@kubernetes/client-node";
import { parseAllDocuments } from "yaml";
import { EnvironmentNotReady, HarnessError } from "../../core/errors.ts";
import { waitUntil } from "../../core/wait.ts";
import type { Target } from "../../target/target.ts";
import type { BlastRadius } from "../blast-radius.ts";
import { LocalPlatform } from "../local/local-platform.ts";
import { apiMessage, call, connectCluster, type Cluster } from "./cluster.ts";
import { controlPlaneBinDir, LocalControlPlane } from "./control-plane.ts";
import { KubernetesPlatform } from "./kubernetes-platform.ts";
import { JobBinding } from "./job-binding.ts";
import { LOCAL_PROCESS_LABEL } from "./kwok-stages.ts";
import { ProcessBinding } from "./process-binding.ts";

export interface EmbeddedKubernetesOptions {
  target: Target;
  runId: string;
  /** Parent of the run directory. */
  workDir: string;
  sharedBrokerUrl?: string | undefined;
  blastRadius?: BlastRadius | undefined;
  readyTimeoutMs?: number;
  log?: ((line: string) => void) | undefined;
}

/** A namespace name of the run's own (a DNS label). */
export function runNamespace(runId: string): string {
  return `gameday-${runId.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 63).replace(/-+$/, "");
}

/** The manifests' objects, moved into `namespace`; Namespace objects are dropped. */
export function loadManifests(file: string, namespace: string): KubernetesObject[] {
  const objects: KubernetesObject[] = [];
  for (const document of parseAllDocuments(fs.readFileSync(file, "utf8"), { version: "1.1" })) {
    if (document.errors.length > 0) throw new HarnessError(`${file}: ${document.errors[0]?.message ?? "invalid YAML"}`);
    const object = document.toJS() as KubernetesObject | null;
    if (!object?.kind || object.kind === "Namespace") continue;
    object.metadata = { ...object.metadata, namespace };
    // Fixed node ports would collide between namespaces of one cluster; let the cluster pick.
    if (object.kind === "Service") for (const port of (object as V1Service).spec?.ports ?? []) delete port.nodePort;
    objects.push(object);
  }
  return objects;
}

/** Waits until every named Deployment has its replicas ready, failing at once if a control-plane component dies. */
async function waitForDeployments(controlPlane: LocalControlPlane, cluster: Cluster, namespace: string, names: string[], timeoutMs: number): Promise<void> {
  // What is still missing, per deployment: the last value seen if the wait times out.
  const notReady = async (): Promise<string[]> => {
    const list = await call(`listing deployments of ${namespace}`, () => cluster.apps.listNamespacedDeployment({ namespace }));
    return names.flatMap((name) => {
      const d = list.items.find((item) => item.metadata?.name === name);
      if (!d) return [`${name} missing`];
      const ready = d.status?.readyReplicas ?? 0;
      const desired = d.spec?.replicas ?? 1;
      return ready < desired ? [`${name} ${ready}/${desired} ready`] : [];
    });
  };
  await waitUntil(`the embedded cluster to make ${names.join(", ")} ready (namespace ${namespace})`, notReady, (waiting) => waiting.length === 0, {
    withinMs: timeoutMs,
    intervalMs: 250,
    abortIf: () => controlPlane.deadComponent(),
    fail: (message) => new EnvironmentNotReady(`${message}. Control plane logs: ${controlPlane.logDir}`),
  });
}

/** The target deployed on a control plane of its own, its processes bound to the Deployments. */
export interface EmbeddedTarget {
  controlPlane: LocalControlPlane;
  cluster: Cluster;
  namespace: string;
  local: LocalPlatform;
  binding: ProcessBinding;
  /** Runs the pods of gameday's Jobs (a distributed load) as local processes. */
  jobs: JobBinding;
  /** Stops the binding, the processes and broker, then the control plane. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Starts a control plane, deploys the target's manifests into `namespace` (default gameday-<runId>),
 * starts the target's processes and binds them to the Deployments. No lock is taken: a game day run
 * against this cluster (embedded, or named with --kubeconfig as "your own") takes it.
 */
export async function deployEmbeddedTarget(options: EmbeddedKubernetesOptions & { namespace?: string }): Promise<EmbeddedTarget> {
  const { target, runId, log } = options;
  if (!target.kubernetesManifests) throw new HarnessError(`target ${target.name} has no Kubernetes manifests (Target.kubernetesManifests), so it cannot run on the embedded cluster`);
  const runDir = path.join(options.workDir, runId);
  const binDir = await controlPlaneBinDir(log ? { log } : {});
  const controlPlane = await LocalControlPlane.start({
    binDir,
    workDir: path.join(runDir, "control-plane"),
    brokenImages: [...(target.brokenImages ?? [])],
    ...(log ? { log } : {}),
  });
  const cleanups: (() => Promise<void>)[] = [() => controlPlane.stop()];
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    })());
  try {
    const cluster = connectCluster({ kubeconfig: controlPlane.kubeconfigPath });
    const namespace = options.namespace ?? runNamespace(runId);
    await call(`creating namespace ${namespace}`, () => cluster.core.createNamespace({ body: { metadata: { name: namespace } } }));
    const objects = KubernetesObjectApi.makeApiClient(cluster.config);
    for (const object of loadManifests(target.kubernetesManifests, namespace)) {
      await objects.create(object).catch((error: unknown) => {
        throw new HarnessError(`applying ${object.kind ?? "?"}/${object.metadata?.name ?? "?"} from ${target.kubernetesManifests ?? ""}: ${apiMessage(error)}`, { cause: error });
      });
    }
    const local = await LocalPlatform.start({ target, runId, workDir: options.workDir, sharedBrokerUrl: options.sharedBrokerUrl, log, blastRadius: options.blastRadius });
    cleanups.push(() => local.dispose());
    await waitForDeployments(controlPlane, cluster, namespace, local.supervisor.names(), options.readyTimeoutMs ?? 60_000);
    const binding = new ProcessBinding({ cluster, namespace, supervisor: local.supervisor, ...(log ? { log } : {}) }).start();
    cleanups.push(() => binding.stop());
    const jobs = new JobBinding({ cluster, namespace, ...(log ? { log } : {}) }).start();
    cleanups.push(() => jobs.stop());
    return { controlPlane, cluster, namespace, local, binding, jobs, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The embedded cluster as a platform: the target deployed and bound, the namespace locked for this run. */
export async function startEmbeddedKubernetes(options: EmbeddedKubernetesOptions): Promise<KubernetesPlatform> {
  const embedded = await deployEmbeddedTarget(options);
  try {
    return await KubernetesPlatform.connect({
      cluster: embedded.cluster,
      namespace: embedded.namespace,
      allowedNamespaces: [embedded.namespace],
      runId: options.runId,
      blastRadius: options.blastRadius,
      ephemeral: true,
      endpoint: (service) => embedded.local.endpoint(service),
      // The pods of gameday's Jobs run here, as local processes (JobBinding): they reach what this machine reaches.
      podEndpoint: (service) => embedded.local.endpoint(service),
      jobPodLabels: { [LOCAL_PROCESS_LABEL]: "node" },
      logs: (deployment, sinceMs) => embedded.local.logs(deployment, sinceMs),
      monitoring: embedded.local.monitoring,
      onDispose: embedded.stop,
    });
  } catch (error) {
    await embedded.stop();
    throw error;
  }
}
