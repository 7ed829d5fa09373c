// carts: one cart per customer (or anonymous session), items with quantity and unit price.
import { randomUUID } from "node:crypto";
import { createServer, HttpError, Router } from "../lib/http.ts";
import { Collection } from "../lib/store.ts";
import { env, runService } from "../lib/service.ts";

interface Item {
  id: string;
  itemId: string;
  quantity: number;
  unitPrice: number;
}
interface Cart {
  customerId: string;
  items: Item[];
}

const carts = Collection.in<Cart>(env("DATA_DIR"), "carts");
const cartOf = (customerId: string): Cart => carts.get(customerId) ?? { customerId, items: [] };
const customer = (params: Record<string, string>): string => params.customerId ?? "";

const router = new Router()
  .get("/carts/:customerId", (req) => ({ status: 200, body: cartOf(customer(req.params)) }))
  .delete("/carts/:customerId", (req) => {
    carts.delete(customer(req.params));
    return { status: 202 };
  })
  .get("/carts/:customerId/merge", (req) => {
    const target = cartOf(customer(req.params));
    const sessionId = req.query.get("sessionId") ?? "";
    const source = carts.get(sessionId);
    if (source) {
      for (const item of source.items) {
        const existing = target.items.find((i) => i.itemId === item.itemId);
        if (existing) existing.quantity += item.quantity;
        else target.items.push(item);
      }
      carts.put(target.customerId, target);
      carts.delete(sessionId);
    }
    return { status: 202 };
  })
  .get("/carts/:customerId/items", (req) => ({ status: 200, body: cartOf(customer(req.params)).items }))
  .post("/carts/:customerId/items", async (req) => {
    const body = (await req.body()) as Partial<Item> | undefined;
    if (!body?.itemId) throw new HttpError(400, "an item needs an itemId");
    const cart = cartOf(customer(req.params));
    const existing = cart.items.find((i) => i.itemId === body.itemId);
    let item: Item;
    if (existing) {
      existing.quantity += 1;
      item = existing;
    } else {
      item = { id: randomUUID(), itemId: body.itemId, quantity: body.quantity ?? 1, unitPrice: body.unitPrice ?? 0 };
      cart.items.push(item);
    }
    carts.put(cart.customerId, cart);
    return { status: 201, body: item };
  })
  .patch("/carts/:customerId/items", async (req) => {
    const body = (await req.body()) as Partial<Item> | undefined;
    const cart = cartOf(customer(req.params));
    const existing = cart.items.find((i) => i.itemId === body?.itemId);
    if (!existing) throw new HttpError(404, `item ${body?.itemId ?? "(none)"} is not in the cart`);
    existing.quantity = Number(body?.quantity ?? existing.quantity);
    carts.put(cart.customerId, cart);
    return { status: 202 };
  })
  .get("/carts/:customerId/items/:itemId", (req) => {
    const item = cartOf(customer(req.params)).items.find((i) => i.itemId === req.params.itemId);
    if (!item) throw new HttpError(404, `item ${req.params.itemId ?? ""} is not in the cart`);
    return { status: 200, body: item };
  })
  .delete("/carts/:customerId/items/:itemId", (req) => {
    const cart = cartOf(customer(req.params));
    cart.items = cart.items.filter((i) => i.itemId !== req.params.itemId);
    carts.put(cart.customerId, cart);
    return { status: 202 };
  })
  .get("/health", () => ({ status: 200, body: { health: [{ service: "carts", status: "OK" }] } }));

runService("carts", createServer(router));
