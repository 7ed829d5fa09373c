// Crash safety on Kubernetes: a game day is SIGKILLed with faults applied in a real cluster (no
// teardown runs). `gameday restore` must put everything back from the ledger; and with the ledger
// lost (another machine, a wiped CI runner), from the annotations on the objects alone.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { V1Deployment } from "@kubernetes/client-node";
import { expect, test } from "@playwright/test";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { connectCluster, jsonPatch, type Cluster } from "../../helpers/platforms/kubernetes/cluster.ts";
import { controlPlaneBinDir, LocalControlPlane } from "../../helpers/platforms/kubernetes/control-plane.ts";
import { ORIGINAL_ANNOTATION } from "../../helpers/platforms/kubernetes/original-state.ts";
import { LEASE_NAME } from "../../helpers/platforms/kubernetes/safety.ts";
import { BROKEN_WEB_IMAGE, gameday, namespaceWithWeb, WEB_IMAGE } from "./support/kubernetes.ts";

const root = process.cwd();
const FAULTS = ["scale", "broken-build", "patch-env", "isolate"];

const CHILD = `
import path from "node:path";
import { connectCluster } from ${JSON.stringify(path.join(root, "helpers/platforms/kubernetes/cluster.ts"))};
import { KubernetesPlatform } from ${JSON.stringify(path.join(root, "helpers/platforms/kubernetes/kubernetes-platform.ts"))};
import { Ledger } from ${JSON.stringify(path.join(root, "helpers/ledger/ledger.ts"))};
import { brokenBuild, isolate, patchEnv, scaleDeployment } from ${JSON.stringify(path.join(root, "helpers/faults/index.ts"))};
const { KUBECONFIG_FILE, NAMESPACE, RUN_ID, GAMEDAY_STATE_DIR, STOP_AFTER, LEASE_SECONDS } = process.env;
const cluster = connectCluster({ kubeconfig: KUBECONFIG_FILE });
const platform = await KubernetesPlatform.connect({ cluster, namespace: NAMESPACE, allowedNamespaces: [NAMESPACE], runId: RUN_ID, endpoint: () => "", leaseSeconds: Number(LEASE_SECONDS) });
const ledger = new Ledger(path.join(GAMEDAY_STATE_DIR, "ledger.jsonl"));
const faults = [
  scaleDeployment({ deployment: "web", replicas: 0 }),
  brokenBuild({ deployment: "web", image: ${JSON.stringify(BROKEN_WEB_IMAGE)} }),
  patchEnv({ deployment: "web", env: { MODE: "degraded", EXTRA: "1" } }),
  isolate({ deployment: "web" }),
];
for (const fault of faults.slice(0, Number(STOP_AFTER))) {
  await fault.inject({ platform, ledger, runId: RUN_ID });
  console.log("injected " + fault.kind);
}
console.log("ready to be killed");
setInterval(() => undefined, 60_000); // stay alive (the lease renewal timer does not hold the process) until killed
`;

let plane: LocalControlPlane;
let cluster: Cluster;
let dir: string;

test.describe.configure({ mode: "serial" });

test.beforeAll(async () => {
  test.setTimeout(45 * 60_000); // only a cold build of the binaries takes this long; a warm cache answers at once
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-k8s-restore-"));
  plane = await LocalControlPlane.start({ binDir: await controlPlaneBinDir(), workDir: path.join(dir, "cp"), brokenImages: [BROKEN_WEB_IMAGE], readyTimeoutMs: 90_000 });
  cluster = connectCluster({ kubeconfig: plane.kubeconfigPath });
  fs.writeFileSync(path.join(dir, "child.mts"), CHILD);
});

test.afterAll(async () => {
  await plane?.stop();
});

/** Runs the child until it has injected `count` faults, then SIGKILLs it. */
async function crashAfter(namespace: string, count: number, stateDir: string, leaseSeconds = 3): Promise<string> {
  const runId = `crashed-${namespace}`;
  const child = spawn(process.execPath, ["--import", "tsx", path.join(dir, "child.mts")], {
    cwd: root,
    env: { ...process.env, KUBECONFIG_FILE: plane.kubeconfigPath, NAMESPACE: namespace, RUN_ID: runId, GAMEDAY_STATE_DIR: stateDir, STOP_AFTER: String(count), LEASE_SECONDS: String(leaseSeconds) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => output, { timeout: 30_000, message: `the child injects ${count} fault(s)` }).toContain("ready to be killed");
  const exited = new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(undefined) : child.once("exit", resolve)));
  expect(child.exitCode, `the child must still be running to be killed:\n${output}`).toBeNull();
  child.kill("SIGKILL");
  await exited;
  return runId;
}

/** What a restore must have put back, checked straight on the API server. */
async function expectPristine(namespace: string): Promise<void> {
  const web = await cluster.apps.readNamespacedDeployment({ name: "web", namespace });
  expect(web.spec?.replicas, "replicas").toBe(2);
  expect(web.spec?.template.spec?.containers[0]?.image, "image").toBe(WEB_IMAGE);
  expect(web.spec?.template.spec?.containers[0]?.env, "environment").toEqual([{ name: "MODE", value: "normal" }]);
  expect(web.metadata?.annotations?.[ORIGINAL_ANNOTATION], "original-state annotation").toBeUndefined();
  expect((await cluster.networking.listNamespacedNetworkPolicy({ namespace })).items.map((p) => p.metadata?.name), "NetworkPolicies").toEqual([]);
}

for (const injected of [1, 2, 4]) {
  // npm test keeps one of these (2 faults); npm run test:full runs all three.
  test(`SIGKILLed after ${injected} fault(s): gameday restore reverts them from the ledger and frees the lock`, { tag: injected === 2 ? [] : ["@long"] }, async () => {
    const namespace = `crash-ledger-${injected}`;
    await namespaceWithWeb(cluster, namespace, 2);
    const stateDir = path.join(dir, namespace);
    await crashAfter(namespace, injected, stateDir);
    const applied = await cluster.apps.readNamespacedDeployment({ name: "web", namespace });
    expect(applied.spec?.replicas, "the crash left the scale fault applied").toBe(0);
    expect(new Ledger(path.join(stateDir, "ledger.jsonl")).outstanding().map((e) => e.fault)).toEqual(FAULTS.slice(0, injected));

    const restored = await gameday(["restore"], { ...process.env, GAMEDAY_STATE_DIR: stateDir });
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toContain("deployment web back to");
    await expectPristine(namespace);
    expect(new Ledger(path.join(stateDir, "ledger.jsonl")).outstanding(), "ledger").toEqual([]);
    await expect(cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace }), "the dead run's lock is released").rejects.toThrow(/404|not found/i);

    const again = await gameday(["restore"], { ...process.env, GAMEDAY_STATE_DIR: stateDir });
    expect(again.code, again.output).toBe(0);
    expect(again.output).toContain("nothing to restore");
  });
}

test("with the ledger lost, gameday restore --namespace reverts from the annotations, once the dead run's lock has expired", async () => {
  const namespace = "crash-annotations";
  await namespaceWithWeb(cluster, namespace, 2);
  const stateDir = path.join(dir, namespace);
  // A lock long enough that the first restore surely runs while it holds.
  const runId = await crashAfter(namespace, FAULTS.length, stateDir, 20);
  fs.rmSync(stateDir, { recursive: true, force: true }); // the ledger is gone
  const args = ["restore", "--kubeconfig", plane.kubeconfigPath, "--context", "gameday-local", "--namespace", namespace];

  const early = await gameday(args, { ...process.env, GAMEDAY_STATE_DIR: path.join(dir, `${namespace}-empty`) });
  expect(early.code, `a change left alone is not a clean restore: ${early.output}`).toBe(3);
  expect(early.output, "a run still holding the lock may be alive: its changes are left alone").toContain(`left alone: deployment web changed by run ${runId}, which holds the namespace's lock until`);
  expect((await cluster.apps.readNamespacedDeployment({ name: "web", namespace })).spec?.replicas).toBe(0);

  const lease = await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace });
  const expiresAt = new Date(lease.spec?.renewTime ?? 0).getTime() + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500)); // the dead run's lock expires
  const late = await gameday(args, { ...process.env, GAMEDAY_STATE_DIR: path.join(dir, `${namespace}-empty`) });
  expect(late.code, late.output).toBe(0);
  expect(late.output).toContain(`(changed by run ${runId})`);
  expect(late.output).toContain("removed NetworkPolicy gameday-isolate-web");
  await expectPristine(namespace);
});

/** MODE of web comes from a Secret (valueFrom) instead of a literal value. */
async function modeFromSecret(namespace: string): Promise<{ secretKeyRef: { name: string; key: string } }> {
  const valueFrom = { secretKeyRef: { name: "web-config", key: "mode" } };
  await cluster.core.createNamespacedSecret({ namespace, body: { metadata: { name: "web-config" }, stringData: { mode: "normal" } } });
  const body = [{ op: "replace", path: "/spec/template/spec/containers/0/env", value: [{ name: "MODE", valueFrom }] }];
  await cluster.apps.patchNamespacedDeployment({ name: "web", namespace, body }, jsonPatch);
  return valueFrom;
}

for (const from of ["ledger", "annotations"] as const) {
  test(`a variable defined with valueFrom that patch-env overwrote gets its valueFrom back when restoring from the ${from} after a crash`, async () => {
    const namespace = `crash-value-from-${from}`;
    await namespaceWithWeb(cluster, namespace, 1);
    const valueFrom = await modeFromSecret(namespace);
    const stateDir = path.join(dir, namespace);
    const runId = await crashAfter(namespace, FAULTS.indexOf("patch-env") + 1, stateDir); // patch-env sets MODE=degraded, EXTRA=1
    const web = async (): Promise<V1Deployment> => cluster.apps.readNamespacedDeployment({ name: "web", namespace });
    expect((await web()).spec?.template.spec?.containers[0]?.env, "the crash left the fault applied").toEqual([
      { name: "MODE", value: "degraded" },
      { name: "EXTRA", value: "1" },
    ]);
    expect(JSON.parse((await web()).metadata?.annotations?.[ORIGINAL_ANNOTATION] ?? "{}"), "recorded as defined").toMatchObject({ env: { web: { MODE: { valueFrom }, EXTRA: null } } });

    let restored: { code: number | null; output: string };
    if (from === "ledger") {
      restored = await gameday(["restore"], { ...process.env, GAMEDAY_STATE_DIR: stateDir });
    } else {
      fs.rmSync(stateDir, { recursive: true, force: true }); // the ledger is gone
      const lease = await cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace });
      const expiresAt = new Date(lease.spec?.renewTime ?? 0).getTime() + (lease.spec?.leaseDurationSeconds ?? 0) * 1000;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 500)); // the dead run's lock expires
      const args = ["restore", "--kubeconfig", plane.kubeconfigPath, "--context", "gameday-local", "--namespace", namespace];
      restored = await gameday(args, { ...process.env, GAMEDAY_STATE_DIR: path.join(dir, `${namespace}-empty`) });
    }
    expect(restored.code, restored.output).toBe(0);
    expect(restored.output).toContain(`(changed by run ${runId})`);
    const back = await web();
    expect(back.spec?.template.spec?.containers[0]?.env, "MODE from its Secret again, EXTRA gone").toEqual([{ name: "MODE", valueFrom }]);
    expect(back.spec?.replicas, "replicas").toBe(1);
    expect(back.spec?.template.spec?.containers[0]?.image, "image").toBe(WEB_IMAGE);
    expect(back.metadata?.annotations?.[ORIGINAL_ANNOTATION], "original-state annotation").toBeUndefined();
  });
}
