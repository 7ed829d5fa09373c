// Orders-to-shipments reconciliation: every order placed during the run was shipped exactly once.
import { InvariantViolation } from "../core/errors.ts";

export interface OrderRef {
  orderId: string;
  shipmentId: string;
}
export interface ShipmentRef {
  shipmentId: string;
}

export interface Reconciliation {
  placed: number;
  shippedOnce: string[];
  missing: string[];
  duplicated: { orderId: string; times: number }[];
  /** Shipments that match no order of this run (earlier runs on the same stack, other tests). */
  unrelated: number;
}

export function reconcile(orders: readonly OrderRef[], shipments: readonly ShipmentRef[]): Reconciliation {
  const counts = new Map<string, number>();
  for (const s of shipments) counts.set(s.shipmentId, (counts.get(s.shipmentId) ?? 0) + 1);
  const ours = new Set(orders.map((o) => o.shipmentId));
  const result: Reconciliation = { placed: orders.length, shippedOnce: [], missing: [], duplicated: [], unrelated: 0 };
  for (const order of orders) {
    const times = counts.get(order.shipmentId) ?? 0;
    if (times === 0) result.missing.push(order.orderId);
    else if (times === 1) result.shippedOnce.push(order.orderId);
    else result.duplicated.push({ orderId: order.orderId, times });
  }
  for (const [shipmentId, times] of counts) if (!ours.has(shipmentId)) result.unrelated += times;
  return result;
}

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
