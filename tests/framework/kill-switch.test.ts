// Stopping a running game day from outside, as a user would: `gameday abort` typed in another
// terminal, and an `abort-when:` condition in the scenario file. Either reverts every fault at once
// and ends the run as "aborted" (a finding, exit 1), saying why.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { cleanUp, embeddedKubeconfig, gameday, injected, ledgerIn, type Command } from "./support/terminal.ts";
import { controlPlaneBinDir } from "../../helpers/platforms/kubernetes/control-plane.ts";

const SCENARIO = "scenarios/queue-consumer-outage.yaml";

test.describe("stopping a game day from outside", () => {
  test.describe.configure({ mode: "serial" });

  test("gameday abort in another terminal: the running game day reverts at once and ends as aborted, with the reason", async ({}, testInfo) => {
    test.setTimeout(300_000);
    const stateDir = testInfo.outputPath("state");
    let run: Command | undefined;
    try {
      run = gameday(["run", SCENARIO], stateDir, testInfo);
      const running = run;
      await expect.poll(() => injected(stateDir), { timeout: 180_000, message: "the fault was injected" }).toBe(1);
      const other = gameday(["abort", "--reason", "the pager went off"], stateDir, testInfo);
      expect(await other.exit, other.output()).toBe(0);
      expect(other.output()).toContain("abort requested for every game day on this machine: the pager went off");
      const code = await running.exit;
      const output = running.output();
      expect(ledgerIn(stateDir).outstanding(), output).toEqual([]);
      expect(output).toMatch(/\[aborted\] the game day was aborted, every fault reverted at once: gameday abort \(.+\): the pager went off/);
      expect(code, output).toBe(1);
    } finally {
      await cleanUp(run, stateDir, testInfo);
    }
  });

  test("on Kubernetes, from another machine: the annotation on the lock Lease stops the game day holding it", async ({}, testInfo) => {
    test.setTimeout(400_000);
    await controlPlaneBinDir();
    const stateDir = testInfo.outputPath("state");
    let run: Command | undefined;
    try {
      run = gameday(["run", "--platform", "kubernetes", SCENARIO], stateDir, testInfo);
      const running = run;
      await expect.poll(() => injected(stateDir), { timeout: 300_000, message: "the fault was injected" }).toBe(1);
      // What another machine knows: the cluster (its kubeconfig) and the namespace. Not this machine's state directory.
      const kubeconfig = embeddedKubeconfig(stateDir) ?? "";
      expect(kubeconfig, "the embedded control plane wrote its kubeconfig").not.toBe("");
      const namespace = ledgerIn(stateDir).entries()[0]?.scope?.namespace ?? "";
      expect(namespace, "the ledger says where the fault was made").toMatch(/^gameday-/);
      const other = gameday(["abort", "--kubeconfig", kubeconfig, "--namespace", namespace, "--reason", "the on-call saw checkouts fail"], testInfo.outputPath("another-machine"), testInfo);
      expect(await other.exit, other.output()).toBe(0);
      expect(other.output()).toContain(`kill switch set: Lease gameday-lock in namespace ${namespace} (annotation gameday.dev/abort)`);
      const code = await running.exit;
      const output = running.output();
      expect(ledgerIn(stateDir).entries().map((e) => e.event), output).toEqual(["inject", "revert"]);
      expect(output).toMatch(/\[aborted\] the game day was aborted, every fault reverted at once: .*the on-call saw checkouts fail/);
      expect(code, output).toBe(1);
    } finally {
      await cleanUp(run, stateDir, testInfo);
    }
  });

  test("abort-when in the scenario: once its condition holds for its `for`, the faults revert and the game day ends as aborted", async ({}, testInfo) => {
    test.setTimeout(300_000);
    const stateDir = testInfo.outputPath("state");
    const file = testInfo.outputPath("queue-consumer-outage-abort-when.yaml");
    // The backlog this game day builds on purpose, bounded tightly enough that one order trips it.
    const abortWhen = "\nabort-when:\n  - probe: { kind: queue, name: shipping-task }\n    expect: { depth: { gt: 0 } }\n    for: 1s\n";
    fs.writeFileSync(file, fs.readFileSync(SCENARIO, "utf8").replace(/^name: .*$/m, "name: queue-consumer-outage-abort-when") + abortWhen);
    let run: Command | undefined;
    try {
      run = gameday(["run", file], stateDir, testInfo);
      const code = await run.exit;
      const output = run.output();
      expect(output).toMatch(/\[aborted\] the game day was aborted, every fault reverted at once: abort-when "queue shipping-task: depth > 0 for 1\.0+ s" held for [\d.]+ s; last value seen \{"exists":true,"depth":\d+/);
      expect(ledgerIn(stateDir).entries().map((e) => e.event), output).toEqual(["inject", "revert"]);
      expect(code, output).toBe(1);
    } finally {
      await cleanUp(run, stateDir, testInfo);
    }
  });
});
