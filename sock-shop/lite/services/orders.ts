// orders: assembles an order from HATEOAS links, authorises payment, requests shipping, stores it.
// POST /orders answers the plain saved CustomerOrder (upstream's @ResponseBody newOrder); the
// repository's reads answer HAL whose links are built from the request's Host, as Spring Data REST's are.
import { randomUUID } from "node:crypto";
import { call, createServer, HttpError, Router, type Reply, type Request } from "../lib/http.ts";
import { Collection, objectId } from "../lib/store.ts";
import { env, runService, serviceUrl } from "../lib/service.ts";

const SHIPPING_COST = 4.99;
const TIMEOUT_MS = Number(env("HTTP_TIMEOUT_MS", "5000"));

interface Item {
  id: string;
  itemId: string;
  quantity: number;
  unitPrice: number;
}
interface Shipment {
  id: string;
  name: string;
}
interface CustomerOrder {
  id: string;
  customerId: string;
  customer: Record<string, unknown>;
  address: Record<string, unknown>;
  card: Record<string, unknown>;
  items: Item[];
  shipment: Shipment;
  date: string;
  total: number;
}

const paymentUrl = serviceUrl("payment");
const shippingUrl = serviceUrl("shipping");
const orders = Collection.in<CustomerOrder>(env("DATA_DIR"), "orders");

function withoutLinks(resource: unknown): Record<string, unknown> {
  const { _links: _ignored, ...rest } = (resource ?? {}) as Record<string, unknown>;
  return rest;
}

/**
 * The base of the links in an answer: the address the caller used (X-Forwarded-Host/-Proto first,
 * then Host), as Spring HATEOAS builds them, so upstream's links read http://orders/orders/<id>.
 */
function requestBase(req: Request): string {
  const first = (value: string | string[] | undefined): string | undefined => (Array.isArray(value) ? value[0] : value)?.split(",")[0]?.trim() || undefined;
  const host = first(req.headers["x-forwarded-host"]) ?? first(req.headers.host) ?? "orders";
  const proto = first(req.headers["x-forwarded-proto"]) ?? "http";
  return `${proto}://${host}`;
}

const orderJson = (base: string, o: CustomerOrder) => ({
  ...o,
  _links: { self: { href: `${base}/orders/${o.id}` }, customerOrder: { href: `${base}/orders/${o.id}` } },
});
const hal = (body: unknown): Reply => ({ status: 200, body, headers: { "content-type": "application/hal+json" } });

class OrderRejected extends HttpError {}

async function fetchResource<T>(what: string, url: string): Promise<T> {
  const response = await call<T>(url, { headers: { accept: "application/hal+json" }, timeoutMs: TIMEOUT_MS });
  if (response.status >= 400) throw new Error(`${what} at ${url} answered ${response.status}`);
  return response.body;
}

function failure(error: unknown): never {
  if (error instanceof HttpError) throw error;
  const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
  throw new HttpError(
    500,
    timedOut ? "Unable to create order due to timeout from one of the services." : "Unable to create order due to unspecified IO error.",
  );
}

async function newOrder(body: Record<string, unknown>): Promise<CustomerOrder> {
  const links = ["customer", "address", "card", "items"].map((k) => body[k]);
  if (links.some((l) => typeof l !== "string" || l === "")) {
    throw new OrderRejected(406, "Invalid order request. Order requires customer, address, card and items.");
  }
  const [customerUrl, addressUrl, cardUrl, itemsUrl] = links as [string, string, string, string];
  try {
    const [address, customer, card, items] = await Promise.all([
      fetchResource<Record<string, unknown>>("address", addressUrl),
      fetchResource<Record<string, unknown>>("customer", customerUrl),
      fetchResource<Record<string, unknown>>("card", cardUrl),
      fetchResource<Item[]>("items", itemsUrl),
    ]);
    const amount = Math.round((items.reduce((sum, i) => sum + i.quantity * i.unitPrice, 0) + SHIPPING_COST) * 100) / 100;
    const payment = await call<{ authorised?: boolean; message?: string }>(`${paymentUrl}/paymentAuth`, {
      method: "POST",
      body: { address, card, customer, amount },
      timeoutMs: TIMEOUT_MS,
    });
    if (payment.status >= 400 || typeof payment.body !== "object") throw new OrderRejected(406, "Unable to parse authorisation packet");
    if (!payment.body.authorised) throw new OrderRejected(406, payment.body.message ?? "Payment declined");
    const customerId = String(customer.id ?? customerUrl.split("/").pop());
    const shipping = await call<Shipment>(`${shippingUrl}/shipping`, {
      method: "POST",
      body: { id: randomUUID(), name: customerId },
      timeoutMs: TIMEOUT_MS,
    });
    if (shipping.status >= 300) throw new Error(`shipping answered ${shipping.status}`);
    const order: CustomerOrder = {
      id: objectId(),
      customerId,
      customer: { ...withoutLinks(customer), addresses: [], cards: [] },
      address: withoutLinks(address),
      card: withoutLinks(card),
      items,
      shipment: shipping.body,
      date: new Date().toISOString(),
      total: amount,
    };
    return orders.put(order.id, order);
  } catch (error) {
    failure(error);
  }
}

function page(base: string, list: CustomerOrder[], pageNumber: number, size: number) {
  return {
    _embedded: { customerOrders: list.slice(pageNumber * size, (pageNumber + 1) * size).map((o) => orderJson(base, o)) },
    _links: { self: { href: `${base}/orders` }, search: { href: `${base}/orders/search` } },
    page: { size, totalElements: list.length, totalPages: Math.ceil(list.length / size), number: pageNumber },
  };
}
const byDate = (a: CustomerOrder, b: CustomerOrder) => a.date.localeCompare(b.date);

const router = new Router()
  .post("/orders", async (req) => {
    const body = ((await req.body()) ?? {}) as Record<string, unknown>;
    const order = await newOrder(body);
    console.log(`Order ${order.id} created for customer ${order.customerId}, shipment ${order.shipment.id}`);
    // The entity itself, not a HAL resource: upstream's controller returns the saved CustomerOrder.
    return { status: 201, body: order };
  })
  .get("/orders", (req) => {
    const size = Number(req.query.get("size") ?? 20);
    return hal(page(requestBase(req), orders.all().sort(byDate), Number(req.query.get("page") ?? 0), size));
  })
  .get("/orders/search/customerId", (req) => {
    const custId = req.query.get("custId") ?? "";
    const base = requestBase(req);
    return hal({ _embedded: { customerOrders: orders.all().filter((o) => o.customerId === custId).sort(byDate).map((o) => orderJson(base, o)) } });
  })
  .get("/orders/:id", (req) => {
    const found = orders.get(req.params.id ?? "");
    if (!found) throw new HttpError(404, `no order with id ${req.params.id ?? ""}`);
    return hal(orderJson(requestBase(req), found));
  })
  .get("/health", () => ({ status: 200, body: { health: [{ service: "orders", status: "OK", time: new Date().toISOString() }] } }));

runService("orders", createServer(router));
