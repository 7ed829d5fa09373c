// The local Kubernetes control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler,
// kwok's fake nodes), exercised through @kubernetes/client-node as a test or the demo would use it.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { AppsV1Api, CoreV1Api, KubeConfig, type V1ContainerStatus, type V1Deployment, type V1Pod } from "@kubernetes/client-node";
import { expect, test } from "@playwright/test";
import { stateDir } from "../../helpers/core/leftovers.ts";
import { isListening } from "../../helpers/core/ports.ts";
import { controlPlaneBinDir, LocalControlPlane, sweepOrphanedControlPlanes } from "../../helpers/platforms/kubernetes/control-plane.ts";

const BROKEN_IMAGE = "registry.example/gameday/broken:1";
const HEALTHY_IMAGE = "registry.example/gameday/web:1";

/** Pids whose environment names this control plane, read straight from /proc (not through the code under test). */
function processesOf(workDir: string): number[] {
  return fs.readdirSync("/proc").filter((name) => {
    if (!/^\d+$/.test(name)) return false;
    try {
      return fs.readFileSync(`/proc/${name}/environ`, "utf8").split("\0").includes(`GAMEDAY_CONTROL_PLANE=${workDir}`);
    } catch {
      return false;
    }
  }).map(Number);
}

function deployment(name: string, image: string, replicas: number): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "app", image }] } },
    },
  };
}

test.describe("a running control plane", () => {
  test.describe.configure({ mode: "serial" });

  let workDir: string;
  let plane: LocalControlPlane | undefined;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  test.beforeAll(async () => {
    test.setTimeout(45 * 60_000); // only a cold build of the binaries takes this long (20–40 min); a warm cache answers at once
    const binDir = await controlPlaneBinDir();
    workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-control-plane-"));
    plane = await LocalControlPlane.start({ binDir, workDir, brokenImages: [BROKEN_IMAGE], readyTimeoutMs: 90_000 });
    console.log(`control plane started in ${Math.round(plane.startMs)} ms`);
    const config = new KubeConfig();
    config.loadFromFile(plane.kubeconfigPath);
    apps = config.makeApiClient(AppsV1Api);
    core = config.makeApiClient(CoreV1Api);
  });

  test.afterEach(async ({}, testInfo) => {
    if (testInfo.status === testInfo.expectedStatus || !workDir) return;
    for (const log of fs.readdirSync(path.join(workDir, "logs"))) await testInfo.attach(log, { path: path.join(workDir, "logs", log) });
  });

  test.afterAll(async () => {
    await plane?.stop();
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** A namespace of the test's own, once pods can be admitted into it (its default ServiceAccount exists). */
  async function freshNamespace(label: string): Promise<string> {
    const namespace = `${label}-${Math.random().toString(36).slice(2, 8)}`;
    await core.createNamespace({ body: { metadata: { name: namespace } } });
    await expect
      .poll(() => core.readNamespacedServiceAccount({ name: "default", namespace }).then(() => true, () => false), { timeout: 15_000 })
      .toBe(true);
    return namespace;
  }

  const podsOf = async (namespace: string): Promise<V1Pod[]> => (await core.listNamespacedPod({ namespace })).items;
  const readyOf = (pod: V1Pod): string | undefined => pod.status?.conditions?.find((c) => c.type === "Ready")?.status;

  test("the kubeconfig has the one context gameday-local, pointing at the loopback server", () => {
    const config = new KubeConfig();
    config.loadFromFile(plane?.kubeconfigPath ?? "");
    expect(config.getContexts().map((c) => c.name)).toEqual(["gameday-local"]);
    expect(config.getCurrentCluster()?.server).toBe(plane?.server);
    expect(plane?.server).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  test("a Deployment of 2 replicas gets 2 Ready pods bound to fake nodes", async () => {
    const namespace = await freshNamespace("ready");
    await apps.createNamespacedDeployment({ namespace, body: deployment("web", HEALTHY_IMAGE, 2) });
    await expect.poll(async () => (await apps.readNamespacedDeployment({ name: "web", namespace })).status?.readyReplicas ?? 0, { timeout: 30_000 }).toBe(2);
    const pods = await podsOf(namespace);
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toMatch(/^gameday-node-[01]$/);
      expect(pod.status?.phase).toBe("Running");
      expect(readyOf(pod)).toBe("True");
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
      expect(pod.status?.containerStatuses?.[0]).toMatchObject({ ready: true, restartCount: 0, image: HEALTHY_IMAGE });
    }
    const nodes = (await core.listNode()).items;
    expect(nodes.map((n) => n.metadata?.name).sort()).toEqual(["gameday-node-0", "gameday-node-1"]);
    for (const node of nodes) {
      expect(node.metadata?.labels?.type).toBe("kwok");
      expect(node.spec?.taints ?? []).toEqual([]);
    }
  });

  test("scaling a Deployment to 0 through the scale subresource removes its pods", async () => {
    const namespace = await freshNamespace("scale");
    await apps.createNamespacedDeployment({ namespace, body: deployment("web", HEALTHY_IMAGE, 2) });
    await expect.poll(async () => (await apps.readNamespacedDeployment({ name: "web", namespace })).status?.readyReplicas ?? 0, { timeout: 30_000 }).toBe(2);

    await apps.replaceNamespacedDeploymentScale({ name: "web", namespace, body: { metadata: { name: "web", namespace }, spec: { replicas: 0 } } });
    expect((await apps.readNamespacedDeployment({ name: "web", namespace })).spec?.replicas).toBe(0); // the Scale itself omits a zero count
    const scaledAt = Date.now();
    await expect.poll(async () => (await podsOf(namespace)).length, { timeout: 15_000 }).toBe(0);
    console.log(`pods gone ${Date.now() - scaledAt} ms after scaling to 0`);
    await expect.poll(async () => (await apps.readNamespacedDeployment({ name: "web", namespace })).status?.replicas ?? 0, { timeout: 10_000 }).toBe(0);
  });

  test("a Deployment of a broken image crash-loops: CrashLoopBackOff, not Ready, restartCount growing", async () => {
    const namespace = await freshNamespace("crash");
    await apps.createNamespacedDeployment({ namespace, body: deployment("broken", BROKEN_IMAGE, 1) });
    const container = async (): Promise<V1ContainerStatus | undefined> => (await podsOf(namespace))[0]?.status?.containerStatuses?.[0];
    await expect.poll(async () => (await container())?.state?.waiting?.reason, { timeout: 30_000 }).toBe("CrashLoopBackOff");

    const [pod] = await podsOf(namespace);
    expect(pod?.status?.phase).toBe("Running");
    expect(readyOf(pod ?? {})).toBe("False");
    const first = pod?.status?.containerStatuses?.[0];
    expect(first).toMatchObject({ ready: false, image: BROKEN_IMAGE, lastState: { terminated: { exitCode: 1 } } });
    const firstCount = first?.restartCount ?? 0;
    expect(firstCount).toBeGreaterThanOrEqual(1);

    await expect.poll(async () => (await container())?.restartCount ?? 0, { timeout: 15_000 }).toBeGreaterThan(firstCount);
    const status = (await apps.readNamespacedDeployment({ name: "broken", namespace })).status;
    expect(status?.readyReplicas ?? 0).toBe(0);
    expect(status?.unavailableReplicas).toBe(1);
  });

  test("stop() ends every process of the control plane, forgets them as leftovers, and keeps the logs", async () => {
    const running = plane;
    if (!running) throw new Error("the control plane did not start");
    expect(processesOf(workDir)).toHaveLength(5);
    const leftovers = (): string[] => {
      const dir = path.join(stateDir(), "leftovers");
      return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.startsWith("control-plane-") && fs.readFileSync(path.join(dir, f), "utf8").includes(JSON.stringify(workDir))) : [];
    };
    expect(leftovers()).toHaveLength(5);

    await running.stop();
    await running.stop(); // idempotent
    expect(processesOf(workDir)).toEqual([]);
    expect(leftovers()).toEqual([]);
    expect(fs.readdirSync(path.join(workDir, "logs")).sort()).toEqual(["etcd.log", "kube-apiserver.log", "kube-controller-manager.log", "kube-scheduler.log", "kwok.log"]);
    expect(fs.existsSync(path.join(workDir, "etcd-data"))).toBe(false);
    expect(await isListening("127.0.0.1", Number(new URL(running.server).port))).toBe(false);
  });
});

test.describe("a control plane that cannot start, or outlives its owner", () => {
  /** A bin dir of shell scripts, each a stand-in for one binary. */
  function fakeBinDir(scripts: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-control-plane-bin-"));
    for (const [name, script] of Object.entries(scripts)) fs.writeFileSync(path.join(dir, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return dir;
  }

  test("a bin dir without kube-apiserver is refused, naming the missing binary", async () => {
    const binDir = fakeBinDir({ etcd: "exit 0", "kube-controller-manager": "exit 0", "kube-scheduler": "exit 0", kwok: "exit 0" });
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-control-plane-"));
    try {
      await expect(LocalControlPlane.start({ binDir, workDir })).rejects.toThrow(`the control plane binaries directory ${binDir} lacks kube-apiserver`);
      expect(processesOf(workDir)).toEqual([]);
    } finally {
      fs.rmSync(binDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  test("a component that exits while starting fails the start at once with its exit code and log, and nothing is left running", async () => {
    test.setTimeout(45 * 60_000); // see beforeAll above: only a cold build is slow
    const realBinDir = await controlPlaneBinDir();
    const binDir = fakeBinDir({ "kube-apiserver": 'echo "boom: flag --nope not understood" >&2; exit 7', "kube-controller-manager": "exit 0", "kube-scheduler": "exit 0", kwok: "exit 0" });
    fs.symlinkSync(path.join(realBinDir, "etcd"), path.join(binDir, "etcd"));
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-control-plane-"));
    try {
      const started = Date.now();
      const failure = LocalControlPlane.start({ binDir, workDir, readyTimeoutMs: 60_000 });
      await expect(failure).rejects.toThrow(/kube-apiserver exited with code 7 while the control plane was starting; the last lines of .*kube-apiserver\.log:\nboom: flag --nope not understood/);
      expect(Date.now() - started).toBeLessThan(20_000); // at once, not at the 60 s deadline
      expect(processesOf(workDir)).toEqual([]); // etcd was stopped
    } finally {
      fs.rmSync(binDir, { recursive: true, force: true });
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });

  test("the control plane of a run killed by SIGKILL keeps running until the sweep kills it", async () => {
    test.setTimeout(45 * 60_000); // see beforeAll above: only a cold build is slow
    const binDir = await controlPlaneBinDir();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-control-plane-owner-"));
    const workDir = path.join(scratch, "cp");
    const module = fileURLToPath(new URL("../../helpers/platforms/kubernetes/control-plane.ts", import.meta.url));
    const script = path.join(scratch, "owner.mts");
    fs.writeFileSync(
      script,
      `import { LocalControlPlane } from ${JSON.stringify(module)};
       await LocalControlPlane.start({ binDir: ${JSON.stringify(binDir)}, workDir: ${JSON.stringify(workDir)} });
       console.log("ready"); setInterval(() => {}, 1000);`,
    );
    // A leftovers registry of the test's own, so no other run's orphans (or sweeps) mix in.
    const previousStateDir = process.env.GAMEDAY_STATE_DIR;
    process.env.GAMEDAY_STATE_DIR = path.join(scratch, "state");
    const owner = spawn(process.execPath, ["--import", "tsx", script], { cwd: process.cwd(), env: process.env, stdio: ["ignore", "pipe", "inherit"] });
    try {
      await new Promise<void>((resolve, reject) => {
        owner.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        owner.once("exit", (code) => reject(new Error(`the owner exited with code ${code} before its control plane was ready`)));
      });
      expect(processesOf(workDir)).toHaveLength(5);
      owner.kill("SIGKILL");
      await new Promise((resolve) => owner.once("exit", resolve));
      expect(processesOf(workDir)).toHaveLength(5); // nothing ties them to their owner's life

      expect(await sweepOrphanedControlPlanes()).toBe(5);
      expect(processesOf(workDir)).toEqual([]);
      expect(await sweepOrphanedControlPlanes()).toBe(0);
      expect(fs.existsSync(path.join(workDir, "logs", "kube-apiserver.log"))).toBe(true); // kept for the post-mortem
    } finally {
      owner.kill("SIGKILL");
      await sweepOrphanedControlPlanes();
      if (previousStateDir === undefined) delete process.env.GAMEDAY_STATE_DIR;
      else process.env.GAMEDAY_STATE_DIR = previousStateDir;
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });
});
