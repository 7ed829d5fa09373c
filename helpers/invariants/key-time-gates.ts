// Gates on numbers: a scenario bounds its key times (time to detect, notify, recover, drain, resolve)
// and may compare them with earlier runs. A time over its bound, a time that was never measured, or
// a regression beyond the stated tolerance is a finding naming the metric, the bound and the value.
import { formatMs } from "../core/time.ts";
import { InvariantViolation } from "../core/errors.ts";

export const KEY_TIMES = ["detect", "notify", "recover", "drain", "resolve"] as const;
export type KeyTime = (typeof KEY_TIMES)[number];

export interface KeyTimeGates {
  /** Most milliseconds each key time may take. */
  bounds: Partial<Record<KeyTime, number>>;
  /** Compare each bounded (or measured) time with the median of the last `runs` earlier runs. */
  regression?: { tolerancePercent: number; runs: number } | undefined;
}

/** A detection time is a detection finding; the others are recovery findings. */
const kindOf = (what: KeyTime) => (what === "detect" || what === "notify" || what === "resolve" ? "detection" : "recovery");

const WHAT_MEASURES: Record<KeyTime, string> = {
  detect: "a detect: expectation whose alert fires",
  notify: "a detect: expectation whose alert notifies",
  recover: "after: checks that hold after the revert",
  drain: "an after: check of a queue's depth",
  resolve: "a detect: expectation whose alert resolves",
};

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface GateOutcome {
  /** One line per gate judged, held or not, for the report. */
  lines: string[];
  violations: InvariantViolation[];
}

/**
 * Judges the gates. `earlier` holds each key time's values in earlier runs of this scenario, oldest
 * first; with none, there is nothing to regress from and the report says so.
 */
export function judgeKeyTimes(gates: KeyTimeGates, measured: Partial<Record<KeyTime, number>>, earlier: Partial<Record<KeyTime, readonly number[]>> = {}): GateOutcome {
  const lines: string[] = [];
  const violations: InvariantViolation[] = [];
  for (const what of KEY_TIMES) {
    const bound = gates.bounds[what];
    if (bound === undefined) continue;
    const value = measured[what];
    if (value === undefined) {
      lines.push(`FAILED  time to ${what}: never measured (gate ≤ ${formatMs(bound)})`);
      violations.push(new InvariantViolation(kindOf(what), `time to ${what} was never measured, so its gate (gates.${what} ≤ ${formatMs(bound)}) cannot pass: it needs ${WHAT_MEASURES[what]}`));
    } else if (value > bound) {
      lines.push(`FAILED  time to ${what}: ${formatMs(value)} > ${formatMs(bound)}`);
      violations.push(new InvariantViolation(kindOf(what), `time to ${what} was ${formatMs(value)}, over its gate of ${formatMs(bound)} (gates.${what})`));
    } else {
      lines.push(`held    time to ${what}: ${formatMs(value)} ≤ ${formatMs(bound)}`);
    }
  }
  const regression = gates.regression;
  if (regression) {
    for (const what of KEY_TIMES) {
      const value = measured[what];
      if (value === undefined) continue;
      const before = (earlier[what] ?? []).slice(-regression.runs);
      if (before.length === 0) {
        lines.push(`held    time to ${what}: ${formatMs(value)}; no earlier run to compare with`);
        continue;
      }
      const baseline = median(before);
      const limit = baseline * (1 + regression.tolerancePercent / 100);
      const above = baseline === 0 ? Infinity : ((value - baseline) / baseline) * 100;
      const against = `the median of the last ${before.length} run(s), ${formatMs(baseline)}`;
      if (value > limit) {
        lines.push(`FAILED  time to ${what}: ${formatMs(value)}, ${above.toFixed(0)}% above ${against}`);
        violations.push(
          new InvariantViolation(kindOf(what), `time to ${what} regressed: ${formatMs(value)} is ${above.toFixed(0)}% above ${against}; the tolerance is ${regression.tolerancePercent}% (gates.regression)`),
        );
      } else {
        lines.push(`held    time to ${what}: ${formatMs(value)}, within ${regression.tolerancePercent}% of ${against}`);
      }
    }
  }
  return { lines, violations };
}
