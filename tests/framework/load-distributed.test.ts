// `during.load.distributed`: the load as an Indexed Job on a real API server (the local control plane;
// kwok's pods, which JobBinding runs as local node processes from the bundled script in the Job's
// ConfigMap, calling the API with their ServiceAccount's token). The merged figures are one engine's;
// every order comes back; the Job, its ConfigMaps and RBAC are recorded in the ledger first and gone
// afterwards, on the normal path and through `gameday restore`'s namespace restore after a "crash".
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { DistributedLoad } from "../../helpers/load/distributed.ts";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { connectCluster, type Cluster } from "../../helpers/platforms/kubernetes/cluster.ts";
import { controlPlaneBinDir, LocalControlPlane } from "../../helpers/platforms/kubernetes/control-plane.ts";
import { JobBinding } from "../../helpers/platforms/kubernetes/job-binding.ts";
import { KubernetesPlatform } from "../../helpers/platforms/kubernetes/kubernetes-platform.ts";
import { LOCAL_PROCESS_LABEL } from "../../helpers/platforms/kubernetes/kwok-stages.ts";
import { restoreNamespace } from "../../helpers/platforms/kubernetes/restore.ts";
import { catalogueSource } from "../../helpers/load/share.ts";
import { testLoadFlows } from "./support/load-flows.ts";

test.use({ trace: "off", screenshot: "off", video: "off" });
test.describe.configure({ mode: "serial" });

let plane: LocalControlPlane;
let cluster: Cluster;
let workDir: string;
let server: http.Server;
let url: string;
const issued: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(45 * 60_000); // only a cold build of the binaries takes this long
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-load-distributed-"));
  plane = await LocalControlPlane.start({ binDir: await controlPlaneBinDir(), workDir: path.join(workDir, "cp"), readyTimeoutMs: 90_000 });
  cluster = connectCluster({ kubeconfig: plane.kubeconfigPath });
  server = http.createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      const id = `o${issued.length + 1}`;
      issued.push(id);
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ id }));
    }, Number(new URL(req.url ?? "/", "http://x").searchParams.get("delay") ?? 0));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  await plane?.stop();
});

/** What a load Job leaves in the namespace, by kind. */
async function leftovers(namespace: string): Promise<string[]> {
  const selector = "gameday.dev/job";
  const [jobs, maps, accounts, roles, bindings, pods] = await Promise.all([
    cluster.batch.listNamespacedJob({ namespace, labelSelector: selector }),
    cluster.core.listNamespacedConfigMap({ namespace, labelSelector: selector }),
    cluster.core.listNamespacedServiceAccount({ namespace, labelSelector: selector }),
    cluster.rbac.listNamespacedRole({ namespace, labelSelector: selector }),
    cluster.rbac.listNamespacedRoleBinding({ namespace, labelSelector: selector }),
    cluster.core.listNamespacedPod({ namespace, labelSelector: LOCAL_PROCESS_LABEL }),
  ]);
  return [
    ...jobs.items.map((o) => `Job ${o.metadata?.name ?? ""}`),
    ...maps.items.map((o) => `ConfigMap ${o.metadata?.name ?? ""}`),
    ...accounts.items.map((o) => `ServiceAccount ${o.metadata?.name ?? ""}`),
    ...roles.items.map((o) => `Role ${o.metadata?.name ?? ""}`),
    ...bindings.items.map((o) => `RoleBinding ${o.metadata?.name ?? ""}`),
    ...pods.items.map((o) => `Pod ${o.metadata?.name ?? ""}`),
  ];
}

async function setup(runId: string): Promise<{ namespace: string; platform: KubernetesPlatform; jobs: JobBinding; ledger: Ledger; log: string[] }> {
  const namespace = `load-${runId}`;
  await cluster.core.createNamespace({ body: { metadata: { name: namespace } } });
  const platform = await KubernetesPlatform.connect({ cluster, namespace, allowedNamespaces: [namespace], runId, endpoint: () => url, podEndpoint: () => url, jobPodLabels: { [LOCAL_PROCESS_LABEL]: "node" } });
  const log: string[] = [];
  const jobs = new JobBinding({ cluster, namespace, log: (line) => log.push(line) }).start();
  return { namespace, platform, jobs, ledger: new Ledger(path.join(workDir, `${runId}.ledger.jsonl`)), log };
}

function distributed(platform: KubernetesPlatform, ledger: Ledger, runId: string, log: string[], duration: number): DistributedLoad {
  return new DistributedLoad({
    host: platform,
    base: { catalogue: catalogueSource(testLoadFlows, "test"), flow: "slow-order", executor: { executor: "constant-arrival-rate", rate: 20, timeUnit: 1_000, duration }, timeoutMs: 2_000, allowRemote: true },
    service: "test-server",
    maxVUs: 20,
    pods: 2,
    runId,
    readyWithinMs: 60_000,
    log: (line) => log.push(line),
    record: (job) => {
      const record = { runId, platform: "kubernetes", fault: "load-job", title: `load Job ${job}`, original: { job }, scope: platform.scope };
      const id = ledger.recordInjection(record);
      return (note) => ledger.recordRevert(id, { ...record, note });
    },
  });
}

test("two pods of an Indexed Job share the schedule: one engine's figures, every order, nothing left behind", async () => {
  test.setTimeout(180_000);
  const runId = `d${Date.now().toString(36)}`;
  const { namespace, platform, jobs, ledger, log } = await setup(runId);
  try {
    const before = issued.length;
    const load = distributed(platform, ledger, runId, log, 3_000);
    await load.start();
    // Recorded in the ledger before the Job existed; pods run as local processes.
    expect(ledger.entries().map((e) => `${e.event} ${e.fault} ${e.title}`)).toEqual([`inject load-job load Job ${load.jobName}`]);
    expect(jobs.pids().size).toBe(2);
    const movedAt = load.t0 + 1_500;
    load.setPhase("during", movedAt);
    const outcome = await load.done();

    expect(outcome.planned).toBe(60);
    expect(outcome.reached).toBe(60);
    const total = outcome.metrics.total();
    expect(total.scheduled).toBe(60);
    // Every arrival ran (or, on a stalled machine, was dropped and counted).
    expect(total.iterations + total.dropped_iterations).toBe(60);
    expect(total.http_reqs).toBe(total.iterations);
    expect(total.http_req_failed.passes).toBe(0);
    expect(total.http_req_duration.percentile(50)).toBeGreaterThanOrEqual(30);
    // Tagged by the run's clock: arrivals 50 ms apart from t0, so 30 before the move at 1.5 s and 30 after.
    expect(outcome.metrics.phases.get("before")?.scheduled).toBe(30);
    expect(outcome.metrics.phases.get("during")?.scheduled).toBe(30);
    // Every order the pods' flows placed, once.
    expect(outcome.orders.map((o) => o.orderId).sort()).toEqual(issued.slice(before).sort());
    expect(issued.length - before).toBe(total.iterations);
    // The binding set each pod's phase, so the Job controller completed the Job.
    expect(log.filter((l) => / Succeeded$/.test(l))).toHaveLength(2);
    expect(log).toContain(`load: Job ${namespace}/${load.jobName} complete`);
    // Gone: Job, pods, ConfigMaps, ServiceAccount, Role, RoleBinding; and the ledger says so.
    await expect.poll(() => leftovers(namespace), { timeout: 30_000 }).toEqual([]);
    expect(ledger.entries().map((e) => e.event)).toEqual(["inject", "revert"]);
    expect(jobs.pids().size).toBe(0);
  } finally {
    await jobs.stop();
    await platform.dispose();
  }
});

test("after a crash, the namespace restore removes the run's Job with its ConfigMaps and RBAC", async () => {
  test.setTimeout(180_000);
  const runId = `c${Date.now().toString(36)}`;
  const { namespace, platform, jobs, ledger, log } = await setup(runId);
  try {
    const load = distributed(platform, ledger, runId, log, 20_000);
    await load.start();
    expect((await leftovers(namespace)).some((l) => l.startsWith("Job "))).toBe(true);
    // The run "dies" here: nothing of it closes the load. Restore, as the janitor does for its run id.
    const { actions } = await restoreNamespace(cluster, namespace, { runIds: [runId] });
    expect(actions).toContain(`removed Job ${load.jobName} with its pods, ConfigMaps, ServiceAccount, Role and RoleBinding`);
    await expect.poll(() => leftovers(namespace), { timeout: 30_000 }).toEqual([]);
    // The pods' processes went with their pods.
    await expect.poll(() => jobs.pids().size, { timeout: 10_000 }).toBe(0);
    await load.close();
  } finally {
    await jobs.stop();
    await platform.dispose();
  }
});
