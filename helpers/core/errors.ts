// Three families of failure, with stable name prefixes that the verdict reporter and the Allure
// categories match on (see helpers/report/verdict.ts).

/** Bad input: a scenario or an argument is wrong. Raised before anything is touched. Exit 2. */
export class ScenarioError extends Error {
  override name = "ScenarioError";
}

/** Our tooling or the environment broke; not a verdict on the system under test. Exit 3. */
export class HarnessError extends Error {
  override name = "HarnessError";
}

/** A fault was injected but did not take effect: the game day proves nothing. Exit 3. */
export class FaultNotEffective extends HarnessError {
  override name = "FaultNotEffective";
}

/** The environment was not in its steady state before the fault. Exit 3. */
export class EnvironmentNotReady extends HarnessError {
  override name = "EnvironmentNotReady";
}

export type FindingKind = "resilience" | "invariant" | "recovery" | "detection" | "aborted";

/** The system under test failed the game day: this is the finding. Exit 1. */
export class InvariantViolation extends Error {
  override name = "InvariantViolation";
  constructor(
    readonly kind: FindingKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(`[${kind}] ${message}`, options);
  }
}

/** The facilitator stopped the game day (`gameday run --facilitate`, "abort"): every fault reverted, no verdict on the system beyond what was seen. Exit 1. */
export class AbortedByFacilitator extends Error {
  override name = "AbortedByFacilitator";
}

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
