// `gameday run --platform kubernetes` end to end, as a facilitator or CI types it: two shipped
// scenarios through the embedded control plane, a verdict and exit code, faults recorded against the
// cluster and reverted, and nothing left running afterwards.
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { Ledger } from "../../helpers/ledger/ledger.ts";
import { killCommand } from "../../helpers/core/processes.ts";
import { deployEmbeddedTarget } from "../../helpers/platforms/kubernetes/embedded.ts";
import { ORIGINAL_ANNOTATION } from "../../helpers/platforms/kubernetes/original-state.ts";
import { LEASE_NAME } from "../../helpers/platforms/kubernetes/safety.ts";
import { sockShop } from "../../sock-shop/target.ts";
import { gameday } from "./support/kubernetes.ts";

const root = process.cwd();

/** Pids (not this one) whose environment mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return fs
    .readdirSync("/proc")
    .filter((p) => /^\d+$/.test(p) && Number(p) !== process.pid)
    .filter((p) => {
      try {
        return fs.readFileSync(`/proc/${p}/environ`, "utf8").includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test("gameday run --platform kubernetes: two scenarios pass through the API server, every fault reverted, nothing left running", async ({}, testInfo) => {
  test.setTimeout(8 * 60_000);
  const stateDir = testInfo.outputPath("state");
  const reports = testInfo.outputPath("reports");
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: reports };
  const scenarios = ["scenarios/queue-consumer-outage.yaml", "scenarios/queue-master-broken-build.yaml"];
  const { code, output } = await gameday(["run", "--platform", "kubernetes", ...scenarios], env);
  await testInfo.attach("gameday output", { body: output, contentType: "text/plain" });

  expect(code, output).toBe(0);
  expect(output).toContain("using the embedded Kubernetes control plane");
  expect(output).toContain("gameday verdict: passed (2 passed, 0 failed)");
  const verdict = JSON.parse(fs.readFileSync(path.join(reports, "verdict.json"), "utf8")) as { verdict: string; passed: number };
  expect(verdict).toMatchObject({ verdict: "passed", passed: 2 });

  const ledger = new Ledger(path.join(stateDir, "ledger.jsonl"));
  const injections = ledger.entries().filter((e) => e.event === "inject");
  expect(injections.map((e) => `${e.platform} ${e.fault}`).sort()).toEqual(["kubernetes broken-build", "kubernetes scale"]);
  for (const entry of injections) {
    expect(entry.scope, "where the fault landed, for a restore").toMatchObject({ context: "gameday-local", ephemeral: "true" });
    expect(entry.scope?.namespace).toMatch(/^gameday-/);
    expect(JSON.stringify(entry), "no credentials in the ledger").not.toMatch(/token|password/i);
  }
  expect(ledger.outstanding(), "every fault reverted").toEqual([]);
  await expect.poll(() => processesMentioning(stateDir), { timeout: 15_000, message: "control plane, services or broker of the run still running" }).toEqual([]);
});

test("gameday run --platform kubernetes SIGKILLed mid-fault: gameday restore closes the ledger and nothing of the run survives", { tag: "@long" }, async ({}, testInfo) => {
  test.setTimeout(5 * 60_000);
  const stateDir = testInfo.outputPath("state");
  const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports") };
  const cli = spawn(process.execPath, ["--import", "tsx", "bin/gameday.ts", "run", "--platform", "kubernetes", "scenarios/queue-consumer-outage.yaml"], {
    cwd: root,
    env,
    detached: true, // its own process group: the kill takes the CLI, the runner, its workers and what they started
    stdio: "ignore",
  });
  const ledgerFile = path.join(stateDir, "ledger.jsonl");
  await expect.poll(() => (fs.existsSync(ledgerFile) ? new Ledger(ledgerFile).outstanding().length : 0), { timeout: 180_000, message: "the fault was injected" }).toBe(1);
  killCommand(cli.pid ?? 0); // the CLI's group and Playwright's: no teardown anywhere
  await new Promise((resolve) => (cli.exitCode !== null || cli.signalCode !== null ? resolve(undefined) : cli.once("exit", resolve)));

  const { code, output } = await gameday(["restore"], env);
  expect(code, output).toBe(0);
  // The control plane runs in process groups of its own, so it may outlive the kill: then restore reverts
  // through it before the sweep stops it; if it went first, there is nothing left to revert in.
  expect(output).toMatch(/reverted: scale deployment queue-master to 0 \(run .*, kubernetes, .*\) — (the embedded control plane of run .* (is gone|no longer answers)|in gameday-local\/\S+: deployment queue-master back to 1 replica)/);
  expect(new Ledger(ledgerFile).outstanding(), output).toEqual([]);
  await expect.poll(() => processesMentioning(stateDir), { timeout: 15_000, message: "processes of the killed run" }).toEqual([]);
});

test("your own cluster: --kubeconfig, --namespace, --allow-namespace and --endpoint reach a cluster the run did not start", async ({}, testInfo) => {
  test.setTimeout(6 * 60_000);
  // A cluster of "yours": the Sock Shop deployed in namespace sock-shop, its processes bound to it, no lock held.
  const yours = await deployEmbeddedTarget({ target: sockShop, runId: `yours-${Date.now().toString(36)}`, workDir: testInfo.outputPath("cluster"), namespace: "sock-shop" });
  try {
    const endpoints = ["front-end", "rabbitmq", "rabbitmq-management", "queue-master"].map((s) => `${s}=${yours.local.endpoint(s)}`).join(",");
    const stateDir = testInfo.outputPath("state");
    const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports"), GAMEDAY_ENDPOINTS: endpoints };
    const cluster = ["--platform", "kubernetes", "--kubeconfig", yours.controlPlane.kubeconfigPath, "--namespace", "sock-shop"];

    const refused = await gameday(["run", ...cluster, "scenarios/queue-consumer-outage.yaml"], env);
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain('namespace "sock-shop" is not on the allowlist (nothing): add it with --allow-namespace sock-shop');
    await expect(yours.cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace: "sock-shop" }), "refused before taking the lock").rejects.toThrow(/404|not found/i);

    // Your monitoring too, read-only: the scenario's detect: is judged on "your" Prometheus and Alertmanager.
    const monitoring = yours.local.monitoringStack;
    expect(monitoring, "the embedded target runs its monitoring").toBeDefined();
    const watching = ["--prometheus", monitoring?.prometheusUrl ?? "", "--alertmanager", monitoring?.alertmanagerUrl ?? ""];
    const run = await gameday(["run", ...cluster, "--allow-namespace", "sock-shop", ...watching, "scenarios/queue-consumer-outage.yaml"], env);
    await testInfo.attach("gameday output", { body: run.output, contentType: "text/plain" });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/queue-consumer-outage: monitoring noticed in [\d.]+ s; notified in [\d.]+ s/);
    expect(run.output).not.toContain("embedded Kubernetes control plane");
    const [entry] = new Ledger(path.join(stateDir, "ledger.jsonl")).entries();
    expect(entry?.scope).toEqual({ server: yours.controlPlane.server, context: "gameday-local", kubeconfig: yours.controlPlane.kubeconfigPath, namespace: "sock-shop" });
    expect(new Ledger(path.join(stateDir, "ledger.jsonl")).outstanding()).toEqual([]);
    const queueMaster = await yours.cluster.apps.readNamespacedDeployment({ name: "queue-master", namespace: "sock-shop" });
    expect(queueMaster.spec?.replicas).toBe(1);
    expect(queueMaster.metadata?.annotations?.[ORIGINAL_ANNOTATION]).toBeUndefined();
    await expect(yours.cluster.coordination.readNamespacedLease({ name: LEASE_NAME, namespace: "sock-shop" }), "the lock is released").rejects.toThrow(/404|not found/i);
  } finally {
    await yours.stop();
  }
});
