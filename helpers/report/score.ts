// The resilience score of a run: one number, 0–100, that a reader can recompute by hand.
//
//   score = floor(100 × Σ weight(severity) × credit / Σ weight(severity))   over every scenario of the run
//
//   weight:  blocker 8 · critical 5 · normal 3 · minor 2 · trivial 1   (the scenario's `severity:`, default normal)
//   credit:  passed (every expectation held)                  1
//            a finding (also an expect-finding scenario)       ½ × held / judged expectations (0 when none judged)
//            harness error, invalid input, skipped             0   (a game day that did not run proves nothing)
//
// Bounded: every credit is in [0, 1], so the score is in [0, 100]; floor keeps 100 for a run in which
// every scenario passed. A run with no scenario has no score (null), never 100.

export const SEVERITY_WEIGHTS = { blocker: 8, critical: 5, normal: 3, minor: 2, trivial: 1 } as const;

/** How a scenario stood at the end of the run. */
export type Standing = "resilient" | "finding" | "known finding" | "broken" | "invalid" | "skipped";

export interface ScoredScenario {
  severity: string;
  standing: Standing;
  /** Expectations that held, and those judged (held or violated; not-reached ones are not judged). */
  held: number;
  judged: number;
}

export function weightOf(severity: string): number {
  return (SEVERITY_WEIGHTS as Record<string, number>)[severity] ?? SEVERITY_WEIGHTS.normal;
}

/** The share of its weight a scenario earns, in [0, 1]. */
export function creditOf(s: ScoredScenario): number {
  switch (s.standing) {
    case "resilient":
      return 1;
    case "finding":
    case "known finding":
      return s.judged > 0 ? 0.5 * Math.min(1, Math.max(0, s.held / s.judged)) : 0;
    case "broken":
    case "invalid":
    case "skipped":
      return 0;
  }
}

export function resilienceScore(scenarios: readonly ScoredScenario[]): number | null {
  if (scenarios.length === 0) return null;
  const total = scenarios.reduce((sum, s) => sum + weightOf(s.severity), 0);
  const earned = scenarios.reduce((sum, s) => sum + weightOf(s.severity) * creditOf(s), 0);
  return Math.min(100, Math.max(0, Math.floor((100 * earned) / total + 1e-9)));
}
