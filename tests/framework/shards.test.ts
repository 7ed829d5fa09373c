// Sharded release gates: `gameday run --shard i/n` on several runners, `gameday merge` into one
// report, one verdict and one exit code. The merge's rules as pure logic, then two real shards run
// in parallel and merged as a CI pipeline would.
import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ScenarioError } from "../../helpers/core/errors.ts";
import { mergeJunit, mergeVerdicts, parseShard, type SuiteIdentity, type VerdictFile } from "../../helpers/report/shards.ts";
import { gameday } from "./support/cli.ts";

const SUITE: SuiteIdentity = { gameday: "0.1.0", commit: "abc", platform: "local", scenarios: ["a", "b"], selection: "f00d" };

function shard(current: number, total: number, verdict: VerdictFile["verdict"], titles: string[], suite: SuiteIdentity = SUITE): VerdictFile {
  const tests = titles.map((title) => ({ title, verdict }));
  return { verdict, exitCode: 0, passed: 0, failed: 0, tests, suite, shard: { current, total } };
}

test("parseShard: i/n with 1 ≤ i ≤ n, anything else refused saying what is expected", () => {
  expect(parseShard("2/3")).toEqual({ current: 2, total: 3 });
  for (const bad of ["0/2", "3/2", "1/0", "1-2", "a/b", "1/2/3", ""]) {
    expect(() => parseShard(bad), bad).toThrow(ScenarioError);
    expect(() => parseShard(bad), bad).toThrow(`--shard ${bad}: expected i/n with 1 ≤ i ≤ n`);
  }
});

test("mergeVerdicts: every shard once, the least trustworthy verdict wins, the tests of all shards", () => {
  const merged = mergeVerdicts([
    { dir: "r2", verdict: shard(2, 2, "finding", ["b"]) },
    { dir: "r1", verdict: shard(1, 2, "passed", ["a"]) },
  ]);
  expect(merged).toMatchObject({ verdict: "finding", exitCode: 1, passed: 1, failed: 1, shards: ["1/2: r1", "2/2: r2"], suite: SUITE });
  expect(merged.tests.map((t) => t.title)).toEqual(["b", "a"]);
  expect(mergeVerdicts([{ dir: "r1", verdict: shard(1, 2, "passed", []) }, { dir: "r2", verdict: shard(2, 2, "passed", []) }]).verdict, "shards that ran nothing prove nothing").toBe(
    "harness error",
  );
});

test("mergeVerdicts refuses shards of different suites or versions, a shard twice or missing, and a run that was not a shard", () => {
  const refused = (parts: { dir: string; verdict: VerdictFile }[]): string => {
    try {
      mergeVerdicts(parts);
    } catch (error) {
      expect(error).toBeInstanceOf(ScenarioError);
      return (error as Error).message;
    }
    throw new Error("expected a refusal");
  };
  expect(refused([{ dir: "r1", verdict: shard(1, 2, "passed", ["a"]) }, { dir: "r2", verdict: shard(2, 2, "passed", ["b"], { ...SUITE, gameday: "0.2.0" }) }])).toBe(
    "r2 ran another suite than r1:\n" +
      "  r1: gameday 0.1.0 (abc) on local, 2 scenario(s) [a, b], selection f00d\n" +
      "  r2: gameday 0.2.0 (abc) on local, 2 scenario(s) [a, b], selection f00d\n" +
      "merge the shards of one run (same version, platform, scenarios and variables)",
  );
  expect(refused([{ dir: "r1", verdict: shard(1, 2, "passed", ["a"]) }, { dir: "r2", verdict: shard(2, 2, "passed", ["b"], { ...SUITE, selection: "beef" }) }])).toContain("r2 ran another suite than r1");
  expect(refused([{ dir: "r1", verdict: shard(1, 2, "passed", ["a"]) }, { dir: "again", verdict: shard(1, 2, "passed", ["a"]) }])).toBe("shard 1/2 given twice: r1 and again");
  expect(refused([{ dir: "r1", verdict: shard(1, 3, "passed", ["a"]) }, { dir: "r3", verdict: shard(3, 3, "passed", ["b"]) }])).toBe(
    "shard(s) 2/3 missing: a merged verdict needs every shard (given: 1/3, 3/3)",
  );
  expect(refused([{ dir: "r1", verdict: shard(1, 2, "passed", ["a"]) }, { dir: "r2", verdict: shard(2, 3, "passed", ["b"]) }])).toBe("r2 is shard 2/3, r1 is shard 1/2: merge the shards of one run");
  expect(refused([{ dir: "plain", verdict: { ...shard(1, 1, "passed", ["a"]), shard: null } }])).toBe("plain/verdict.json is not a shard: run it with gameday run --shard i/n");
  expect(refused([])).toContain("name the shards' reports directories");
});

test("mergeJunit: the shards' suites side by side, the counts summed", () => {
  const junit = (tests: number, failures: number, body: string): string =>
    `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites id="" name="" tests="${tests}" failures="${failures}" skipped="0" errors="0" time="1.5">\n${body}\n</testsuites>\n`;
  const merged = mergeJunit([
    { name: "r1", xml: junit(1, 0, '<testsuite name="a" tests="1"></testsuite>') },
    { name: "r2", xml: junit(2, 1, '<testsuite name="b" tests="2"></testsuite>') },
  ]);
  expect(merged).toContain('<testsuites id="gameday" name="gameday (merged shards)" tests="3" failures="1" skipped="0" errors="0" time="3.000">');
  expect(merged).toContain('<testsuite name="a" tests="1"></testsuite>\n<testsuite name="b" tests="2"></testsuite>');
  expect(() => mergeJunit([{ name: "r3", xml: "<html></html>" }])).toThrow("r3: not a JUnit file with a <testsuites> root");
});

/** A game day small enough to shard in a test: a deployment scaled to two replicas and back, no journeys. */
function scaleScenario(dir: string, deployment: string): string {
  const file = path.join(dir, `shard-${deployment}.yaml`);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    file,
    `name: shard-scale-${deployment}
description: ${deployment} scales to two replicas and back.
target: sock-shop
steady-state:
  - { mode: eventually, probe: { kind: deployment, name: ${deployment} }, expect: { ready: 1 }, within: 30s }
faults:
  - { kind: scale, deployment: ${deployment}, replicas: 2 }
during:
  invariants:
    - { mode: eventually, description: both replicas serve, probe: { kind: deployment, name: ${deployment} }, expect: { ready: 2 }, within: 20s }
after:
  - { mode: eventually, description: back to one replica, probe: { kind: deployment, name: ${deployment} }, expect: { ready: 1, running: 1 }, within: 20s }
`,
  );
  return file;
}

test("two shards run in parallel, merged: one report, one JUnit file, one verdict and exit code; a foreign or missing shard is refused", async ({}, testInfo) => {
  test.setTimeout(480_000);
  const scenarios = ["orders", "carts"].map((deployment) => scaleScenario(testInfo.outputPath("scenarios"), deployment));
  const reports = (i: number): string => testInfo.outputPath(`shard-${i}`);
  const envFor = (i: number): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, GAMEDAY_REPORTS_DIR: reports(i), GAMEDAY_STATE_DIR: testInfo.outputPath(`state-${i}`) };
    delete env.CI;
    return env;
  };
  const shards = await Promise.all([1, 2].map((i) => gameday(["run", "--shard", `${i}/2`, ...scenarios], envFor(i))));
  for (const [i, run] of shards.entries()) {
    expect(run.code, run.output).toBe(0);
    expect(run.stdout).toContain(`shard ${i + 1}/2: one verdict for the run with gameday merge`);
  }
  const ran = [1, 2].map((i) => (JSON.parse(fs.readFileSync(path.join(reports(i), "verdict.json"), "utf8")) as VerdictFile).tests.map((t) => t.title.split(" › ").at(-1)));
  expect(ran.map((titles) => titles.length), "each shard ran one of the two scenarios").toEqual([1, 1]);
  expect(ran.flat().sort()).toEqual(["shard-scale-carts", "shard-scale-orders"]);

  const out = testInfo.outputPath("merged");
  const merged = await gameday(["merge", reports(1), reports(2), "--out", out], envFor(0));
  expect(merged.code, merged.output).toBe(0);
  expect(merged.stdout).toContain("gameday verdict: passed (2 passed, 0 failed) over 2 shard(s)");
  const verdict = JSON.parse(fs.readFileSync(path.join(out, "verdict.json"), "utf8")) as VerdictFile;
  expect(verdict).toMatchObject({ verdict: "passed", exitCode: 0, passed: 2, failed: 0 });
  const junit = fs.readFileSync(path.join(out, "junit", "results.xml"), "utf8");
  expect(junit).toMatch(/<testsuites id="gameday" name="gameday \(merged shards\)" tests="2" failures="0"/);
  expect(junit).toContain("shard-scale-orders");
  expect(junit).toContain("shard-scale-carts");
  const html = fs.readFileSync(path.join(out, "allure-report", "index.html"), "utf8");
  expect(html.length, "the report was built").toBeGreaterThan(10_000);
  await testInfo.attach("merged verdict.json", { path: path.join(out, "verdict.json"), contentType: "application/json" });

  // Shard 2 of another selection (another variable): refused, nothing merged over the good report.
  const foreign = testInfo.outputPath("foreign");
  fs.cpSync(reports(2), foreign, { recursive: true });
  const file = path.join(foreign, "verdict.json");
  const other = JSON.parse(fs.readFileSync(file, "utf8")) as VerdictFile & { suite: SuiteIdentity };
  fs.writeFileSync(file, JSON.stringify({ ...other, suite: { ...other.suite, selection: "0".repeat(64) } }));
  const refused = await gameday(["merge", reports(1), foreign, "--out", testInfo.outputPath("refused")], envFor(0));
  expect(refused.code, refused.output).toBe(2);
  expect(refused.stderr).toContain(`${foreign} ran another suite than ${reports(1)}`);
  const missing = await gameday(["merge", reports(1), "--out", testInfo.outputPath("refused")], envFor(0));
  expect(missing.code, missing.output).toBe(2);
  expect(missing.stderr).toContain("shard(s) 2/2 missing");
  expect(fs.existsSync(testInfo.outputPath("refused")), "a refused merge writes nothing").toBe(false);
});
