// The page object reads the order from POST /orders' 201 answer, whichever shape it has: upstream's
// plain saved CustomerOrder (top-level id, no _links) or a HAL resource (the id only in its self link).
import { expect, test } from "@playwright/test";
import { parsePlacedOrder } from "../../sock-shop/journeys/sock-shop.ts";

const ORDER_ID = "5f1d7b2e9c4a3b0012ab34cd";
const CUSTOMER = "57a98d98e4b00679b4a830b2";
const SHIPMENT = { id: "0b5c3f0e-7d5a-4f4e-9a57-3c1e5d2b8a91", name: CUSTOMER };

/** What upstream's orders 0.4.7 answers: the entity as saved (reference §2.3). */
const upstream = {
  id: ORDER_ID,
  customerId: CUSTOMER,
  customer: { id: CUSTOMER, firstName: "User", lastName: "Name", username: "user", addresses: [], cards: [] },
  address: { id: "57a98d98e4b00679b4a830b0", number: "246", street: "Whitelees Road", city: "Glasgow", postcode: "G67 3DL", country: "United Kingdom" },
  card: { id: "57a98d98e4b00679b4a830b1", longNum: "5544154011345918", expires: "08/19", ccv: "958" },
  items: [{ id: "5f1d7b2e9c4a3b0012ab34ce", itemId: "a0a4f044-b040-410d-8ead-4de0446aec7e", quantity: 1, unitPrice: 7.99 }],
  shipment: SHIPMENT,
  date: "2017-03-21T10:11:12.345+0000",
  total: 12.98,
};

test("upstream's plain CustomerOrder: the id is the top-level id, the shipment id is shipment.id", () => {
  expect(parsePlacedOrder(JSON.stringify(upstream))).toEqual({ id: ORDER_ID, total: 12.98, shipmentId: SHIPMENT.id, customerId: CUSTOMER });
});

test("a HAL resource without a top-level id: the id is the last segment of _links.self.href", () => {
  const { id: _id, ...withoutId } = upstream;
  const hal = { ...withoutId, _links: { self: { href: `http://orders/orders/${ORDER_ID}` }, customerOrder: { href: `http://orders/orders/${ORDER_ID}` } } };
  expect(parsePlacedOrder(JSON.stringify(hal))).toEqual({ id: ORDER_ID, total: 12.98, shipmentId: SHIPMENT.id, customerId: CUSTOMER });
});

test("with both, the top-level id wins", () => {
  const both = { ...upstream, _links: { self: { href: "http://orders/orders/000000000000000000000000" } } };
  expect(parsePlacedOrder(JSON.stringify(both)).id).toBe(ORDER_ID);
});

test("an answer with neither a top-level id nor a self link is refused, naming both", () => {
  const { id: _id, ...withoutId } = upstream;
  expect(() => parsePlacedOrder(JSON.stringify(withoutId))).toThrow(
    'POST /orders answered 201 but neither its id undefined nor its _links.self.href "(none)" is a 24-hex order id',
  );
});

test("an order without a shipment id, or an answer that is not JSON, is refused", () => {
  expect(() => parsePlacedOrder(JSON.stringify({ ...upstream, shipment: null }))).toThrow(`order ${ORDER_ID} has no shipment id: shipment is null`);
  expect(() => parsePlacedOrder("<html>Whitelabel Error Page</html>")).toThrow("POST /orders answered a body that is not JSON: <html>Whitelabel Error Page</html>");
});
