// A Playwright reporter that turns test outcomes into the run's verdict (reports/verdict.json) and
// prints a closing "N passed, N failed" line.
import fs from "node:fs";
import path from "node:path";
import type { FullConfig, FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { loadSummaryOf, type PhaseSummary } from "../load/summary.ts";
import { keyTimesOf } from "./key-time-annotations.ts";
import { classifyFailure, combine, EXIT_CODES, findingKind, type Verdict } from "./verdict.ts";

interface TestVerdict {
  title: string;
  file: string;
  project: string;
  verdict: Verdict;
  kind?: string | undefined;
  message?: string | undefined;
  /** Key times in milliseconds (time to detect, recover, drain, resolve…), when the game day measured them. */
  times?: Record<string, number>;
  /** What the game day's load did, per phase of the fault clock (requests, rate, p50/p95/p99, errors, dropped). */
  load?: PhaseSummary[];
}

export default class VerdictReporter implements Reporter {
  private readonly results = new Map<string, TestVerdict>();
  private shard: FullConfig["shard"] = null;

  constructor(private readonly options: { outputFile?: string; quiet?: boolean } = {}) {}

  onBegin(config: FullConfig): void {
    this.shard = config.shard;
  }

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = test.outcome();
    const project = test.parent.project()?.name ?? "";
    const title = test.titlePath().slice(2).join(" › ");
    const times = keyTimesOf([...test.annotations, ...result.annotations]);
    const load = loadSummaryOf([...test.annotations, ...result.annotations]);
    const base = { title, file: path.relative(process.cwd(), test.location.file), project, ...(Object.keys(times).length > 0 ? { times } : {}), ...(load ? { load } : {}) };
    if (outcome === "skipped") return;
    if (outcome === "expected" || outcome === "flaky") {
      this.results.set(test.id, { ...base, verdict: "passed" });
      return;
    }
    const errors = result.errors.length > 0 ? result.errors : [{ message: `test ended with status ${result.status}` }];
    const verdict = result.status === "timedOut" ? "harness error" : classifyFailure(errors);
    this.results.set(test.id, {
      ...base,
      verdict,
      kind: findingKind(errors),
      message: (errors[0]?.message ?? "").split("\n")[0],
    });
  }

  onEnd(result: FullResult): void {
    const tests = [...this.results.values()];
    const failed = tests.filter((t) => t.verdict !== "passed");
    let verdict = combine(tests.map((t) => t.verdict));
    if (result.status !== "passed" && verdict === "passed") verdict = "harness error"; // e.g. a crashed worker, global setup
    // A run that ran nothing proves nothing; a shard may be left empty, and its merge judges the whole.
    if (tests.length === 0 && verdict === "passed" && !this.shard) verdict = "harness error";
    // `gameday run` names the suite, so `gameday merge` can tell the shards of one run from others.
    const suite = process.env.GAMEDAY_SUITE ? (JSON.parse(process.env.GAMEDAY_SUITE) as unknown) : undefined;
    const summary = { verdict, exitCode: EXIT_CODES[verdict], status: result.status, passed: tests.length - failed.length, failed: failed.length, tests, suite, shard: this.shard };
    const file = this.options.outputFile ?? path.join("reports", "verdict.json");
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify(summary, null, 2));
    if (this.options.quiet) return; // the game-day reporter prints for a person
    for (const t of failed) console.log(`  ${t.verdict}${t.kind ? ` (${t.kind})` : ""}: ${t.title}\n    ${t.message ?? ""}`);
    console.log(`verdict: ${verdict} (exit ${EXIT_CODES[verdict]})`);
    console.log(`${tests.length - failed.length} passed, ${failed.length} failed`);
  }

  printsToStdio(): boolean {
    return false;
  }
}
