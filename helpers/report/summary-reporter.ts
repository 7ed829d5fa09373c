// A Playwright reporter that turns the scenario tests of a run into the game-day summary: the
// outcomes as data (<reports>/gameday.json), one more entry in the trend (<reports>/history/) and
// the page (<reports>/summary.html). Runs without a scenario test (the framework's own tests) leave
// all three alone.
import fs from "node:fs";
import path from "node:path";
import type { FullResult, Reporter, TestCase, TestResult } from "@playwright/test/reporter";
import { FACILITATION_ENV, readFacilitation, withFacilitation } from "./facilitation.ts";
import { gameDayOf, type ScenarioOutcome } from "./game-day.ts";
import { appendHistory, readHistory, trendOf } from "./history.ts";
import { resilienceScore } from "./score.ts";
import { heldJudged, historyEntryOf, summaryPage } from "./summary-page.ts";
import { combine, type Verdict } from "./verdict.ts";

export interface SummaryReporterOptions {
  /** The reports directory: gameday.json, summary.html and history/ go there. */
  outputDir?: string;
}

/** The run's verdict from its scenarios (skipped ones do not vote). */
export function runVerdict(scenarios: readonly ScenarioOutcome[]): Verdict {
  const ran = scenarios.map((s) => s.verdict).filter((v): v is Verdict => v !== "skipped");
  return ran.length === 0 ? "harness error" : combine(ran);
}

export function writeSummary(dir: string, scenarios: ScenarioOutcome[], at = new Date().toISOString()): { page: string; score: number | null } {
  const score = resilienceScore(scenarios.map((s) => ({ severity: s.severity, standing: s.standing, ...heldJudged(s) })));
  const verdict = runVerdict(scenarios);
  const entry = historyEntryOf(scenarios, score, verdict, at);
  const historyDir = path.join(dir, "history");
  const trend = trendOf(readHistory(historyDir), entry);
  appendHistory(historyDir, entry);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "gameday.json"), JSON.stringify({ at, verdict, score, scenarios: scenarios.map(({ chartSvg: _svg, ...s }) => s) }, null, 2));
  const page = path.join(dir, "summary.html");
  fs.writeFileSync(page, summaryPage({ scenarios, score, verdict, at, trend, allureReport: "allure-report/index.html" }));
  return { page, score };
}

export default class SummaryReporter implements Reporter {
  private readonly outcomes = new Map<string, ScenarioOutcome>();

  constructor(private readonly options: SummaryReporterOptions = {}) {}

  onTestEnd(test: TestCase, result: TestResult): void {
    const outcome = gameDayOf(test, result);
    if (outcome) this.outcomes.set(test.id, outcome);
  }

  onEnd(_result: FullResult): void {
    if (this.outcomes.size === 0) return;
    // A facilitated run: the team's predictions (and notes, and an abort) join its scenario's outcome.
    const facilitation = readFacilitation(process.env[FACILITATION_ENV]);
    const outcomes = [...this.outcomes.values()].map((o) => (facilitation && path.resolve(o.file) === path.resolve(facilitation.scenario) ? withFacilitation(o, facilitation) : o));
    writeSummary(this.options.outputDir ?? "reports", outcomes);
  }

  printsToStdio(): boolean {
    return false;
  }
}
