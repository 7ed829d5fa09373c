// The Kubernetes platform against a real API server (the local control plane: etcd, kube-apiserver,
// controller-manager, scheduler, kwok's fake nodes). Every fault is injected, proven, reverted and
// reverted again; the object's annotation and the ledger both record the original; the safety rails
// (allowlist, blast radius, the namespace Lease) refuse before mutating.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { V1Deployment } from "@kubernetes/client-node";
import { expect, test } from "@playwright/test";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { brokenBuild, drainNode, isolate, killReplica, patchEnv, scaleDeployment, type Fault } from "../../helpers/faults/index.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { connectCluster, jsonPatch, type Cluster } from "../../helpers/platforms/kubernetes/cluster.ts";
import { controlPlaneBinDir, LocalControlPlane } from "../../helpers/platforms/kubernetes/control-plane.ts";
import { KubernetesPlatform } from "../../helpers/platforms/kubernetes/kubernetes-platform.ts";
import { ORIGINAL_ANNOTATION } from "../../helpers/platforms/kubernetes/original-state.ts";
import { LEASE_NAME } from "../../helpers/platforms/kubernetes/safety.ts";
import { BROKEN_WEB_IMAGE, namespaceWithWeb as deployWeb, WEB_IMAGE } from "./support/kubernetes.ts";


let plane: LocalControlPlane;
let cluster: Cluster;
let workDir: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(45 * 60_000); // only a cold build of the binaries takes this long; a warm cache answers at once
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-k8s-platform-"));
  plane = await LocalControlPlane.start({ binDir: await controlPlaneBinDir(), workDir: path.join(workDir, "cp"), brokenImages: [BROKEN_WEB_IMAGE], readyTimeoutMs: 90_000 });
  cluster = connectCluster({ kubeconfig: plane.kubeconfigPath });
});

test.afterAll(async () => {
  await plane?.stop();
});

// Platforms release their namespace lock after each test, whatever the outcome.
const toDispose: KubernetesPlatform[] = [];
const disposeAfter = (platform: KubernetesPlatform): void => void toDispose.push(platform);
test.afterEach(async () => {
  for (const platform of toDispose.splice(0)) await platform.dispose();
});

let serial = 0;
/** A fresh namespace with one Deployment "web" of `replicas` ready pods. */
async function namespaceWithWeb(replicas = 2): Promise<string> {
  const namespace = `t${Date.now().toString(36)}-${serial++}`;
  await deployWeb(cluster, namespace, replicas);
  return namespace;
}

async function platformFor(namespace: string, runId = `run-${namespace}`, extra: Partial<Parameters<typeof KubernetesPlatform.connect>[0]> = {}): Promise<KubernetesPlatform> {
  return KubernetesPlatform.connect({ cluster, namespace, allowedNamespaces: [namespace], runId, endpoint: () => "http://127.0.0.1:1", ...extra });
}

const web = (namespace: string): Promise<V1Deployment> => cluster.apps.readNamespacedDeployment({ name: "web", namespace });
const annotation = async (namespace: string): Promise<string | undefined> => (await web(namespace)).metadata?.annotations?.[ORIGINAL_ANNOTATION];

/** Inject, prove, revert, revert again; returns the proof text and what the annotation said while applied. */
async function fullCycle(platform: KubernetesPlatform, fault: Fault, ledger: Ledger, namespace: string): Promise<{ evidence: string; recorded: string | undefined }> {
  const active = await fault.inject({ platform, ledger, runId: `run-${namespace}` });
  expect(ledger.outstanding().map((e) => e.fault)).toEqual([fault.kind]);
  expect(ledger.outstanding()[0]?.scope).toMatchObject({ namespace, context: "gameday-local" });
  const evidence = await active.proveEffect();
  const recorded = await annotation(namespace);
  await active.revert();
  await active.revert(); // idempotent
  expect(ledger.outstanding(), "the revert is recorded").toEqual([]);
  return { evidence, recorded };
}

test("scale goes through the scale subresource, records the original on the object, and reverts idempotently", async () => {
  const namespace = await namespaceWithWeb(2);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const { evidence, recorded } = await fullCycle(platform, scaleDeployment({ deployment: "web", replicas: 0 }), ledger, namespace);
  expect(evidence).toContain("0 running, 0 ready");
  expect(JSON.parse(recorded ?? "{}")).toMatchObject({ replicas: 2, runId: `run-${namespace}` });
  expect((await web(namespace)).spec?.replicas).toBe(2);
  expect(await annotation(namespace), "the annotation is removed once the original is back").toBeUndefined();
  // A second platform-level revert with nothing recorded is harmless.
  await platform.scale("web", 2);
  expect(await annotation(namespace)).toBeUndefined();
});

test("kill-replica deletes pods by count and by percentage; the proof waits until they are gone and replaced", async () => {
  const namespace = await namespaceWithWeb(4);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const killedIn = (evidence: string): string[] => (/killed ([^;]+);/.exec(evidence)?.[1] ?? "").split(", ").filter(Boolean);
  const byCount = await fullCycle(platform, killReplica({ deployment: "web", count: 1 }), ledger, namespace);
  expect(byCount.evidence).toMatch(/killed web-\S+; restarts 0 → 1/);
  const byPercent = await fullCycle(platform, killReplica({ deployment: "web", percent: 50 }), ledger, namespace);
  expect(byPercent.evidence).toMatch(/restarts 1 → 3/);
  const killed = [...killedIn(byCount.evidence), ...killedIn(byPercent.evidence)];
  expect(new Set(killed).size, `three distinct pods killed: ${killed.join(", ")}`).toBe(3);
  const podsAfter = (await cluster.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.name ?? "");
  expect(podsAfter.filter((p) => killed.includes(p)), "no killed pod is left").toEqual([]);
  await expect.poll(async () => (await platform.deployment("web")).ready, { timeout: 20_000, message: "replacements ready" }).toBe(4);
});

test("broken-build rolls to an image kwok crash-loops; the revert rolls back", async () => {
  const namespace = await namespaceWithWeb(1);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const { evidence, recorded } = await fullCycle(platform, brokenBuild({ deployment: "web", image: BROKEN_WEB_IMAGE }), ledger, namespace);
  expect(evidence).toContain(`on ${BROKEN_WEB_IMAGE}: 0 ready`);
  expect(evidence).toContain(`${WEB_IMAGE}: 1 ready`); // RollingUpdate: the old pod keeps serving
  expect(JSON.parse(recorded ?? "{}")).toMatchObject({ images: { web: WEB_IMAGE } });
  expect((await web(namespace)).spec?.template.spec?.containers[0]?.image).toBe(WEB_IMAGE);
  expect(await annotation(namespace)).toBeUndefined();
  await expect.poll(async () => (await platform.rollout("web")).images.map((i) => i.image), { timeout: 20_000 }).toEqual([WEB_IMAGE]);
});

test("patch-env sets and unsets variables, proven on the new pods; the revert restores both", async () => {
  const namespace = await namespaceWithWeb(2);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const { evidence, recorded } = await fullCycle(platform, patchEnv({ deployment: "web", env: { FEATURE: "on", MODE: null } }), ledger, namespace);
  expect(evidence).toContain("2 replica(s) run with FEATURE=on, unset MODE");
  expect(JSON.parse(recorded ?? "{}")).toMatchObject({ env: { web: { FEATURE: null, MODE: "normal" } } });
  expect((await web(namespace)).spec?.template.spec?.containers[0]?.env).toEqual([{ name: "MODE", value: "normal" }]);
  expect(await annotation(namespace)).toBeUndefined();
});

test("patch-env over a variable defined with valueFrom: the revert puts the valueFrom back, not a value and not nothing", async () => {
  const namespace = await namespaceWithWeb(2);
  const valueFrom = { secretKeyRef: { name: "web-config", key: "mode" } };
  await cluster.core.createNamespacedSecret({ namespace, body: { metadata: { name: "web-config" }, stringData: { mode: "normal" } } });
  const body = [{ op: "replace", path: "/spec/template/spec/containers/0/env", value: [{ name: "MODE", valueFrom }] }];
  await cluster.apps.patchNamespacedDeployment({ name: "web", namespace, body }, jsonPatch);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const { evidence, recorded } = await fullCycle(platform, patchEnv({ deployment: "web", env: { MODE: "degraded" } }), ledger, namespace);
  expect(evidence).toContain("2 replica(s) run with MODE=degraded");
  expect(JSON.parse(recorded ?? "{}")).toMatchObject({ env: { web: { MODE: { valueFrom } } } });
  expect((await web(namespace)).spec?.template.spec?.containers[0]?.env).toEqual([{ name: "MODE", valueFrom }]);
  expect(await annotation(namespace), "the annotation is removed once the original is back").toBeUndefined();
});

test("isolate creates a deny-all NetworkPolicy selecting the pods; the revert deletes it", async () => {
  const namespace = await namespaceWithWeb(2);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const { evidence } = await fullCycle(platform, isolate({ deployment: "web" }), ledger, namespace);
  expect(evidence).toBe("gameday-isolate-web denies all ingress and egress of 2 replica(s) of web");
  expect((await cluster.networking.listNamespacedNetworkPolicy({ namespace })).items).toEqual([]);
});

test("drain-node cordons the node and evicts the namespace's pods to the other node; the revert uncordons", async () => {
  const namespace = await namespaceWithWeb(2);
  const platform = await platformFor(namespace);
  disposeAfter(platform);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  const node = await platform.nodeOf("web");
  const { evidence } = await fullCycle(platform, drainNode({ deployment: "web" }), ledger, namespace);
  expect(evidence).toContain(`node ${node} cordoned; evicted`);
  const after = await cluster.core.readNode({ name: node });
  expect(after.spec?.unschedulable ?? false).toBe(false);
  expect(after.metadata?.annotations?.[ORIGINAL_ANNOTATION]).toBeUndefined();
  await expect.poll(async () => (await platform.deployment("web")).ready, { timeout: 20_000, message: "evicted pods rescheduled" }).toBe(2);
});

test("a second game day on a locked namespace is refused, naming the holder; it gets the lock once the first ends", async () => {
  const namespace = await namespaceWithWeb(1);
  const first = await platformFor(namespace, "first-run");
  const refused = await platformFor(namespace, "second-run").catch((error: unknown) => error as Error);
  expect(refused).toBeInstanceOf(Error);
  expect((refused as Error).message).toMatch(new RegExp(`namespace ${namespace} is locked by game day "first-run" \\(Lease ${LEASE_NAME}`));
  await first.dispose();
  const second = await platformFor(namespace, "second-run");
  expect((await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace })).spec?.holderIdentity).toBe("second-run");
  await second.dispose();
  await expect(cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace }), "released on dispose").rejects.toThrow(/404|not found/i);
});

test("a run whose lock expired may still put back what it changed, but changes nothing new; another run takes the lock over", async () => {
  const namespace = await namespaceWithWeb(1);
  // A stalled run (a paused process, a network partition): its renewals never come in time.
  const crashed = await platformFor(namespace, "stalled-run", { leaseSeconds: 2, leaseRenewEveryMs: 3_600_000 });
  await crashed.scale("web", 0);
  await expect(platformFor(namespace, "next-run"), "still locked").rejects.toThrow(/locked by game day "stalled-run"/);
  await new Promise((r) => setTimeout(r, 2_500));
  await expect(crashed.scale("web", 3)).rejects.toThrow(new RegExp(`refusing to scale ${namespace}/web to 3: the game-day lock on namespace ${namespace} expired at`));
  await expect(crashed.isolate("web")).rejects.toThrow(/refusing to isolate/);
  await crashed.scale("web", 1); // the recorded original: a revert is always allowed
  expect((await web(namespace)).spec?.replicas).toBe(1);
  expect(await annotation(namespace)).toBeUndefined();
  const next = await platformFor(namespace, "next-run");
  await next.dispose();
});

test("the allowlist refuses kube-system and any namespace not on it, before touching anything", async () => {
  const namespace = await namespaceWithWeb(1);
  for (const [target, allowed] of [
    ["kube-system", ["kube-system"]],
    [namespace, ["somewhere-else"]],
  ] as const) {
    const error = await KubernetesPlatform.connect({ cluster, namespace: target, allowedNamespaces: allowed, runId: "refused", endpoint: () => "" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toContain(target === "kube-system" ? "never touch kube-system" : `--allow-namespace ${namespace}`);
  }
  const leases = await cluster.coordination.listNamespacedLease({ namespace });
  expect(leases.items.filter((l) => l.metadata?.name === LEASE_NAME), "no lock was taken").toEqual([]);
});

test("the blast radius refuses a kill beyond its caps, and nothing is deleted", async () => {
  const namespace = await namespaceWithWeb(3);
  const platform = await platformFor(namespace, undefined, { blastRadius: { maxReplicas: 2, maxPercent: 50 } });
  disposeAfter(platform);
  const before = (await cluster.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.uid).sort();
  await expect(platform.killReplicas("web", 3, "SIGKILL")).rejects.toThrow(/takes away 3 of 3 replica\(s\), over the blast-radius cap of 2 replica/);
  await expect(platform.killReplicas("web", 1, "SIGKILL", 100)).rejects.toThrow(/takes away 3 of 3 replica\(s\)/);
  const ledger = new Ledger(path.join(workDir, `${namespace}.jsonl`));
  await expect(killReplica({ deployment: "web", percent: 34 }).inject({ platform, ledger, runId: "r" })).rejects.toThrow(/takes away 2 of 3 replica\(s\) \(67%\), over the blast-radius cap of 50%/);
  // Every fault that removes capacity counts it: scaling down, a broken build, an isolation.
  for (const [fault, title] of [
    [scaleDeployment({ deployment: "web", replicas: 0 }), "scale deployment web to 0"],
    [brokenBuild({ deployment: "web", image: BROKEN_WEB_IMAGE }), `roll web to the broken build ${BROKEN_WEB_IMAGE}`],
    [isolate({ deployment: "web" }), "isolate web from the network"],
  ] as const) {
    await expect(fault.admit(platform)).rejects.toThrow(`${title}: takes away 3 of 3 replica(s), over the blast-radius cap of 2 replica(s)`);
    await expect(fault.inject({ platform, ledger, runId: "r" })).rejects.toBeInstanceOf(ScenarioError);
  }
  await expect(scaleDeployment({ deployment: "web", replicas: 2 }).admit(platform), "taking 1 of 3 is within the caps").resolves.toBeUndefined();
  expect(ledger.entries(), "refused before anything was recorded").toEqual([]);
  const web = await cluster.apps.readNamespacedDeployment({ name: "web", namespace });
  expect({ replicas: web.spec?.replicas, image: web.spec?.template.spec?.containers[0]?.image }).toEqual({ replicas: 3, image: WEB_IMAGE });
  expect((await cluster.networking.listNamespacedNetworkPolicy({ namespace })).items).toEqual([]);
  expect((await cluster.core.listNamespacedPod({ namespace })).items.map((p) => p.metadata?.uid).sort()).toEqual(before);
});
