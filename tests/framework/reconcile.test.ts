import { expect, test } from "@playwright/test";
import { assertShippedExactlyOnce, reconcile } from "../../helpers/invariants/reconcile.ts";
import { reconcileCounts } from "../../helpers/probes/reconciliation.ts";

const orders = [
  { orderId: "o1", shipmentId: "s1" },
  { orderId: "o2", shipmentId: "s2" },
  { orderId: "o3", shipmentId: "s3" },
];

test("every order shipped once passes; unrelated shipments are counted, not blamed", () => {
  const result = reconcile(orders, [{ shipmentId: "s1" }, { shipmentId: "s2" }, { shipmentId: "s3" }, { shipmentId: "other" }]);
  expect(result).toEqual({ placed: 3, shippedOnce: ["o1", "o2", "o3"], missing: [], duplicated: [], unrelated: 1 });
  expect(() => assertShippedExactlyOnce(result)).not.toThrow();
});

test("a missing and a duplicated shipment are both named", () => {
  const result = reconcile(orders, [{ shipmentId: "s1" }, { shipmentId: "s3" }, { shipmentId: "s3" }]);
  expect(() => assertShippedExactlyOnce(result)).toThrow(
    "[invariant] reconciliation: expected each of the 3 orders placed to be shipped exactly once; 1 never shipped (o2); 1 shipped more than once (o3 ×2)",
  );
});

test("no order placed is a failure, not a vacuous pass", () => {
  expect(() => assertShippedExactlyOnce(reconcile([], [{ shipmentId: "s1" }]))).toThrow(/no order was placed/);
});

test("with counts only: missing is what was placed beyond what shipped, duplicated what shipped beyond what was placed", () => {
  expect(reconcileCounts(3, 3)).toEqual({ placed: 3, shipped: 3, missing: 0, duplicated: 0 });
  expect(reconcileCounts(3, 1)).toEqual({ placed: 3, shipped: 1, missing: 2, duplicated: 0 });
  expect(reconcileCounts(3, 5, 2)).toEqual({ placed: 3, shipped: 5, missing: 0, duplicated: 2, redelivered: 2 });
  expect(reconcileCounts(0, 0)).toEqual({ placed: 0, shipped: 0, missing: 0, duplicated: 0 });
});
