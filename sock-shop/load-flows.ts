// Sock Shop's load flows: what one virtual user does per iteration, over the front-end's HTTP API
// (the routes the shop's pages call). `checkout` logs in with basic auth (a cookie session), empties
// the cart, adds a sock and places the order, whose id and shipment id join the run's
// reconciliation. Each virtual user shops as an account of its own, registered (with an address and
// a card) by the flow's setup: two iterations in flight never share a cart. `browse` reads the catalogue.
import { createHash } from "node:crypto";
import { maskSecret } from "../helpers/core/redact.ts";
import type { OrderRef } from "../helpers/target/journey.ts";
import type { LoadFlow, LoadFlowCatalogue, LoadSession } from "../helpers/target/load-flow.ts";
import { SOCKS_FOR_ORDERS } from "./journeys/data.ts";

interface Account {
  username: string;
  password: string;
}

/** The accounts of each load, by its run id. */
const accounts = new Map<string, Account[]>();

const basic = (a: Account): string => `Basic ${Buffer.from(`${a.username}:${a.password}`).toString("base64")}`;

async function register(session: LoadSession, account: Account): Promise<void> {
  const registered = await session.request("POST", "/register", { json: { ...account, email: `${account.username}@example.org`, firstName: "Load", lastName: `User ${session.vu}` }, name: "POST /register" });
  if (registered.status !== 200) throw new Error(`registering ${account.username} answered ${registered.status}: ${registered.body.slice(0, 200)}`);
  const address = await session.request("POST", "/addresses", { json: { number: "1", street: "Load Street", city: "Testville", postcode: "00000", country: "Nowhere" } });
  const card = await session.request("POST", "/cards", { json: { longNum: "4111111111111111", expires: "12/30", ccv: "123" } });
  if (address.status !== 200 || card.status !== 200) throw new Error(`giving ${account.username} an address and a card answered ${address.status} and ${card.status}`);
}

/** The order in a 201 answer to POST /orders (upstream answers the saved order: id, shipment.id). */
function placedOrder(body: string): OrderRef | undefined {
  try {
    const order = JSON.parse(body) as { id?: unknown; shipment?: { id?: unknown } };
    return typeof order.id === "string" && typeof order.shipment?.id === "string" ? { orderId: order.id, shipmentId: order.shipment.id } : undefined;
  } catch {
    return undefined;
  }
}

export const checkoutFlow: LoadFlow = {
  description: "log in (basic auth → cookie session), empty the cart, add a sock, place the order",
  async setup({ vus, runId, session }) {
    // The same in every process sharing the load (each registers or logs in the accounts), yet masked
    // in reports without garbling the run id it is derived from.
    const password = createHash("sha256").update(`gameday-load:${runId}`).digest("base64url").slice(0, 20);
    maskSecret(password);
    const list: Account[] = Array.from({ length: vus }, (_, vu) => ({ username: `gameday-load-${runId}-${vu}`, password }));
    // A few at a time: registering is the user service's slowest path.
    for (let i = 0; i < list.length; i += 10) await Promise.all(list.slice(i, i + 10).map((account, j) => register(session(i + j), account)));
    accounts.set(runId, list);
  },
  async iteration(session) {
    const account = accounts.get(session.runId)?.[session.vu];
    if (!account) throw new Error(`no account for virtual user ${session.vu}: the flow's setup did not run`);
    const login = await session.request("GET", "/login", { headers: { authorization: basic(account) }, name: "GET /login" });
    if (!session.check("logged in", login.status === 200)) return undefined;
    await session.request("DELETE", "/cart");
    const sock = SOCKS_FOR_ORDERS[session.iteration % SOCKS_FOR_ORDERS.length] ?? SOCKS_FOR_ORDERS[0];
    const added = await session.request("POST", "/cart", { json: { id: sock?.id } });
    if (!session.check("added to cart", added.status === 201)) return undefined;
    const placed = await session.request("POST", "/orders");
    const order = placed.status === 201 ? placedOrder(placed.body) : undefined;
    if (!session.check("order placed", order !== undefined)) return undefined;
    return { orders: [order as OrderRef] };
  },
};

export const browseFlow: LoadFlow = {
  description: "read the catalogue, a sock and the tags",
  async iteration(session) {
    const list = await session.request("GET", "/catalogue?size=5");
    session.check("catalogue listed", list.status === 200);
    const sock = SOCKS_FOR_ORDERS[session.iteration % SOCKS_FOR_ORDERS.length] ?? SOCKS_FOR_ORDERS[0];
    const item = await session.request("GET", `/catalogue/${sock?.id ?? ""}`);
    session.check("sock shown", item.status === 200);
    const tags = await session.request("GET", "/tags");
    session.check("tags listed", tags.status === 200);
    return undefined;
  },
};

export const sockShopLoadFlows: LoadFlowCatalogue = {
  service: "front-end",
  flows: { checkout: checkoutFlow, browse: browseFlow },
  source: { module: import.meta.url, exportName: "sockShopLoadFlows" },
};
