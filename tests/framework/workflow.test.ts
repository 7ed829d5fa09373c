// The GitHub Actions workflow users copy (.github/workflows/gameday.yml), checked by actionlint (built
// from tools/actionlint like the other Go tools) and against what it must say: every shard in the
// matrix, the same Debian packages the README's install uses, the merge that fails the job.
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { expect, test } from "@playwright/test";
import YAML from "yaml";

const WORKFLOW = ".github/workflows/gameday.yml";
const run = promisify(execFile);

function actionlint(): string {
  return execFileSync("bash", ["tools/actionlint/build.sh"], { stdio: ["ignore", "pipe", "inherit"], timeout: 600_000 }).toString().trim();
}

async function lint(file: string): Promise<{ code: number; output: string }> {
  try {
    const { stdout } = await run(actionlint(), ["-no-color", file]);
    return { code: 0, output: stdout };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? -1, output: `${failed.stdout ?? ""}${failed.stderr ?? ""}` };
  }
}

test("actionlint passes the workflow, and fails a broken copy naming the line", async ({}, testInfo) => {
  test.setTimeout(600_000); // the first call builds actionlint (about a minute), later ones reuse it
  const clean = await lint(WORKFLOW);
  expect(clean, clean.output).toEqual({ code: 0, output: "" });

  const text = fs.readFileSync(WORKFLOW, "utf8");
  const broken = testInfo.outputPath("broken.yml");
  const misspelt = text.replace('"${{ matrix.shard }}/$SHARDS"', '"${{ matrix.shards }}/$SHARDS"');
  expect(misspelt, "the line this test breaks is still there").not.toBe(text);
  fs.writeFileSync(broken, misspelt);
  const line = misspelt.split("\n").findIndex((l) => l.includes("matrix.shards")) + 1;
  const result = await lint(broken);
  expect(result.code, result.output).toBe(1);
  expect(result.output).toContain(`${path.relative(process.cwd(), broken)}:${line}:`);
  expect(result.output).toMatch(/property "shards" is not defined/);
});

test("the workflow runs every shard, installs what .ci/run installs, and fails the job on the merged verdict", () => {
  interface Step {
    name?: string;
    run?: string;
    uses?: string;
    "continue-on-error"?: boolean;
  }
  interface Job {
    needs?: string;
    if?: string;
    strategy?: { matrix: { shard: number[] } };
    steps: Step[];
  }
  const workflow = YAML.parse(fs.readFileSync(WORKFLOW, "utf8")) as { env: { SHARDS: number }; jobs: { shard: Job; merge: Job } };
  const { shard, merge } = workflow.jobs;
  const shards = workflow.env.SHARDS;
  expect(shard.strategy?.matrix.shard, "the matrix lists every shard once").toEqual(Array.from({ length: shards }, (_, i) => i + 1));

  const ci = fs.readFileSync(path.join(".ci", "run"), "utf8");
  // What game days need; "test-only" packages (tmux, for the terminal-driven tests) a shard job does not.
  const gameDayLines = ci.split("\n").filter((line) => !line.includes("# test-only")).join("\n");
  const debian = [...gameDayLines.matchAll(/need\+=\(([\w-]+)\)/g)].map((m) => m[1]);
  expect(debian.length).toBeGreaterThan(0);
  const install = shard.steps.map((s) => s.run ?? "").join("\n");
  for (const pkg of debian) expect(install, `the shard job installs ${pkg}, as .ci/run does`).toContain(pkg);

  const runStep = shard.steps.find((s) => s.run?.includes("bin/gameday.ts run"));
  expect(runStep?.run).toContain('--shard "${{ matrix.shard }}/$SHARDS"');
  expect(runStep?.["continue-on-error"], "a shard's verdict is judged in the merge").toBe(true);
  expect(shard.steps.some((s) => s.uses?.startsWith("actions/upload-artifact") && s.name === undefined)).toBe(true);

  expect(merge.needs).toBe("shard");
  expect(merge.if, "the merge runs when a shard failed").toContain("!cancelled()");
  const mergeStep = merge.steps.find((s) => s.run?.includes("bin/gameday.ts merge"));
  expect(mergeStep?.["continue-on-error"], "the merged verdict fails the job").toBeUndefined();
  expect(merge.steps.some((s) => s.uses?.startsWith("actions/download-artifact"))).toBe(true);
});
