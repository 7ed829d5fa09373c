// The reconciliation invariant: every order placed during the run was shipped exactly once.
import { InvariantViolation } from "../core/errors.ts";
import type { Reconciliation } from "../probes/reconciliation.ts";

export { reconcile, type OrderRef, type Reconciliation, type ShipmentRef } from "../probes/reconciliation.ts";

/** Throws unless every order was shipped exactly once; an empty run is not a pass. */
export function assertShippedExactlyOnce(result: Reconciliation): void {
  if (result.placed === 0) {
    throw new InvariantViolation("invariant", "reconciliation: no order was placed during the run, so nothing was reconciled");
  }
  const problems: string[] = [];
  if (result.missing.length > 0) problems.push(`${result.missing.length} never shipped (${result.missing.join(", ")})`);
  if (result.duplicated.length > 0) {
    problems.push(`${result.duplicated.length} shipped more than once (${result.duplicated.map((d) => `${d.orderId} ×${d.times}`).join(", ")})`);
  }
  if (problems.length > 0) {
    throw new InvariantViolation(
      "invariant",
      `reconciliation: expected each of the ${result.placed} orders placed to be shipped exactly once; ${problems.join("; ")}`,
    );
  }
}
