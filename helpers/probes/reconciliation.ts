// reconciliation: the orders placed during the run against the shipments the target recorded —
// every order shipped exactly once. Reconciling zero orders proves nothing, so `placed` is read too.
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

export const reconciliation = defineProbe({
  kind: "reconciliation",
  fields: {},
  summary: "orders placed during the run against shipments",
  reading: { placed: "number", missing: "number", duplicated: "number" },
  timeline: ["missing"],
  subject: () => "orders-to-shipments reconciliation",
  read: (_spec, { orders, shipments }) => async () => {
    if (!shipments) throw new HarnessError("this target records no shipments, so orders cannot be reconciled");
    const result = reconcile(orders(), await shipments());
    return { placed: result.placed, missing: result.missing.length, duplicated: result.duplicated.length };
  },
});
