// The CI contract: which exit code a run earns. Errors are classified by the stable names of the
// error families (helpers/core/errors.ts); Playwright's own assertion failures are findings (a user
// journey saw something wrong).

export type Verdict = "passed" | "finding" | "invalid input" | "harness error";

export const EXIT_CODES: Record<Verdict, number> = { passed: 0, finding: 1, "invalid input": 2, "harness error": 3 };

/** When tests disagree, the least trustworthy outcome wins: bad input, then a broken harness, then a finding. */
const PRECEDENCE: Verdict[] = ["invalid input", "harness error", "finding", "passed"];

export interface FailureText {
  message?: string | undefined;
  stack?: string | undefined;
}

// Playwright colours its messages; the names must match without the escape codes.
const ANSI = /\x1b\[[0-9;]*m/g;
const plain = (errors: readonly FailureText[]): string =>
  errors.map((e) => `${e.stack ?? ""}\n${e.message ?? ""}`).join("\n").replace(ANSI, "");

export function classifyFailure(errors: readonly FailureText[]): Exclude<Verdict, "passed"> {
  const text = plain(errors);
  if (/\bScenarioError\b/.test(text)) return "invalid input";
  // Harness names first: an aggregate of a finding and a broken revert is still a broken harness.
  if (/\b(HarnessError|FaultNotEffective|EnvironmentNotReady|QueueMissing)\b/.test(text)) return "harness error";
  // A game day the facilitator stopped is a finding to talk about, never a pass.
  if (/\bAbortedByFacilitator\b/.test(text)) return "finding";
  if (/\bInvariantViolation\b/.test(text) || /\bexpect\(/.test(text)) return "finding";
  return "harness error";
}

export function combine(verdicts: readonly Verdict[]): Verdict {
  return PRECEDENCE.find((v) => verdicts.includes(v)) ?? "passed";
}

/** "[recovery] queue …" → "recovery", for finding kinds in reports. */
export function findingKind(errors: readonly FailureText[]): string | undefined {
  for (const e of errors) {
    const match = /InvariantViolation: \[(\w+)\]/.exec(plain([e]));
    if (match?.[1]) return match[1];
  }
  return undefined;
}
