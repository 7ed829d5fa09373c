// The Kubernetes platform: a target's deployments in one namespace of a cluster, driven through
// the API server. Every mutation first records the object's original state on the object (an
// annotation, see original-state.ts) — the fault records it in the ledger before calling here —
// and restoring a field removes its record, so a revert is idempotent and a crash is repairable
// from either source.
import { remoteMonitoring, type Monitoring } from "../../monitoring/monitoring.ts";
import type { CoreV1Event, V1Deployment, V1NetworkPolicy, V1Node, V1Pod, V1ReplicaSet } from "@kubernetes/client-node";
import { HarnessError, ScenarioError } from "../../core/errors.ts";
import type {
  BrokerState,
  DeploymentStatus,
  ImageReplicas,
  LinkCondition,
  LinkReading,
  LogLine,
  Platform,
  PlatformCapability,
  PlatformEvent,
  Rollout,
  ServiceCondition,
} from "../platform.ts";
import { apiMessage, call, connectCluster, isAlreadyExists, isNotFound, mergePatch, type Cluster } from "./cluster.ts";
import { applyPatch, envAsSeen, envMutation, fieldRecord, imagesMutation, recordedField, replicasMutation, unschedulableMutation, type Field, type Mutation, type Recorded } from "./mutations.ts";
import { forgetRestored, mergeOriginal, MANAGED_BY_LABEL, originalPatch, readOriginal, RUN_LABEL, type OriginalState } from "./original-state.ts";
import { DEFAULT_BLAST_RADIUS, replicasWithinBlastRadius, type BlastRadius } from "../blast-radius.ts";
import type { IndexedJobHost, IndexedJobRequest, IndexedJobRun } from "../../core/indexed-job.ts";
import { startIndexedJob } from "./indexed-job.ts";
import { leaseKillSwitch, NamespaceLease } from "./safety.ts";
import type { RemoteKillSwitch } from "../kill-switch.ts";
import { assertNamespaceAllowed, KUBERNETES_CAPABILITIES, type ClusterSettings } from "./settings.ts";

export interface KubernetesPlatformOptions {
  cluster: Cluster;
  namespace: string;
  /** Namespaces game days may touch; `namespace` must be one of them. */
  allowedNamespaces: readonly string[];
  runId: string;
  blastRadius?: BlastRadius | undefined;
  /** The cluster lives and dies with this run (the embedded control plane). */
  ephemeral?: boolean;
  /** Where a service is reached from this machine (a port-forward, an ingress, the embedded binding). */
  endpoint: (service: string) => string;
  /** Log source; by default pod logs from the API server. */
  logs?: (deployment: string, sinceMs: number) => Promise<LogLine[]>;
  /** Released with the platform (the embedded binding's processes, a port-forward). */
  onDispose?: () => Promise<void>;
  /** The target's monitoring: the embedded stack's, or a team's Prometheus (--prometheus). */
  monitoring?: Monitoring | undefined;
  /** Where a pod in the namespace reaches a service (default: its Service's cluster DNS name and first port). */
  podEndpoint?: (service: string) => string;
  /** Extra labels on the pods of Indexed Jobs gameday starts (the embedded cluster runs them as local processes). */
  jobPodLabels?: Record<string, string>;
  /** Seconds a crashed run keeps the namespace locked. */
  leaseSeconds?: number;
  /** How often the lock is renewed (default: a third of leaseSeconds). */
  leaseRenewEveryMs?: number;
}

export const ISOLATION_POLICY_PREFIX = "gameday-isolate-";


function selectorOf(deployment: V1Deployment): string {
  const labels = deployment.spec?.selector.matchLabels ?? {};
  const parts = Object.entries(labels).map(([k, v]) => `${k}=${v}`);
  if (parts.length === 0) throw new HarnessError(`deployment ${deployment.metadata?.name ?? "?"} has no matchLabels selector; gameday selects pods by matchLabels`);
  return parts.join(",");
}

const terminating = (pod: V1Pod): boolean => pod.metadata?.deletionTimestamp !== undefined;
const podReady = (pod: V1Pod): boolean => !terminating(pod) && (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
const podRestarts = (pod: V1Pod): number => (pod.status?.containerStatuses ?? []).reduce((sum, c) => sum + c.restartCount, 0);
const podCrashLooping = (pod: V1Pod): boolean => (pod.status?.containerStatuses ?? []).some((c) => c.state?.waiting?.reason === "CrashLoopBackOff");
const firstImage = (pod: { spec?: { containers: { image?: string }[] } | undefined }): string => pod.spec?.containers[0]?.image ?? "";

/** Lines of `kubectl logs --timestamps` output (RFC 3339 time, a space, the line) written at or after sinceMs. */
export function parsePodLog(text: string, pod: string, sinceMs: number): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of text.split("\n")) {
    const space = raw.indexOf(" ");
    if (space <= 0) continue;
    const time = Date.parse(raw.slice(0, space));
    if (Number.isNaN(time) || time < sinceMs) continue;
    lines.push({ time, source: pod, text: raw.slice(space + 1) });
  }
  return lines;
}

export class KubernetesPlatform implements Platform, IndexedJobHost {
  readonly name = "kubernetes";
  readonly capabilities: ReadonlySet<PlatformCapability> = KUBERNETES_CAPABILITIES;
  readonly scope: Record<string, string>;
  /** Pods deleted by killReplicas that are gone for good: counted as restarts of their deployment. */
  private readonly replaced = new Map<string, Set<string>>();
  private readonly pendingKills = new Map<string, Set<string>>();
  private disposed?: Promise<void>;

  readonly monitoring: Monitoring | undefined;
  /** The Lease annotation `gameday abort --platform kubernetes` (or kubectl) sets. */
  readonly killSwitch: RemoteKillSwitch;

  private constructor(
    readonly cluster: Cluster,
    readonly namespace: string,
    private readonly options: KubernetesPlatformOptions,
    private readonly lease: NamespaceLease,
  ) {
    this.monitoring = options.monitoring;
    this.killSwitch = leaseKillSwitch(cluster, namespace);
    this.scope = { server: cluster.server, context: cluster.context, kubeconfig: cluster.source, namespace, ...(options.ephemeral ? { ephemeral: "true" } : {}) };
  }

  /** Checks the namespace is allowed and exists, then takes its game-day lock. Mutates nothing else. */
  static async connect(options: KubernetesPlatformOptions): Promise<KubernetesPlatform> {
    assertNamespaceAllowed(options.namespace, options.allowedNamespaces);
    const { cluster, namespace } = options;
    try {
      await cluster.core.readNamespace({ name: namespace });
    } catch (error) {
      if (isNotFound(error)) throw new ScenarioError(`namespace "${namespace}" does not exist in context ${cluster.context} (${cluster.server}): deploy the target there first or pass --namespace`);
      throw new HarnessError(`cannot reach the API server of context ${cluster.context} (${cluster.server}): ${apiMessage(error)}`, { cause: error });
    }
    const lease = await NamespaceLease.acquire(cluster, namespace, {
      holder: options.runId,
      ...(options.leaseSeconds ? { durationSeconds: options.leaseSeconds } : {}),
      ...(options.leaseRenewEveryMs ? { renewEveryMs: options.leaseRenewEveryMs } : {}),
    });
    return new KubernetesPlatform(cluster, namespace, options, lease);
  }

  get blastRadius(): BlastRadius {
    return this.options.blastRadius ?? DEFAULT_BLAST_RADIUS;
  }

  // ---- reading ----------------------------------------------------------------------------------

  private readDeployment(name: string): Promise<V1Deployment> {
    return this.cluster.apps.readNamespacedDeployment({ name, namespace: this.namespace }).catch((error: unknown) => {
      if (isNotFound(error)) throw new HarnessError(`deployment ${name} not found in namespace ${this.namespace} (context ${this.cluster.context})`);
      throw new HarnessError(`reading deployment ${this.namespace}/${name}: ${apiMessage(error)}`, { cause: error });
    });
  }

  private async podsOf(deployment: V1Deployment): Promise<V1Pod[]> {
    const list = await call(`listing pods of deployment ${this.namespace}/${deployment.metadata?.name ?? "?"}`, () =>
      this.cluster.core.listNamespacedPod({ namespace: this.namespace, labelSelector: selectorOf(deployment) }),
    );
    return list.items;
  }

  /** Counts pods deleted by killReplicas that have left the API server as restarts. */
  private settleKills(name: string, pods: V1Pod[]): number {
    const pending = this.pendingKills.get(name);
    const replaced = this.replaced.get(name) ?? new Set<string>();
    if (pending) {
      const present = new Set(pods.map((p) => p.metadata?.name ?? ""));
      for (const pod of pending) {
        if (!present.has(pod)) {
          pending.delete(pod);
          replaced.add(pod);
        }
      }
      this.replaced.set(name, replaced);
    }
    return replaced.size;
  }

  async deployment(name: string): Promise<DeploymentStatus> {
    const deployment = await this.readDeployment(name);
    const pods = await this.podsOf(deployment);
    const live = pods.filter((p) => !terminating(p));
    return {
      name,
      desired: deployment.spec?.replicas ?? 1,
      running: live.length,
      ready: live.filter(podReady).length,
      available: deployment.status?.availableReplicas ?? 0,
      restarts: pods.reduce((sum, p) => sum + podRestarts(p), 0) + this.settleKills(name, pods),
      crashLooping: live.some(podCrashLooping),
    };
  }

  async rollout(name: string): Promise<Rollout> {
    const deployment = await this.readDeployment(name);
    const pods = (await this.podsOf(deployment)).filter((p) => !terminating(p));
    const uid = deployment.metadata?.uid;
    const sets = await call(`listing replica sets of ${this.namespace}/${name}`, () =>
      this.cluster.apps.listNamespacedReplicaSet({ namespace: this.namespace, labelSelector: selectorOf(deployment) }),
    );
    const owned = sets.items.filter((rs: V1ReplicaSet) => (rs.metadata?.ownerReferences ?? []).some((o) => o.uid === uid));
    const byImage = new Map<string, ImageReplicas>();
    for (const rs of owned) {
      const hash = rs.metadata?.labels?.["pod-template-hash"];
      const mine = pods.filter((p) => p.metadata?.labels?.["pod-template-hash"] === hash);
      if ((rs.spec?.replicas ?? 0) === 0 && mine.length === 0) continue;
      const image = firstImage(rs.spec?.template ?? {});
      const entry = byImage.get(image) ?? { image, running: 0, ready: 0, restarts: 0, crashLooping: false };
      entry.running += mine.length;
      entry.ready += mine.filter(podReady).length;
      entry.restarts += mine.reduce((sum, p) => sum + podRestarts(p), 0);
      entry.crashLooping ||= mine.some(podCrashLooping);
      byImage.set(image, entry);
    }
    return { image: firstImage(deployment.spec?.template ?? {}), images: [...byImage.values()] };
  }

  // ---- mutating ---------------------------------------------------------------------------------

  /** Records `update` on the object's annotation (first writer wins) before the caller mutates it. */
  private async recordOn(kind: "deployment" | "node", name: string, current: V1Deployment | V1Node, update: Omit<OriginalState, "runId">): Promise<OriginalState> {
    const merged = mergeOriginal(readOriginal(current), { runId: this.options.runId, ...update });
    await this.patchMeta(kind, name, originalPatch(merged));
    return merged;
  }

  private async patchMeta(kind: "deployment" | "node", name: string, body: object): Promise<void> {
    if (kind === "deployment") {
      await call(`annotating deployment ${this.namespace}/${name}`, () => this.cluster.apps.patchNamespacedDeployment({ name, namespace: this.namespace, body }, mergePatch));
    } else {
      await call(`annotating node ${name}`, () => this.cluster.core.patchNode({ name, body }, mergePatch));
    }
  }

  /**
   * Changes a deployment: records what the change replaces, applies it, and forgets what it put back.
   * `intent` names the change in a refusal, `action` in a failed API call. Returns the original recorded for it.
   */
  private async changeDeployment<F extends Field>(
    mutation: Mutation<F, V1Deployment>,
    deployment: V1Deployment,
    requested: Recorded[F],
    { intent, action }: { intent: string; action: string },
  ): Promise<Recorded[F]> {
    const name = deployment.metadata?.name ?? "";
    const { change, restoring } = mutation.resolve(recordedField(readOriginal(deployment), mutation.field), requested);
    // Putting back what a fault recorded is always allowed; a new change needs the lock.
    if (!restoring) this.lease.assertHeld(intent);
    const original = mutation.original(deployment, change);
    const recorded = await this.recordOn("deployment", name, deployment, fieldRecord(mutation.field, original));
    await applyPatch(this.cluster, this.namespace, name, mutation.forward(deployment, change), action);
    const now = recordedField(recorded, mutation.field);
    const putBack = now === undefined ? undefined : mutation.putBack(now, change);
    if (putBack) await this.patchMeta("deployment", name, originalPatch(forgetRestored(recorded, putBack)));
    return original;
  }

  async scale(name: string, replicas: number): Promise<{ previous: number }> {
    const deployment = await this.readDeployment(name);
    const previous = await this.changeDeployment(replicasMutation, deployment, replicas, {
      intent: `scale ${this.namespace}/${name} to ${replicas}`,
      action: `scaling deployment ${this.namespace}/${name} to ${replicas}`,
    });
    return { previous };
  }

  async killReplicas(deployment: string, count: number, signal: "SIGKILL" | "SIGTERM", percent?: number): Promise<string[]> {
    const object = await this.readDeployment(deployment);
    const live = (await this.podsOf(object)).filter((p) => !terminating(p));
    const request = percent !== undefined ? { percent } : { count };
    const allowed = replicasWithinBlastRadius(`delete pods of ${this.namespace}/${deployment}`, request, live.length, this.blastRadius);
    this.lease.assertHeld(`delete pods of ${this.namespace}/${deployment}`);
    // Ready pods first: killing one that already fails proves nothing.
    const victims = [...live].sort((a, b) => Number(podReady(b)) - Number(podReady(a))).slice(0, allowed);
    const names: string[] = [];
    for (const pod of victims) {
      const name = pod.metadata?.name ?? "";
      await call(`deleting pod ${this.namespace}/${name}`, () =>
        this.cluster.core.deleteNamespacedPod({ name, namespace: this.namespace, ...(signal === "SIGKILL" ? { gracePeriodSeconds: 0 } : {}) }),
      );
      names.push(name);
    }
    const pending = this.pendingKills.get(deployment) ?? new Set<string>();
    for (const name of names) pending.add(name);
    this.pendingKills.set(deployment, pending);
    return names;
  }

  async setImage(name: string, image: string): Promise<{ previous: string }> {
    const deployment = await this.readDeployment(name);
    const container = deployment.spec?.template.spec?.containers[0];
    if (!container) throw new HarnessError(`deployment ${this.namespace}/${name} has no container`);
    const original = await this.changeDeployment(imagesMutation, deployment, { [container.name]: image }, {
      intent: `set the image of ${this.namespace}/${name}`,
      action: `setting the image of ${this.namespace}/${name} to ${image}`,
    });
    return { previous: original[container.name] ?? "" };
  }

  /** Sets (or, with null, removes) environment variables of the first container; returns the values replaced. */
  async setEnv(name: string, env: Record<string, string | null>): Promise<{ previous: Record<string, string | null> }> {
    const deployment = await this.readDeployment(name);
    const container = deployment.spec?.template.spec?.containers[0];
    if (!container) throw new HarnessError(`deployment ${this.namespace}/${name} has no container`);
    const original = await this.changeDeployment(envMutation, deployment, { [container.name]: env }, {
      intent: `set the environment of ${this.namespace}/${name}`,
      action: `setting environment of ${this.namespace}/${name}`,
    });
    return { previous: envAsSeen(original[container.name] ?? {}) };
  }

  async envOf(name: string): Promise<{ desired: Record<string, string>; replicas: Record<string, string>[] }> {
    const deployment = await this.readDeployment(name);
    const plain = (env: { name: string; value?: string }[] | undefined): Record<string, string> =>
      Object.fromEntries((env ?? []).filter((e) => e.value !== undefined).map((e) => [e.name, e.value ?? ""]));
    const pods = (await this.podsOf(deployment)).filter((p) => !terminating(p));
    return { desired: plain(deployment.spec?.template.spec?.containers[0]?.env), replicas: pods.map((p) => plain(p.spec?.containers[0]?.env)) };
  }

  /** Denies all ingress and egress of the deployment's pods with a NetworkPolicy; returns its name. */
  async isolate(name: string): Promise<string> {
    this.lease.assertHeld(`isolate ${this.namespace}/${name}`);
    const deployment = await this.readDeployment(name);
    const policyName = `${ISOLATION_POLICY_PREFIX}${name}`;
    const body: V1NetworkPolicy = {
      metadata: { name: policyName, namespace: this.namespace, labels: { [MANAGED_BY_LABEL]: "gameday", [RUN_LABEL]: this.options.runId } },
      spec: { podSelector: { matchLabels: deployment.spec?.selector.matchLabels ?? {} }, policyTypes: ["Ingress", "Egress"] },
    };
    try {
      await this.cluster.networking.createNamespacedNetworkPolicy({ namespace: this.namespace, body });
    } catch (error) {
      if (isAlreadyExists(error)) return policyName; // already isolated by this fault: idempotent
      throw new HarnessError(`isolating ${this.namespace}/${name}: ${apiMessage(error)}`, { cause: error });
    }
    return policyName;
  }

  async isolation(name: string): Promise<{ policy: string; selectedPods: number } | undefined> {
    const policyName = `${ISOLATION_POLICY_PREFIX}${name}`;
    try {
      const policy = await this.cluster.networking.readNamespacedNetworkPolicy({ name: policyName, namespace: this.namespace });
      const labels = policy.spec?.podSelector?.matchLabels ?? {};
      const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");
      const pods = await this.cluster.core.listNamespacedPod({ namespace: this.namespace, labelSelector: selector });
      return { policy: policyName, selectedPods: pods.items.filter((p) => !terminating(p)).length };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw new HarnessError(`reading NetworkPolicy ${this.namespace}/${policyName}: ${apiMessage(error)}`, { cause: error });
    }
  }

  async unisolate(name: string): Promise<void> {
    const policyName = `${ISOLATION_POLICY_PREFIX}${name}`;
    try {
      await this.cluster.networking.deleteNamespacedNetworkPolicy({ name: policyName, namespace: this.namespace });
    } catch (error) {
      if (!isNotFound(error)) throw new HarnessError(`removing NetworkPolicy ${this.namespace}/${policyName}: ${apiMessage(error)}`, { cause: error });
    }
  }

  /** The node running most of the deployment's pods. */
  async nodeOf(deployment: string): Promise<string> {
    const pods = (await this.podsOf(await this.readDeployment(deployment))).filter((p) => !terminating(p) && p.spec?.nodeName);
    const counts = new Map<string, number>();
    for (const pod of pods) counts.set(pod.spec?.nodeName ?? "", (counts.get(pod.spec?.nodeName ?? "") ?? 0) + 1);
    const best = [...counts].sort((a, b) => b[1] - a[1])[0];
    if (!best) throw new HarnessError(`deployment ${this.namespace}/${deployment} has no pod on a node to drain`);
    return best[0];
  }

  /**
   * Cordons a node, then evicts this namespace's pods from it (within the blast radius). Pods of
   * other namespaces stay: a game day is scoped to its namespace, even on a shared node.
   */
  async drainNode(node: string): Promise<{ evicted: string[] }> {
    this.lease.assertHeld(`drain node ${node}`);
    const current = await call(`reading node ${node}`, () => this.cluster.core.readNode({ name: node }));
    await this.recordOn("node", node, current, { unschedulable: unschedulableMutation.original(current) });
    await applyPatch(this.cluster, this.namespace, node, unschedulableMutation.forward(current, true), `cordoning node ${node}`);
    const pods = await call(`listing pods on node ${node}`, () =>
      this.cluster.core.listNamespacedPod({ namespace: this.namespace, fieldSelector: `spec.nodeName=${node}` }),
    );
    const live = pods.items.filter((p) => !terminating(p) && !(p.metadata?.ownerReferences ?? []).some((o) => o.kind === "DaemonSet"));
    replicasWithinBlastRadius(`drain node ${node} (namespace ${this.namespace})`, { count: live.length }, live.length, { ...this.blastRadius, maxPercent: 100 });
    const evicted: string[] = [];
    for (const pod of live) {
      const name = pod.metadata?.name ?? "";
      await call(`evicting pod ${this.namespace}/${name} from node ${node}`, () =>
        this.cluster.core.createNamespacedPodEviction({ name, namespace: this.namespace, body: { metadata: { name, namespace: this.namespace } } }),
      );
      evicted.push(name);
    }
    return { evicted };
  }

  async node(node: string): Promise<{ unschedulable: boolean; pods: number }> {
    const current = await call(`reading node ${node}`, () => this.cluster.core.readNode({ name: node }));
    const pods = await call(`listing pods on node ${node}`, () =>
      this.cluster.core.listNamespacedPod({ namespace: this.namespace, fieldSelector: `spec.nodeName=${node}` }),
    );
    return { unschedulable: current.spec?.unschedulable ?? false, pods: pods.items.filter((p) => !terminating(p)).length };
  }

  async uncordon(node: string): Promise<void> {
    const current = await call(`reading node ${node}`, () => this.cluster.core.readNode({ name: node }));
    const recorded = readOriginal(current);
    await applyPatch(this.cluster, this.namespace, node, unschedulableMutation.restore(current, recorded?.unschedulable ?? false), `uncordoning node ${node}`);
    if (recorded) await this.patchMeta("node", node, originalPatch(forgetRestored(recorded, { unschedulable: true })));
  }

  // ---- what Kubernetes alone cannot do ----------------------------------------------------------

  private unsupported(what: string): never {
    throw new HarnessError(
      `${what} is not available on the kubernetes platform: it needs a service mesh or proxy in the data path, which gameday does not install. Run this fault with --platform local.`,
    );
  }

  link(): Promise<LinkCondition> {
    return Promise.resolve({ mode: "normal" });
  }

  setLink(from: string, to: string): Promise<{ previous: LinkCondition }> {
    this.unsupported(`a network fault on the link ${from} → ${to}`);
  }

  measureLink(from: string, to: string): Promise<LinkReading> {
    this.unsupported(`measuring the link ${from} → ${to}`);
  }

  serviceCondition(): Promise<ServiceCondition> {
    return Promise.resolve({ mode: "normal" });
  }

  setServiceCondition(service: string): Promise<{ previous: ServiceCondition }> {
    this.unsupported(`injecting HTTP errors into ${service}`);
  }

  brokerState(): Promise<BrokerState> {
    return Promise.resolve({
      running: true,
      notStoppable: "the kubernetes platform stops a broker by scaling its deployment: use a scale fault on the broker's deployment",
    });
  }

  stopBroker(): Promise<void> {
    this.unsupported("stopping the broker in place");
  }

  startBroker(): Promise<void> {
    this.unsupported("starting the broker in place");
  }

  // ---- observing --------------------------------------------------------------------------------

  async logs(deployment: string, sinceMs = 0): Promise<LogLine[]> {
    if (this.options.logs) return this.options.logs(deployment, sinceMs);
    const pods = await this.podsOf(await this.readDeployment(deployment));
    const lines: LogLine[] = [];
    const sinceSeconds = sinceMs > 0 ? Math.max(1, Math.ceil((Date.now() - sinceMs) / 1000)) : undefined;
    for (const pod of pods) {
      const name = pod.metadata?.name ?? "";
      let text: string;
      try {
        text = await this.cluster.core.readNamespacedPodLog({ name, namespace: this.namespace, timestamps: true, ...(sinceSeconds ? { sinceSeconds } : {}) });
      } catch {
        continue; // a pod that has not started has no log yet
      }
      lines.push(...parsePodLog(text, name, sinceMs));
    }
    return lines.sort((a, b) => a.time - b.time);
  }

  async events(sinceMs = 0): Promise<PlatformEvent[]> {
    const list = await call(`listing events of namespace ${this.namespace}`, () => this.cluster.core.listNamespacedEvent({ namespace: this.namespace }));
    const timeOf = (e: CoreV1Event): number => new Date(e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp ?? 0).getTime();
    return list.items
      .filter((e) => timeOf(e) >= sinceMs)
      .map((e) => ({
        time: timeOf(e),
        type: e.type === "Warning" ? ("Warning" as const) : ("Normal" as const),
        reason: e.reason ?? "",
        object: `${(e.involvedObject.kind ?? "").toLowerCase()}/${e.involvedObject.name ?? ""}`,
        message: e.message ?? "",
      }))
      .sort((a, b) => a.time - b.time);
  }

  endpoint(service: string): string {
    return this.options.endpoint(service);
  }

  /** An Indexed Job in the game day's namespace (indexed-job.ts); the caller records it in the ledger first. */
  startIndexedJob(request: IndexedJobRequest): Promise<IndexedJobRun> {
    this.lease.assertHeld(`start Job ${this.namespace}/${request.name}`);
    return startIndexedJob({ cluster: this.cluster, namespace: this.namespace, runId: this.options.runId, ...(this.options.jobPodLabels ? { podLabels: this.options.jobPodLabels } : {}) }, request);
  }

  /** Where a pod reaches a service: the option, else the Service's cluster DNS name and first port. */
  async podEndpoint(service: string): Promise<string> {
    if (this.options.podEndpoint) return this.options.podEndpoint(service);
    const found = await call(`reading Service ${this.namespace}/${service}`, () => this.cluster.core.readNamespacedService({ name: service, namespace: this.namespace }));
    const port = found.spec?.ports?.[0]?.port;
    if (port === undefined) throw new HarnessError(`Service ${this.namespace}/${service} has no port: a pod cannot reach it`);
    return `http://${service}.${this.namespace}.svc:${port}`;
  }

  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      // The lock first: onDispose may take the cluster itself away (the embedded control plane).
      try {
        await this.lease.release();
      } finally {
        await this.options.onDispose?.();
      }
    })();
    return this.disposed;
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

/** Connects to the user's cluster: kubeconfig and context as kubectl picks them, the namespace allowlisted and locked. */
export async function connectKubernetes(settings: ClusterSettings, runId: string): Promise<KubernetesPlatform> {
  const cluster = connectCluster({ kubeconfig: settings.kubeconfig, context: settings.context });
  const namespace = settings.namespace ?? cluster.contextNamespace;
  if (!namespace) throw new ScenarioError(`no namespace: context ${cluster.context} names none; pass --namespace <ns> (and allow it with --allow-namespace <ns>)`);
  return KubernetesPlatform.connect({
    cluster,
    namespace,
    allowedNamespaces: settings.allowedNamespaces,
    runId,
    blastRadius: settings.blastRadius,
    monitoring: settings.prometheusUrl ? remoteMonitoring({ prometheusUrl: settings.prometheusUrl, alertmanagerUrl: settings.alertmanagerUrl }) : undefined,
    endpoint: (service) => {
      const url = settings.endpoints[service];
      if (!url) {
        throw new ScenarioError(
          `no endpoint for service "${service}" of namespace ${namespace}: make it reachable (e.g. kubectl -n ${namespace} port-forward svc/${service} <port>) and pass --endpoint ${service}=<url>`,
        );
      }
      return url;
    },
  });
}
