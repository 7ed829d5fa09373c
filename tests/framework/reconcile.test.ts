import { expect, test } from "@playwright/test";
import { assertShippedExactlyOnce, reconcile } from "../../helpers/invariants/reconcile.ts";

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
