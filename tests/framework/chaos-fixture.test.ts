// Meta-tests of the chaos fixture's guarantee: whatever happens in a game day (pass, failure,
// timeout, an ineffective fault, a revert that throws), every fault is reverted in teardown, last in
// first out. A small spec runs in a separate Playwright process against a recording fake platform,
// and its journal is checked here.
import { execFile } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";

const run = promisify(execFile);
const root = process.cwd();

const INLINE_SPEC = `
import fs from "node:fs";
import { test as base, expect } from ${JSON.stringify(path.join(root, "fixtures/index.ts"))};
const journal = (line) => fs.appendFileSync(process.env.JOURNAL, line + "\\n");
const fake = {
  name: "fake",
  deployment: (name) => Promise.resolve({ name, desired: 1, running: 1, ready: 1, restarts: 0, crashLooping: false }),
  scale: () => Promise.resolve({ previous: 1 }), logs: () => Promise.resolve([]), events: () => Promise.resolve([]),
  endpoint: () => "http://127.0.0.1:9", dispose: () => Promise.resolve(), [Symbol.asyncDispose]: () => Promise.resolve(),
};
function fault(name, { revertFails = false, effective = true } = {}) {
  return { kind: "recording", title: name, inject: async ({ ledger, runId }) => {
    const record = { runId, platform: "fake", fault: "recording", title: name, original: {} };
    const id = ledger.recordInjection(record);
    journal("inject " + name);
    return { title: name, injectedAt: Date.now(), original: {},
      proveEffect: async () => { if (!effective) throw new Error("FaultNotEffective: " + name + " did nothing"); return name + " applied"; },
      revert: async () => { journal("revert " + name); if (revertFails) throw new Error("revert of " + name + " failed"); ledger.recordRevert(id, record); } };
  } };
}
const test = base.extend({ platform: [async ({}, use) => use(fake), { scope: "worker" }] });
test("fails", async ({ chaos }) => { await chaos.inject(fault("f1")); await chaos.inject(fault("f2")); expect(1).toBe(2); });
test("times out", async ({ chaos }) => { test.setTimeout(1500); await chaos.inject(fault("t1")); await new Promise(() => {}); });
test("revert throws", async ({ chaos }) => { await chaos.inject(fault("r1")); await chaos.inject(fault("r2", { revertFails: true })); await chaos.inject(fault("r3")); });
test("ineffective", async ({ chaos }) => { await chaos.inject(fault("i1")); await chaos.inject(fault("i2", { effective: false })); journal("unreachable"); });
test("passes", async ({ chaos }) => { await chaos.inject(fault("p1")); await chaos.revertAll(); await chaos.revertAll(); });
`;

const INLINE_CONFIG = `
export default {
  testDir: ".", workers: 1, retries: 0, reporter: [["json", { outputFile: "results.json" }]],
  use: { launchOptions: { executablePath: process.env.GAMEDAY_CHROMIUM ?? "/usr/bin/chromium", args: ["--no-sandbox", "--disable-gpu"] } },
};
`;

test("faults are reverted in reverse order after a failure, a timeout, a throwing revert and an ineffective fault", async ({}, testInfo) => {
  const dir = testInfo.outputPath("inline");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "package.json"), '{ "type": "module" }');
  fs.writeFileSync(path.join(dir, "playwright.config.mjs"), INLINE_CONFIG);
  fs.writeFileSync(path.join(dir, "inline.spec.mjs"), INLINE_SPEC);
  const journalFile = path.join(dir, "journal.txt");
  const playwright = path.join(root, "node_modules/@playwright/test/cli.js");
  const env: NodeJS.ProcessEnv = { ...process.env, JOURNAL: journalFile, GAMEDAY_STATE_DIR: path.join(dir, "state") };
  delete env.CI;
  await run(process.execPath, [playwright, "test", "-c", path.join(dir, "playwright.config.mjs")], { cwd: dir, env, timeout: 90_000 }).catch(
    (error: { code?: number }) => expect(error.code, "the inline run fails: four of its tests fail on purpose").toBe(1),
  );

  const journal = fs.readFileSync(journalFile, "utf8").trim().split("\n");
  expect(journal).toEqual([
    "inject f1", "inject f2", "revert f2", "revert f1", // failed assertion
    "inject t1", "revert t1", // timeout
    "inject r1", "inject r2", "inject r3", "revert r3", "revert r2", "revert r1", // r2's revert throws, r1 still reverted
    "inject i1", "inject i2", "revert i2", "revert i1", // proof of effect failed: both still reverted
    "inject p1", "revert p1", // revertAll twice reverts once; teardown finds nothing
  ]);

  const report = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8")) as {
    suites: { specs: { title: string; tests: { results: { status: string; errors: { message?: string }[] }[] }[] }[] }[];
  };
  const outcome = Object.fromEntries(
    report.suites.flatMap((s) => s.specs).map((spec) => {
      const result = spec.tests[0]?.results[0];
      return [spec.title, `${result?.status}: ${(result?.errors.map((e) => e.message ?? "").join(" | ") ?? "").replace(/\x1b\[[0-9;]*m/g, "").split("\n")[0]}`];
    }),
  );
  expect(outcome["fails"]).toMatch(/^failed: Error: expect\(received\)\.toBe\(expected\)/);
  expect(outcome["times out"]).toMatch(/^timedOut: Test timeout of 1500ms exceeded/);
  expect(outcome["revert throws"]).toMatch(/^failed: .*HarnessError: 1 fault\(s\) failed to revert/);
  expect(outcome["ineffective"]).toMatch(/^failed: Error: FaultNotEffective: i2 did nothing/);
  expect(outcome["passes"]).toBe("passed: ");

  // Every injection the ledger saw was reverted, except r2 whose revert failed: that one stays outstanding for restore.
  const ledger = fs.readFileSync(path.join(dir, "state", "ledger.jsonl"), "utf8").trim().split("\n").map((l) => JSON.parse(l) as { id: string; event: string; title: string });
  const reverted = new Set(ledger.filter((e) => e.event === "revert").map((e) => e.id));
  expect(ledger.filter((e) => e.event === "inject" && !reverted.has(e.id)).map((e) => e.title)).toEqual(["r2"]);
});
