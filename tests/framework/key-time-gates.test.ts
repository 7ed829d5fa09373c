// Gates on numbers (pure logic): bounds on the key times, a time never measured, regressions against
// the median of earlier runs; each a finding naming the metric, the bound and the value.
import { expect, test } from "@playwright/test";
import { InvariantViolation } from "../../helpers/core/errors.ts";
import { judgeKeyTimes } from "../../helpers/invariants/key-time-gates.ts";

test("bounds: within holds; over is a finding of the right kind naming the time, the bound and the value; never measured fails", () => {
  const outcome = judgeKeyTimes({ bounds: { recover: 30_000, drain: 60_000, detect: 60_000, resolve: 10_000 } }, { recover: 41_200, drain: 5_000, detect: 20_000 });
  expect(outcome.lines).toEqual([
    "held    time to detect: 20.0 s ≤ 60.0 s",
    "FAILED  time to recover: 41.2 s > 30.0 s",
    "held    time to drain: 5.00 s ≤ 60.0 s",
    "FAILED  time to resolve: never measured (gate ≤ 10.0 s)",
  ]);
  expect(outcome.violations.map((v) => [v.kind, v.message])).toEqual([
    ["recovery", "[recovery] time to recover was 41.2 s, over its gate of 30.0 s (gates.recover)"],
    ["detection", "[detection] time to resolve was never measured, so its gate (gates.resolve ≤ 10.0 s) cannot pass: it needs a detect: expectation whose alert resolves"],
  ]);
  expect(outcome.violations.every((v) => v instanceof InvariantViolation)).toBe(true);
  expect(judgeKeyTimes({ bounds: { drain: 60_000 } }, { drain: 60_000 }).violations, "the bound itself holds").toEqual([]);
});

test("regression: against the median of the last N earlier runs, within the tolerance; no earlier run, nothing to regress from", () => {
  const gates = { bounds: {}, regression: { tolerancePercent: 50, runs: 3 } };
  const earlier = { drain: [100_000, 4_000, 6_000, 5_000], detect: [20_000] };
  const regressed = judgeKeyTimes(gates, { drain: 8_000, detect: 25_000, recover: 3_000 }, earlier);
  expect(regressed.lines).toEqual([
    "held    time to detect: 25.0 s, within 50% of the median of the last 1 run(s), 20.0 s",
    "held    time to recover: 3.00 s; no earlier run to compare with",
    "FAILED  time to drain: 8.00 s, 60% above the median of the last 3 run(s), 5.00 s",
  ]);
  expect(regressed.violations.map((v) => v.message)).toEqual([
    "[recovery] time to drain regressed: 8.00 s is 60% above the median of the last 3 run(s), 5.00 s; the tolerance is 50% (gates.regression)",
  ]);
  expect(judgeKeyTimes(gates, { drain: 7_500 }, earlier).violations, "exactly at the tolerance holds").toEqual([]);
});
