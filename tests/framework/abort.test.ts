// Stopping a game day early: abort-when conditions, `gameday abort`'s request file and a platform's
// remote switch all trip one GameDayAbort, which reverts at once and ends the game day as "aborted".
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { GameDayAbort, type AbortCondition } from "../../fixtures/abort.ts";
import { InvariantViolation } from "../../helpers/core/errors.ts";
import { classifyFailure, findingKind } from "../../helpers/report/verdict.ts";
import { pendingAbort, requestAbort, type RemoteKillSwitch } from "../../helpers/platforms/kill-switch.ts";
import { loadScenarioText } from "../../helpers/scenario/loader.ts";
import { formatPlan } from "../../helpers/scenario/plan.ts";
import { gameday } from "./support/cli.ts";

test.use({ trace: "off", screenshot: "off", video: "off" });

let stateDir: string;
test.beforeEach(() => {
  stateDir = fs.mkdtempSync(path.join(os.tmpdir(), "gameday-abort-"));
  process.env.GAMEDAY_STATE_DIR = stateDir;
});
test.afterEach(() => {
  delete process.env.GAMEDAY_STATE_DIR;
  fs.rmSync(stateDir, { recursive: true, force: true });
});

/** A probe whose readings the test scripts: the pure logic of the switch, no platform. */
function scripted(values: number[]): AbortCondition["probe"] {
  let i = 0;
  return { subject: "queue q", read: () => Promise.resolve({ depth: values[Math.min(i++, values.length - 1)] ?? 0 }) };
}
const deeper = (bound: number) => ({ description: `depth > ${bound}`, holds: (r: Record<string, unknown>) => Number(r.depth) > bound });

function abortFor(options: { killSwitch?: RemoteKillSwitch; since?: number } = {}) {
  const reverts: number[] = [];
  const marks: string[] = [];
  const abort = new GameDayAbort({
    target: "shop",
    since: options.since ?? Date.now() - 1,
    mark: (_kind, label) => marks.push(label),
    revertNow: () => {
      reverts.push(Date.now());
      return Promise.resolve();
    },
    killSwitch: options.killSwitch,
    pollMs: 20,
  });
  return { abort, reverts, marks };
}

test("a condition that holds for its `for` trips the switch once: one revert, an aborted finding naming it and the last value", async () => {
  const { abort, reverts, marks } = abortFor();
  abort.watchConditions([{ title: "queue q: depth > 5 for 50ms", probe: scripted([1, 9, 2, 9, 9, 9, 9, 9, 9, 9]), condition: deeper(5), forMs: 50, intervalMs: 10 }]);
  const ended = await abort.race(new Promise<never>(() => undefined)).catch((error: unknown) => error);
  await abort.stop();
  expect(ended).toBeInstanceOf(InvariantViolation);
  const error = ended as InvariantViolation;
  expect(error.kind).toBe("aborted");
  expect(error.message).toMatch(/^\[aborted\] the game day was aborted, every fault reverted at once: abort-when "queue q: depth > 5 for 50ms" held for \d+ ms; last value seen \{"depth":9\}$/);
  expect(classifyFailure([{ message: error.message, stack: `InvariantViolation: ${error.message}` }])).toBe("finding");
  expect(findingKind([{ message: `InvariantViolation: ${error.message}` }])).toBe("aborted");
  expect(reverts).toHaveLength(1);
  expect(marks[0]).toMatch(/^aborted: abort-when/);
  expect(() => abort.check()).toThrow(/\[aborted\]/);
});

test("a condition that never holds long enough, or a probe that cannot be read, never trips it", async () => {
  const { abort, reverts } = abortFor();
  const failing: AbortCondition["probe"] = { subject: "down", read: () => Promise.reject(new Error("connection refused")) };
  abort.watchConditions([
    { title: "flapping", probe: scripted([9, 1, 9, 1, 9, 1, 9, 1, 9, 1, 9, 1]), condition: deeper(5), forMs: 30, intervalMs: 10 },
    { title: "unreadable", probe: failing, condition: deeper(5), forMs: 0, intervalMs: 10 },
  ]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  await abort.stop();
  expect(abort.aborted).toBe(false);
  expect(reverts).toHaveLength(0);
  expect(await abort.race(Promise.resolve("finished"))).toBe("finished");
});

test("`gameday abort` writes a request every run on this machine obeys: its target's (or all), made after it started", async () => {
  const before = Date.now();
  expect(pendingAbort("shop", before)).toBeUndefined();
  const cli = await gameday(["abort", "--reason", "pager went off", "--target", "shop"], { ...process.env, GAMEDAY_STATE_DIR: stateDir });
  expect(cli.stdout).toContain("abort requested for every game day on target shop on this machine: pager went off");
  expect(cli.code).toBe(0);
  expect(pendingAbort("shop", before)?.reason).toBe("pager went off");
  expect(pendingAbort("other-target", before), "a request for one target stops no other").toBeUndefined();
  expect(pendingAbort("shop", Date.now() + 1), "a run started after the request ignores it").toBeUndefined();
  requestAbort("everything");
  expect(pendingAbort("other-target", before)?.reason).toBe("everything");

  const { abort, reverts } = abortFor({ since: before });
  abort.watchKillSwitches();
  const ended = await abort.race(new Promise<never>(() => undefined)).catch((error: unknown) => error as Error);
  await abort.stop();
  expect(ended.message).toMatch(/^\[aborted\] the game day was aborted, every fault reverted at once: gameday abort \(.+ pid \d+\): everything$/);
  expect(reverts).toHaveLength(1);
});

test("a platform's remote switch (the Lease annotation on Kubernetes) trips it with the reason set there", async () => {
  let reason: string | undefined;
  const remote: RemoteKillSwitch = { where: "Lease gameday-lock in namespace shop", requested: () => Promise.resolve(reason), request: (r) => Promise.resolve(void (reason = r)) };
  const { abort, reverts } = abortFor({ killSwitch: remote });
  abort.watchKillSwitches();
  await new Promise((resolve) => setTimeout(resolve, 100));
  expect(abort.aborted, "tripped before anyone pressed it").toBe(false);
  await remote.request("stop: checkout is down for real");
  const ended = await abort.race(new Promise<never>(() => undefined)).catch((error: unknown) => error as Error);
  await abort.stop();
  expect(ended.message).toBe("[aborted] the game day was aborted, every fault reverted at once: kill switch on Lease gameday-lock in namespace shop: stop: checkout is down for real");
  expect(reverts).toHaveLength(1);
});

test("abort-when is validated like any check, and the plan says what it stops on", () => {
  const text = fs.readFileSync("scenarios/queue-consumer-outage.yaml", "utf8") + "\nabort-when:\n  - probe: { kind: queue, name: shipping-task }\n    expect: { depht: { gt: 500 } }\n    for: 10s\n";
  expect(() => loadScenarioText(text, "x.yaml", { env: {} })).toThrow(/x\.yaml:\d+:15  abort-when\[0\]\.expect\.depht: a queue probe has no field "depht"  \[unknown_field\][\s\S]*fix: did you mean "depth"\?/);
  const good = loadScenarioText(text.replace("depht", "depth"), "x.yaml", { env: {} });
  expect(good.scenario["abort-when"]).toEqual([{ probe: expect.objectContaining({ kind: "queue", name: "shipping-task" }), expect: { depth: { gt: 500 } }, for: 10_000, interval: 100 }]);
  expect(formatPlan(good, { platform: "local", outstanding: 0, maxFaultMs: 600_000 })).toMatch(/abort when\s+queue shipping-task: depth > 500 for 10\.0 s: revert every fault at once, end as aborted \(a finding, exit 1\)/);
});
