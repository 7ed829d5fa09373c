// Interrupts sent the way a terminal sends them: Ctrl-C is a SIGINT to the whole foreground process
// group, so each command here is its own group's leader (spawned detached) and gets
// process.kill(-pgid, "SIGINT"). What must hold: journeys stop, the faults revert, the stack stops
// after them, the command says "interrupted" and returns; a second Ctrl-C exits at once and
// `gameday restore` repairs what it left; `gameday up` + Ctrl-C says "stopped" and leaves nothing.
// Bounds are generous on purpose: the speed of an interrupt is measured, not asserted, here.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import { cleanUp, ctrlC, expectNothingLeft, gameday, injected, ledgerIn, processesOf } from "./support/terminal.ts";
import { controlPlaneBinDir } from "../../helpers/platforms/kubernetes/control-plane.ts";
import { killCommand } from "../../helpers/core/processes.ts";
import { TmuxTerminal } from "./support/tmux.ts";

const SCENARIO = "scenarios/queue-consumer-outage.yaml";

test.describe("interrupts as a terminal sends them", () => {
  test.describe.configure({ mode: "serial" });

  test("local run, Ctrl-C during the fault: journeys stop, the fault reverts, the stack stops, verdict interrupted", async ({}, testInfo) => {
    test.setTimeout(300_000);
    const stateDir = testInfo.outputPath("state");
    const run = gameday(["run", SCENARIO], stateDir, testInfo);
    try {
      await expect.poll(() => injected(stateDir), { timeout: 180_000, message: "the fault was injected" }).toBe(1);
      expect(processesOf(stateDir).length, "the run's stack is up").toBeGreaterThan(5);
      ctrlC(run);
      const code = await run.exit;
      const output = run.output();
      expect(ledgerIn(stateDir).outstanding(), output).toEqual([]);
      expect(ledgerIn(stateDir).entries().map((e) => e.event)).toEqual(["inject", "revert"]);
      const said = (text: string): number => output.indexOf(text);
      expect(said("gameday: Ctrl-C: interrupted"), output).toBeGreaterThanOrEqual(0);
      expect(said("✓ revert: scale deployment queue-master to 0"), output).toBeGreaterThan(said("gameday: Ctrl-C: interrupted"));
      expect(said("gameday verdict: interrupted (Ctrl-C"), output).toBeGreaterThan(said("✓ revert: scale deployment queue-master to 0"));
      expect(output).toContain("every fault was reverted; the stack is stopped");
      expect(code, output).toBe(3);
      await expectNothingLeft(stateDir);
    } finally {
      await cleanUp(run, stateDir, testInfo);
    }
  });

  test("local run, Ctrl-C twice: exits at once saying what is left, and gameday restore repairs it", { tag: "@long" }, async ({}, testInfo) => {
    test.setTimeout(300_000);
    const stateDir = testInfo.outputPath("state");
    const run = gameday(["run", SCENARIO], stateDir, testInfo);
    try {
      await expect.poll(() => injected(stateDir), { timeout: 180_000, message: "the fault was injected" }).toBe(1);
      ctrlC(run);
      await expect.poll(run.output, { timeout: 10_000 }).toContain("gameday: Ctrl-C: interrupted");
      // A person's second Ctrl-C: later than the wrappers' relays of the first (SAME_INTERRUPT_MS).
      await new Promise((r) => setTimeout(r, 1_200));
      ctrlC(run);
      const secondAt = performance.now();
      const code = await run.exit;
      const exitedAfterMs = performance.now() - secondAt;
      expect(run.output()).toContain("gameday: Ctrl-C again: exited at once");
      expect(run.output()).toMatch(/Still applied, by the ledger: scale deployment queue-master to 0|The ledger holds no applied fault/);
      expect(run.output()).toContain("bin/gameday.ts restore` reverts what is left");
      expect(code).toBe(3);
      // At once: no teardown, no report. Generous, yet far below an orderly stop of the stack.
      expect(exitedAfterMs).toBeLessThan(10_000);
      const restore = gameday(["restore"], stateDir, testInfo);
      expect(await restore.exit, restore.output()).toBe(0);
      expect(ledgerIn(stateDir).outstanding(), restore.output()).toEqual([]);
      await expectNothingLeft(stateDir);
    } finally {
      await cleanUp(run, stateDir, testInfo);
    }
  });

  test("local run, the terminal closed during the fault (SIGHUP): the fault reverts and the stack stops all the same", async ({}, testInfo) => {
    test.setTimeout(300_000);
    const stateDir = testInfo.outputPath("state");
    const { CI: _ci, ...rest } = process.env;
    const env = { ...rest, GAMEDAY_STATE_DIR: stateDir, GAMEDAY_REPORTS_DIR: testInfo.outputPath("reports") };
    // A real terminal, closed under the run: the pane's process group gets SIGHUP, and every later write to it fails.
    const terminal = new TmuxTerminal([process.execPath, "--import", "tsx", "bin/gameday.ts", "run", SCENARIO], { cwd: process.cwd(), env, dir: testInfo.outputPath("terminal") });
    try {
      await expect.poll(() => injected(stateDir), { timeout: 180_000, message: "the fault was injected" }).toBe(1);
      terminal.close();
      await expect.poll(() => ledgerIn(stateDir).entries().map((e) => e.event), { timeout: 120_000, message: "the fault was reverted after the terminal closed" }).toEqual(["inject", "revert"]);
      await expect.poll(() => processesOf(stateDir), { timeout: 120_000, message: "the run stopped everything it started" }).toEqual([]);
      await expectNothingLeft(stateDir);
      // Interrupted, not played to its end unwatched: Playwright got the orderly stop (journeys stopped, then the revert).
      const verdict = JSON.parse(fs.readFileSync(testInfo.outputPath("reports", "verdict.json"), "utf8")) as { status: string };
      expect(verdict.status, "the run was stopped when the terminal closed").toBe("interrupted");
    } finally {
      terminal.close();
      const left = processesOf(stateDir).map((p) => Number(p.split(" ")[0]));
      for (const pid of left) killCommand(pid);
      if (left.length > 0) await gameday(["restore"], stateDir, testInfo).exit;
    }
  });

  test.describe("on the embedded Kubernetes control plane", () => {
    test.beforeAll(async () => {
      test.setTimeout(900_000);
      await controlPlaneBinDir();
    });

    test("kubernetes run, Ctrl-C during the fault: reverted through the API server, then the control plane stops", async ({}, testInfo) => {
      test.setTimeout(400_000);
      const stateDir = testInfo.outputPath("state");
      const run = gameday(["run", "--platform", "kubernetes", SCENARIO], stateDir, testInfo);
      try {
        await expect.poll(() => injected(stateDir), { timeout: 300_000, message: "the fault was injected" }).toBe(1);
        const apiServers = () => processesOf(stateDir).filter((p) => p.includes("kube-apiserver"));
        expect(apiServers(), "the embedded API server runs").toHaveLength(1);
        ctrlC(run);
        const code = await run.exit;
        const output = run.output();
        const [inject, revert] = ledgerIn(stateDir).entries();
        expect([inject?.event, revert?.event], output).toEqual(["inject", "revert"]);
        expect(inject?.platform).toBe("kubernetes");
        expect(inject?.original, "the replica count the revert restores").toMatchObject({ deployment: "queue-master", replicas: 1 });
        // The run reverted through the API server (a failed revert reports ✘ and leaves the ledger open).
        expect(output).toContain("✓ revert: scale deployment queue-master to 0");
        expect(output.indexOf("gameday verdict: interrupted (Ctrl-C")).toBeGreaterThan(output.indexOf("✓ revert: scale deployment queue-master to 0"));
        expect(code, output).toBe(3);
        await expectNothingLeft(stateDir);
      } finally {
        await cleanUp(run, stateDir, testInfo);
      }
    });

    test("gameday up --platform kubernetes, Ctrl-C: says stopped and leaves nothing running", { tag: "@long" }, async ({}, testInfo) => {
      test.setTimeout(300_000);
      const stateDir = testInfo.outputPath("state");
      const up = gameday(["up", "--platform", "kubernetes"], stateDir, testInfo);
      try {
        await expect.poll(up.output, { timeout: 240_000, message: "the stack came up" }).toContain("Ctrl-C stops everything.");
        const running = processesOf(stateDir);
        expect(running.filter((p) => p.includes("kube-apiserver")), "the embedded API server runs").toHaveLength(1);
        expect(running.filter((p) => p.includes("beam.smp")), "the private RabbitMQ node runs").toHaveLength(1);
        ctrlC(up);
        const code = await up.exit;
        expect(up.output()).toContain("Ctrl-C: stopping the Sock Shop");
        expect(up.output().trimEnd().split("\n").at(-1)).toBe("stopped");
        expect(code, up.output()).toBe(0);
        await expectNothingLeft(stateDir);
      } finally {
        await cleanUp(up, stateDir, testInfo);
      }
    });
  });
});
