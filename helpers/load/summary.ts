// What a load did, per phase of the fault clock: a table for people (requests, rate, p50/p95/p99,
// errors, dropped) and a JSON summary in k6's spirit (metric → tag → values) for machines.
import type { LoadOutcome } from "./engine.ts";
import { LOAD_PHASES } from "./thresholds.ts";
import type { PhaseMetrics } from "./metrics.ts";
import type { ThresholdResult } from "./thresholds.ts";

/** The test annotation whose description carries the per-phase summary (JSON) to verdict.json. */
export const LOAD_SUMMARY_ANNOTATION = "gameday.load-summary";

/** The per-phase summary among a test's annotations, when the game day ran a load. */
export function loadSummaryOf(annotations: readonly { type: string; description?: string | undefined }[]): PhaseSummary[] | undefined {
  const found = annotations.find((a) => a.type === LOAD_SUMMARY_ANNOTATION)?.description;
  if (found === undefined) return undefined;
  try {
    return JSON.parse(found) as PhaseSummary[];
  } catch {
    return undefined;
  }
}

export interface PhaseSummary {
  phase: string;
  iterations: number;
  requests: number;
  /** Requests per second over the phase. */
  rate: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  maxMs: number | null;
  /** Requests that failed (status ≥ 400 or no answer). */
  errors: number;
  dropped: number;
  checksPassed: number;
  checksTotal: number;
}

const num = (v: number): number | null => (Number.isFinite(v) ? Math.round(v * 10) / 10 : null);

function phaseSummary(m: PhaseMetrics, intervalMs: number): PhaseSummary {
  const seconds = m.seconds(intervalMs);
  return {
    phase: m.phase,
    iterations: m.iterations,
    requests: m.http_reqs,
    rate: seconds === 0 ? 0 : Math.round((m.http_reqs / seconds) * 10) / 10,
    p50Ms: num(m.http_req_duration.percentile(50)),
    p95Ms: num(m.http_req_duration.percentile(95)),
    p99Ms: num(m.http_req_duration.percentile(99)),
    maxMs: num(m.http_req_duration.max),
    errors: m.http_req_failed.passes,
    dropped: m.dropped_iterations,
    checksPassed: m.checks.passes,
    checksTotal: m.checks.total,
  };
}

/** One row per phase the load reached, in the fault clock's order, then the whole load. */
export function phaseSummaries(outcome: LoadOutcome, intervalMs: number): PhaseSummary[] {
  const order = (p: string): number => {
    const i = (LOAD_PHASES as readonly string[]).indexOf(p);
    return i < 0 ? LOAD_PHASES.length : i;
  };
  const rows = [...outcome.metrics.phases.values()].sort((a, b) => order(a.phase) - order(b.phase)).map((m) => phaseSummary(m, intervalMs));
  return [...rows, phaseSummary(outcome.metrics.total(), intervalMs)];
}

const cell = (v: number | null, unit = ""): string => (v === null ? "—" : `${v}${unit}`);

/** The per-phase table as aligned text. */
export function summaryTable(rows: readonly PhaseSummary[]): string {
  const header = ["phase", "iterations", "requests", "req/s", "p50", "p95", "p99", "errors", "dropped"];
  const body = rows.map((r) => [
    r.phase,
    String(r.iterations),
    String(r.requests),
    String(r.rate),
    cell(r.p50Ms, " ms"),
    cell(r.p95Ms, " ms"),
    cell(r.p99Ms, " ms"),
    `${r.errors}${r.requests > 0 ? ` (${((r.errors / r.requests) * 100).toFixed(1)}%)` : ""}`,
    String(r.dropped),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? "").length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

/** The raw summary: every metric per phase tag, the thresholds' results, the schedule's lateness. */
export function summaryJson(outcome: LoadOutcome, results: readonly ThresholdResult[], intervalMs: number): Record<string, unknown> {
  const metrics: Record<string, Record<string, unknown>> = {};
  const phases = [...outcome.metrics.phases.values(), outcome.metrics.total()];
  for (const m of phases) {
    const tag = m.phase === "all" ? "" : `{phase:${m.phase}}`;
    const trend = (t: PhaseMetrics["http_req_duration"]) => ({ count: t.count, avg: num(t.avg), min: num(t.min), med: num(t.percentile(50)), max: num(t.max), "p(90)": num(t.percentile(90)), "p(95)": num(t.percentile(95)), "p(99)": num(t.percentile(99)) });
    metrics[`http_req_duration${tag}`] = { type: "trend", unit: "ms", values: trend(m.http_req_duration) };
    metrics[`iteration_duration${tag}`] = { type: "trend", unit: "ms", values: trend(m.iteration_duration) };
    metrics[`http_req_failed${tag}`] = { type: "rate", values: { rate: Number.isFinite(m.http_req_failed.rate) ? m.http_req_failed.rate : null, passes: m.http_req_failed.passes, fails: m.http_req_failed.total - m.http_req_failed.passes } };
    metrics[`checks${tag}`] = { type: "rate", values: { rate: m.checks.total === 0 ? null : m.checks.rate, passes: m.checks.passes, fails: m.checks.total - m.checks.passes } };
    const seconds = m.seconds(intervalMs);
    for (const counter of ["http_reqs", "iterations", "dropped_iterations"] as const) {
      metrics[`${counter}${tag}`] = { type: "counter", values: { count: m[counter], rate: seconds === 0 ? null : Math.round((m[counter] / seconds) * 100) / 100 } };
    }
  }
  return {
    startedAt: new Date(outcome.startedAt).toISOString(),
    durationMs: Math.round(outcome.endedAt - outcome.startedAt),
    iterations: { planned: outcome.planned, reached: outcome.reached, flowErrors: outcome.errors, firstErrors: outcome.firstErrors },
    ordersPlaced: outcome.orders.length,
    scheduleLatenessMs: { "p(50)": num(outcome.lateness.percentile(50)), "p(99)": num(outcome.lateness.percentile(99)), max: num(outcome.lateness.max) },
    metrics,
    thresholds: results.map((r) => ({ key: r.threshold.key, expression: r.threshold.expression, ok: r.passed, value: r.value ?? null, samples: r.samples })),
    ...(outcome.aborted ? { abortedBy: outcome.aborted.message } : {}),
  };
}
