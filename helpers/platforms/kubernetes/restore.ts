// Restoring what a crashed run left in a cluster. Two sources agree: the ledger says which run
// touched which cluster and namespace (its scope; never credentials), and the objects themselves
// carry their original state (the gameday.dev/original annotation) or are labelled as ours (an
// isolation NetworkPolicy). Restoring is idempotent: a second pass finds nothing left to do.
import fs from "node:fs";
import type { V1Deployment } from "@kubernetes/client-node";
import { describeError, HarnessError } from "../../core/errors.ts";
import type { LedgerEntry } from "../../ledger/ledger.ts";
import { apiMessage, call, connectCluster, isNotFound, mergePatch, type Cluster } from "./cluster.ts";
import { removeRunJobs } from "./indexed-job.ts";
import { applyPatch, envMutation, imagesMutation, replicasMutation, unschedulableMutation } from "./mutations.ts";
import { MANAGED_BY_LABEL, ORIGINAL_ANNOTATION, originalPatch, readOriginal, RUN_LABEL } from "./original-state.ts";
import { LEASE_NAME } from "./safety.ts";

export interface NamespaceRestoreOptions {
  /** Only what these runs changed; every run's leftovers when absent. */
  runIds?: readonly string[];
  /** Leave alone the changes of the run holding the namespace's unexpired lock: it is still going. */
  skipLiveLockHolder?: boolean;
}

/** The run holding the namespace's lock, and until when, if the lock has not expired. */
async function liveLockHolder(cluster: Cluster, namespace: string): Promise<{ runId: string; until: Date } | undefined> {
  try {
    const lease = await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace });
    const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
    const until = renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
    return until > Date.now() && lease.spec?.holderIdentity ? { runId: lease.spec.holderIdentity, until: new Date(until) } : undefined;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new HarnessError(`reading the game-day lock of ${namespace}: ${apiMessage(error)}`, { cause: error });
  }
}

async function restoreDeployment(cluster: Cluster, namespace: string, deployment: V1Deployment): Promise<string | undefined> {
  const name = deployment.metadata?.name ?? "";
  const original = readOriginal(deployment);
  if (!original) return undefined;
  const done: string[] = [];
  if (original.images) {
    await applyPatch(cluster, namespace, name, imagesMutation.restore(deployment, original.images), `restoring images of ${namespace}/${name}`);
    done.push(`image ${Object.values(original.images).join(", ")}`);
  }
  if (original.env) {
    const patch = envMutation.restore(deployment, original.env);
    if (patch) {
      await applyPatch(cluster, namespace, name, patch, `restoring environment of ${namespace}/${name}`);
      done.push(`environment (${Object.values(original.env).flatMap((v) => Object.keys(v)).join(", ")})`);
    }
  }
  if (original.replicas !== undefined) {
    await applyPatch(cluster, namespace, name, replicasMutation.restore(deployment, original.replicas), `restoring replicas of ${namespace}/${name}`);
    done.push(`${original.replicas} replica(s)`);
  }
  await call(`clearing ${ORIGINAL_ANNOTATION} on ${namespace}/${name}`, () => cluster.apps.patchNamespacedDeployment({ name, namespace, body: originalPatch(undefined) }, mergePatch));
  return `deployment ${name} back to ${done.join(", ") || "its recorded state"} (changed by run ${original.runId})`;
}

/** Puts back everything game days changed in one namespace (and the nodes they cordoned). */
export interface NamespaceRestore {
  actions: string[];
  /** Changes left alone because their run still holds the namespace's lock. */
  leftAlone: string[];
}

export async function restoreNamespace(cluster: Cluster, namespace: string, options: NamespaceRestoreOptions = {}): Promise<NamespaceRestore> {
  const running = options.skipLiveLockHolder ? await liveLockHolder(cluster, namespace) : undefined;
  const leftAlone: string[] = [];
  const ours = (runId: string | undefined, what = ""): boolean => {
    if (running && runId === running.runId) {
      leftAlone.push(`${what} changed by run ${runId}, which holds the namespace's lock until ${running.until.toISOString()} (still running? if it crashed, retry after that)`);
      return false;
    }
    return !options.runIds || (runId !== undefined && options.runIds.includes(runId));
  };
  const actions: string[] = [];
  const deployments = await call(`listing deployments of ${namespace}`, () => cluster.apps.listNamespacedDeployment({ namespace }));
  for (const deployment of deployments.items) {
    if (!ours(readOriginal(deployment)?.runId, `deployment ${deployment.metadata?.name ?? ""}`)) continue;
    const action = await restoreDeployment(cluster, namespace, deployment);
    if (action) actions.push(action);
  }
  const policies = await call(`listing NetworkPolicies of ${namespace}`, () =>
    cluster.networking.listNamespacedNetworkPolicy({ namespace, labelSelector: `${MANAGED_BY_LABEL}=gameday` }),
  );
  for (const policy of policies.items) {
    if (!ours(policy.metadata?.labels?.[RUN_LABEL], `NetworkPolicy ${policy.metadata?.name ?? ""}`)) continue;
    const name = policy.metadata?.name ?? "";
    try {
      await cluster.networking.deleteNamespacedNetworkPolicy({ name, namespace });
      actions.push(`removed NetworkPolicy ${name}`);
    } catch (error) {
      if (!isNotFound(error)) throw new HarnessError(`removing NetworkPolicy ${namespace}/${name}: ${apiMessage(error)}`, { cause: error });
    }
  }
  actions.push(...(await removeRunJobs(cluster, namespace, ours)));
  const nodes = await call("listing nodes", () => cluster.core.listNode());
  for (const node of nodes.items) {
    const original = readOriginal(node);
    if (!original || original.unschedulable === undefined || !ours(original.runId, `node ${node.metadata?.name ?? ""}`)) continue;
    const name = node.metadata?.name ?? "";
    const uncordon = unschedulableMutation.restore(node, original.unschedulable);
    // One merge patch: the recorded cordon state back and the record gone together.
    await applyPatch(cluster, namespace, name, { ...uncordon, body: { ...uncordon.body, ...originalPatch(undefined) } }, `uncordoning node ${name}`);
    actions.push(`node ${name} ${original.unschedulable ? "left cordoned, as it was" : "uncordoned"}`);
  }
  // The lock of a run that is gone: free it now rather than after its lease expires.
  try {
    const lease = await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace });
    if (options.runIds?.includes(lease.spec?.holderIdentity ?? "")) {
      await cluster.coordination.deleteNamespacedLease({ name: LEASE_NAME, namespace });
      actions.push(`released the game-day lock of run ${lease.spec?.holderIdentity ?? ""}`);
    }
  } catch (error) {
    if (!isNotFound(error)) throw new HarnessError(`reading the game-day lock of ${namespace}: ${apiMessage(error)}`, { cause: error });
  }
  return { actions, leftAlone };
}

/** The ledger's restorer for the kubernetes platform. */
export async function restoreKubernetes(entry: LedgerEntry): Promise<string> {
  const scope = entry.scope ?? {};
  const { kubeconfig, context, namespace } = scope;
  if (!namespace || !context) throw new HarnessError(`ledger entry ${entry.id} has no cluster scope: revert "${entry.title}" by hand (original ${JSON.stringify(entry.original)})`);
  // An embedded control plane dies with its run and takes every fault with it.
  if (scope.ephemeral === "true" && (!kubeconfig || !fs.existsSync(kubeconfig))) {
    return `the embedded control plane of run ${entry.runId} is gone, and the fault with it`;
  }
  const cluster = connectCluster({ kubeconfig: kubeconfig === "$KUBECONFIG" ? undefined : kubeconfig, context });
  let actions: string[];
  try {
    ({ actions } = await restoreNamespace(cluster, namespace, { runIds: [entry.runId] }));
  } catch (error) {
    if (scope.ephemeral === "true") return `the embedded control plane of run ${entry.runId} no longer answers (${describeError(error)}), and the fault went with it`;
    throw error;
  }
  return actions.length > 0
    ? `in ${context}/${namespace}: ${actions.join("; ")}`
    : `in ${context}/${namespace}: nothing of run ${entry.runId} left to restore (already reverted)`;
}
