// Thresholds in k6's syntax: a key `metric` or `metric{tag:value}` and a list of expressions such as
// "p(95)<1500", "rate<0.01", "avg<200", "med<100", "max<3000", "count<10", each a string or
// { threshold, abortOnFail, delayAbortEval }. gameday tags its metrics by the game day's phase, so the
// one tag is `phase` (before, inject, during, after). Parsing returns problems as data, with a fix,
// so the scenario loader can locate them; judging returns one result per expression.
import { METRICS, type MetricKind, type MetricName, type PhaseMetrics } from "./metrics.ts";

export const LOAD_PHASES = ["before", "inject", "during", "after"] as const;
export type LoadPhase = (typeof LOAD_PHASES)[number];

const AGGREGATIONS: Record<MetricKind, readonly string[]> = {
  trend: ["avg", "min", "max", "med", "p(N)"],
  rate: ["rate"],
  counter: ["count", "rate"],
};

type Operator = "<=" | ">=" | "===" | "==" | "!=" | "<" | ">";

export interface Threshold {
  /** The key as written, e.g. "http_req_duration{phase:during}". */
  key: string;
  metric: MetricName;
  /** The phase the threshold judges; undefined judges every phase together. */
  phase: LoadPhase | undefined;
  /** The expression as written, e.g. "p(95)<1500". */
  expression: string;
  aggregation: string;
  /** For p(N): N. */
  percentile?: number;
  operator: Operator;
  bound: number;
  abortOnFail: boolean;
  /** ms into the load before abortOnFail is evaluated (k6's delayAbortEval). */
  delayAbortEvalMs: number;
}

export interface ThresholdProblem {
  /** The key, and the index of the expression within it when the problem is in one. */
  key: string;
  index?: number;
  message: string;
  fix: string;
}

export type ThresholdInput = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: number };

const KEY = /^([a-z_][a-z0-9_]*)(?:\{([^}]*)\})?$/;
const EXPRESSION = /^\s*(avg|min|max|med|count|rate|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

const metricNames = Object.keys(METRICS) as MetricName[];

/** Parses one key: the metric and the phase tag. */
export function parseThresholdKey(key: string): { metric: MetricName; phase: LoadPhase | undefined } | ThresholdProblem {
  const match = KEY.exec(key.trim());
  if (!match) return { key, message: `"${key}" is not a metric name with optional tags`, fix: 'write metric{phase:name}, e.g. "http_req_duration{phase:during}"' };
  const name = match[1] as string;
  if (!(name in METRICS)) {
    return { key, message: `gameday's load has no metric "${name}"`, fix: `use one of ${metricNames.join(", ")}` };
  }
  let phase: LoadPhase | undefined;
  for (const pair of (match[2] ?? "").split(",").filter((p) => p.trim() !== "")) {
    const [tag, value, ...rest] = pair.split(":").map((s) => s.trim());
    if (tag !== "phase" || value === undefined || rest.length > 0) {
      return { key, message: `"${pair.trim()}" is not a tag gameday records: load metrics are tagged by phase only`, fix: `write {phase:${LOAD_PHASES.join("|")}}` };
    }
    if (!(LOAD_PHASES as readonly string[]).includes(value)) {
      return { key, message: `"${value}" is not a phase of the fault clock`, fix: `use phase:${LOAD_PHASES.join(", phase:")}` };
    }
    phase = value as LoadPhase;
  }
  return { metric: name as MetricName, phase };
}

/** Parses every threshold; problems for whatever is malformed. */
export function parseThresholds(input: Readonly<Record<string, readonly ThresholdInput[]>>): { thresholds: Threshold[]; problems: ThresholdProblem[] } {
  const thresholds: Threshold[] = [];
  const problems: ThresholdProblem[] = [];
  for (const [key, list] of Object.entries(input)) {
    const parsedKey = parseThresholdKey(key);
    if ("message" in parsedKey) {
      problems.push(parsedKey);
      continue;
    }
    const kind = METRICS[parsedKey.metric];
    list.forEach((item, index) => {
      const expression = typeof item === "string" ? item : item.threshold;
      const match = EXPRESSION.exec(expression);
      if (!match) {
        problems.push({
          key,
          index,
          message: `"${expression}" is not a threshold expression`,
          fix: `write aggregation operator number, e.g. ${kind === "trend" ? '"p(95)<1500"' : kind === "rate" ? '"rate<0.01"' : '"count<10"'}; ${parsedKey.metric} is a ${kind}: ${AGGREGATIONS[kind].join(", ")}`,
        });
        return;
      }
      const aggregation = (match[1] as string).startsWith("p(") ? "p(N)" : (match[1] as string);
      if (!AGGREGATIONS[kind].includes(aggregation)) {
        problems.push({ key, index, message: `${parsedKey.metric} is a ${kind}, which has no "${match[1] as string}"`, fix: `use ${AGGREGATIONS[kind].join(", ")}` });
        return;
      }
      const percentile = match[2] === undefined ? undefined : Number(match[2]);
      if (percentile !== undefined && (percentile <= 0 || percentile > 100)) {
        problems.push({ key, index, message: `p(${percentile}) is not a percentile`, fix: "use p(N) with 0 < N ≤ 100, e.g. p(95)" });
        return;
      }
      thresholds.push({
        key,
        metric: parsedKey.metric,
        phase: parsedKey.phase,
        expression,
        aggregation: match[1]?.startsWith("p(") ? `p(${percentile})` : (match[1] as string),
        ...(percentile === undefined ? {} : { percentile }),
        operator: match[3] as Operator,
        bound: Number(match[4]),
        abortOnFail: typeof item === "string" ? false : item.abortOnFail === true,
        delayAbortEvalMs: typeof item === "string" ? 0 : (item.delayAbortEval ?? 0),
      });
    });
  }
  return { thresholds, problems };
}

/** The aggregated value a threshold compares, or undefined when the phase has no samples of it. */
export function aggregate(threshold: Threshold, metrics: PhaseMetrics, intervalMs: number): number | undefined {
  const m = threshold.metric;
  if (m === "http_req_duration" || m === "iteration_duration") {
    const trend = metrics[m];
    if (trend.count === 0) return undefined;
    if (threshold.percentile !== undefined) return trend.percentile(threshold.percentile);
    if (threshold.aggregation === "avg") return trend.avg;
    if (threshold.aggregation === "min") return trend.min;
    if (threshold.aggregation === "max") return trend.max;
    return trend.percentile(50);
  }
  if (m === "http_req_failed" || m === "checks") {
    const rate = metrics[m];
    return rate.total === 0 ? undefined : rate.rate;
  }
  const count = metrics[m];
  if (threshold.aggregation === "count") return count;
  const seconds = metrics.seconds(intervalMs);
  return seconds === 0 ? undefined : count / seconds;
}

const compare = (value: number, operator: Operator, bound: number): boolean => {
  switch (operator) {
    case "<":
      return value < bound;
    case "<=":
      return value <= bound;
    case ">":
      return value > bound;
    case ">=":
      return value >= bound;
    case "==":
    case "===":
      return value === bound;
    case "!=":
      return value !== bound;
  }
};

export interface ThresholdResult {
  threshold: Threshold;
  passed: boolean;
  /** The value compared (ms for durations, a fraction for rates); undefined when nothing was measured. */
  value: number | undefined;
  /** How many samples it rests on (requests, iterations, checks, or iterations scheduled for counters). */
  samples: number;
  /** One line: metric, phase, bound and value. */
  message: string;
}

/** A value as the threshold reads it: ms for durations, 4 decimals for rates, integers for counts. */
function show(t: Threshold, v: number): string {
  if (t.metric === "http_req_duration" || t.metric === "iteration_duration") return `${v.toFixed(1)} ms`;
  if (t.aggregation === "count") return String(v);
  return v.toFixed(4);
}

/**
 * Judges a threshold. A phase the load never reached (no iteration scheduled in it) fails: a bound
 * on a phase that never happened would otherwise pass on nothing. So does a trend or rate with no sample.
 */
export function judge(threshold: Threshold, phases: ReadonlyMap<string, PhaseMetrics>, all: PhaseMetrics, intervalMs: number): ThresholdResult {
  const where = threshold.phase === undefined ? "the whole load" : `phase ${threshold.phase}`;
  const metrics = threshold.phase === undefined ? all : phases.get(threshold.phase);
  const head = `${threshold.metric}{${threshold.phase === undefined ? "" : `phase:${threshold.phase}`}} ${threshold.expression}`;
  if (metrics === undefined || metrics.scheduled === 0) {
    return { threshold, passed: false, value: undefined, samples: 0, message: `${head}: no load ran in ${where} (no iteration was scheduled in it), so the bound was never tested` };
  }
  const value = aggregate(threshold, metrics, intervalMs);
  const samples =
    threshold.metric === "http_req_duration" || threshold.metric === "http_req_failed"
      ? metrics.http_reqs
      : threshold.metric === "iteration_duration"
        ? metrics.iteration_duration.count
        : threshold.metric === "checks"
          ? metrics.checks.total
          : metrics.scheduled;
  if (value === undefined) {
    return { threshold, passed: false, value, samples, message: `${head}: ${where} has no sample of ${threshold.metric}, so the bound was never tested` };
  }
  const passed = compare(value, threshold.operator, threshold.bound);
  return {
    threshold,
    passed,
    value,
    samples,
    message: `${head} ${passed ? "held" : "failed"} in ${where}: ${threshold.aggregation} was ${show(threshold, value)}, bound ${threshold.operator} ${show(threshold, threshold.bound)} (${samples} samples)`,
  };
}
