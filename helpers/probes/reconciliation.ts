// reconciliation: the orders placed during the run against the shipments the target shows — every
// order shipped exactly once. Reconciling zero orders proves nothing, so `placed` is read too. It
// reads the best evidence the run chose (shipping-evidence.ts): with identities, each order is
// matched to its shipments; with counts (log lines, broker counters), only the numbers are compared,
// and the subject names the evidence so a verdict says what it rests on.
import { HarnessError } from "../core/errors.ts";
import { defineProbe } from "./probe.ts";

import type { OrderRef, ShipmentRef } from "../target/journey.ts";

export type { OrderRef, ShipmentRef } from "../target/journey.ts";

export interface Reconciliation {
  placed: number;
  shippedOnce: string[];
  missing: string[];
  duplicated: { orderId: string; times: number }[];
  /** Shipments that match no order of this run (earlier runs on the same stack, other tests). */
  unrelated: number;
}

export function reconcile(orders: readonly OrderRef[], shipments: readonly ShipmentRef[]): Reconciliation {
  // One map, one pass over each list: load runs reconcile 100k orders. A count turns negative once an
  // order has claimed its shipments, so each is claimed once and the rest are unrelated.
  const counts = new Map<string, number>();
  for (const s of shipments) counts.set(s.shipmentId, (counts.get(s.shipmentId) ?? 0) + 1);
  const result: Reconciliation = { placed: orders.length, shippedOnce: [], missing: [], duplicated: [], unrelated: 0 };
  let claimed = 0;
  for (const order of orders) {
    const count = counts.get(order.shipmentId) ?? 0;
    const times = Math.abs(count);
    if (count > 0) {
      claimed += count;
      counts.set(order.shipmentId, -count);
    }
    if (times === 0) result.missing.push(order.orderId);
    else if (times === 1) result.shippedOnce.push(order.orderId);
    else result.duplicated.push({ orderId: order.orderId, times });
  }
  result.unrelated = shipments.length - claimed;
  return result;
}

/** Orders against shipments when the evidence gives counts only: which order is affected is unknown. */
export interface CountReconciliation {
  placed: number;
  shipped: number;
  /** Orders placed beyond the shipments counted. */
  missing: number;
  /** Shipments counted beyond the orders placed (a task handled twice, or another client's order). */
  duplicated: number;
  /** Redeliveries, when the evidence counts them: a hint of tasks handled more than once. */
  redelivered?: number;
}

export function reconcileCounts(placed: number, shipped: number, redelivered?: number): CountReconciliation {
  return {
    placed,
    shipped,
    missing: Math.max(0, placed - shipped),
    duplicated: Math.max(0, shipped - placed),
    ...(redelivered === undefined ? {} : { redelivered }),
  };
}

export const reconciliation = defineProbe({
  kind: "reconciliation",
  fields: {},
  summary: "orders placed during the run against shipments",
  reading: { placed: "number", missing: "number", duplicated: "number", shipped: "number", redelivered: "number" },
  timeline: ["missing"],
  subject: (_spec, context) => {
    const evidence = context?.shipping?.describe();
    return evidence ? `orders-to-shipments reconciliation [${evidence}]` : "orders-to-shipments reconciliation";
  },
  read: (_spec, { orders, shipping }) => async () => {
    if (!shipping) throw new HarnessError("this target declares no evidence of shipping, so orders cannot be reconciled");
    const seen = await shipping.read();
    if (seen.kind === "identities") {
      const result = reconcile(orders(), seen.shipments);
      const shipped = result.shippedOnce.length + result.duplicated.reduce((sum, d) => sum + d.times, 0);
      return { placed: result.placed, missing: result.missing.length, duplicated: result.duplicated.length, shipped };
    }
    const { placed, shipped, missing, duplicated, redelivered } = reconcileCounts(orders().length, seen.shipped, seen.redelivered);
    return { placed, missing, duplicated, shipped, ...(redelivered === undefined ? {} : { redelivered }) };
  },
});
