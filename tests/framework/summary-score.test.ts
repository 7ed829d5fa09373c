// The resilience score and the trend as pure logic: bounded, weighted by severity, and a skipped or
// broken scenario never counts as resilient.
import fs from "node:fs";
import { expect, test } from "@playwright/test";
import type { ScenarioOutcome } from "../../helpers/report/game-day.ts";
import { appendHistory, readHistory, trendOf, type HistoryEntry } from "../../helpers/report/history.ts";
import { creditOf, resilienceScore, SEVERITY_WEIGHTS, type ScoredScenario, type Standing } from "../../helpers/report/score.ts";
import { executiveSummary } from "../../helpers/report/summary-page.ts";

const scenario = (standing: Standing, severity = "normal", held = 4, judged = 4): ScoredScenario => ({ standing, severity, held, judged });

test("every scenario passed: 100, and nothing else reaches 100", () => {
  expect(resilienceScore([scenario("resilient", "critical"), scenario("resilient", "minor")])).toBe(100);
  expect(resilienceScore([scenario("resilient", "blocker"), scenario("finding", "trivial", 9, 10)])).toBeLessThan(100);
  // floor, not round: 99.9 stays 99
  const many = [...Array.from({ length: 999 }, () => scenario("resilient", "trivial")), scenario("skipped", "trivial")];
  expect(resilienceScore(many)).toBe(99);
});

test("skipped, broken and invalid scenarios earn nothing, whatever their expectations", () => {
  for (const standing of ["skipped", "broken", "invalid"] as const) {
    expect(creditOf(scenario(standing, "normal", 10, 10))).toBe(0);
    expect(resilienceScore([scenario(standing)])).toBe(0);
    expect(resilienceScore([scenario("resilient"), scenario(standing)])).toBe(50);
  }
});

test("a finding earns at most half: ½ × held / judged, and nothing when nothing was judged", () => {
  expect(creditOf(scenario("finding", "normal", 3, 4))).toBe(0.375);
  expect(creditOf(scenario("known finding", "normal", 4, 4))).toBe(0.5);
  expect(creditOf(scenario("finding", "normal", 0, 0))).toBe(0);
  // Nonsense counts cannot push a credit out of [0, 1].
  expect(creditOf(scenario("finding", "normal", 12, 4))).toBe(0.5);
  expect(creditOf(scenario("finding", "normal", -3, 4))).toBe(0);
});

test("weights follow severity; an unknown severity weighs as normal; the score stays in [0, 100]", () => {
  // critical (5) resilient, minor (2) broken: floor(100 × 5 / 7) = 71
  expect(resilienceScore([scenario("resilient", "critical"), scenario("broken", "minor")])).toBe(71);
  expect(resilienceScore([scenario("broken", "critical"), scenario("resilient", "minor")])).toBe(28);
  expect(resilienceScore([scenario("resilient", "whatever"), scenario("broken", "normal")])).toBe(50);
  expect(SEVERITY_WEIGHTS.blocker).toBeGreaterThan(SEVERITY_WEIGHTS.critical);
  const standings: Standing[] = ["resilient", "finding", "known finding", "broken", "invalid", "skipped"];
  for (let i = 0; i < 200; i++) {
    const run = Array.from({ length: 1 + (i % 7) }, (_, j) => scenario(standings[(i * 7 + j) % standings.length] ?? "resilient", Object.keys(SEVERITY_WEIGHTS)[(i + j) % 5], (i * j) % 5, (i + j) % 5));
    const score = resilienceScore(run);
    expect(score).not.toBeNull();
    expect(score).toBeGreaterThanOrEqual(0);
    expect(score).toBeLessThanOrEqual(100);
  }
});

test("a run with no scenario has no score, never 100", () => {
  expect(resilienceScore([])).toBeNull();
});

test("history: each run its own file, read back oldest first; the trend compares with the runs before", () => {
  const dir = test.info().outputPath("history");
  const entry = (at: string, score: number, drain: number): HistoryEntry => ({
    at,
    score,
    verdict: "passed",
    scenarios: [{ name: "outage", file: "scenarios/outage.yaml", severity: "critical", standing: "resilient", times: { drain } }],
  });
  appendHistory(dir, entry("2026-12-01T10:00:00.000Z", 80, 4_000));
  appendHistory(dir, entry("2026-12-01T09:00:00.000Z", 60, 9_000));
  appendHistory(dir, entry("2026-12-01T10:00:00.000Z", 90, 3_000)); // same instant: a second file, not an overwrite
  fs.writeFileSync(`${dir}/broken.json`, "{ half written");
  const history = readHistory(dir);
  expect(history.map((h) => h.score)).toEqual([60, 80, 90]);
  const current = entry("2026-12-01T11:00:00.000Z", 100, 2_000);
  const trend = trendOf(history, current, 2);
  expect(trend.scores.map((s) => s.score)).toEqual([80, 90, 100]);
  expect(trend.previous).toBe(90);
  expect(trend.times.get("outage")?.map((t) => t.times.drain)).toEqual([4_000, 3_000, 2_000]);
  expect(trendOf([], current).previous).toBeUndefined();
});

test("the executive summary is composed from the results: findings first by severity, then what did not run", () => {
  const outcome = (name: string, standing: Standing, severity: string, extra: Partial<ScenarioOutcome> = {}): ScenarioOutcome => ({
    name, file: `scenarios/${name}.yaml`, line: 2, target: "shop", severity, hypothesis: "", project: "p", status: "passed",
    verdict: standing === "resilient" ? "passed" : standing === "finding" ? "finding" : standing === "skipped" ? "skipped" : "harness error",
    standing, kind: undefined, message: undefined, skipReason: undefined, expectedFinding: undefined, durationMs: 1_000, startedAt: "", times: {}, phases: [], rows: [], chartSvg: undefined, ...extra,
  });
  const text = executiveSummary({
    scenarios: [
      outcome("steady", "resilient", "normal", { times: { drain: 1_500 } }),
      outcome("slow-drain", "finding", "critical", { kind: "recovery", rows: [{ section: "after", path: "after[0]", line: 30, expected: "eventually: queue q the backlog drains within 3.0 s", observed: "not reached after 3.0 s; last value seen {\"depth\":4}", evidence: "", outcome: "violated", durationMs: 3_000 }] }),
      outcome("no-cluster", "skipped", "minor"),
      outcome("not-ready", "broken", "normal", { message: "environment not ready: queue q missing" }),
    ],
    score: 42,
    trend: { scores: [], previous: 57, times: new Map() },
  });
  expect(text).toContain("4 scenarios ran against shop.");
  expect(text).toContain("The system held in steady.");
  expect(text).toContain("Finding (critical, recovery): in slow-drain, expected queue q the backlog drains within 3.0 s, observed not reached after 3.0 s");
  expect(text).toContain("not-ready did not run to a verdict (environment not ready: queue q missing)");
  expect(text).toContain("no-cluster was skipped and counts as not resilient.");
  expect(text).toContain("steady: drained in 1.5 s.");
  expect(text).toContain("Resilience score: 42 of 100, down from 57 in the previous run.");
  expect(executiveSummary({ scenarios: [], score: null, trend: { scores: [], previous: undefined, times: new Map() } })).toMatch(/No scenario ran/);
});
