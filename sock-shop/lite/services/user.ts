// user: customers, addresses and cards as HAL resources, and Basic-auth login.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { DEMO_CUSTOMERS, type Address, type Card, type Customer } from "../data/users.ts";
import { createServer, HttpError, Router, type Reply } from "../lib/http.ts";
import { Collection, objectId } from "../lib/store.ts";
import { env, runService, serviceUrl } from "../lib/service.ts";

interface StoredCustomer extends Omit<Customer, "password"> {
  salt: string;
  passwordHash: string;
}

const base = serviceUrl("user");
const customers = Collection.in<StoredCustomer>(env("DATA_DIR"), "customers");

function hash(salt: string, password: string): string {
  return createHash("sha1").update(salt + password).digest("hex");
}

function store(customer: Customer): StoredCustomer {
  const { password, ...rest } = customer;
  const salt = randomBytes(8).toString("hex");
  return customers.put(customer.id, { ...rest, salt, passwordHash: hash(salt, password) });
}

// SOCK_SHOP_PASSWORD: the demo accounts' password, as a team sets its own test account's (sock-shop/journeys/data.ts).
for (const demo of DEMO_CUSTOMERS) if (!customers.get(demo.id)) store({ ...demo, password: process.env.SOCK_SHOP_PASSWORD || demo.password });

const hal = (body: unknown): Reply => ({ status: 200, body, headers: { "content-type": "application/hal+json" } });

function customerJson(c: StoredCustomer): Record<string, unknown> {
  const self = `${base}/customers/${c.id}`;
  return {
    firstName: c.firstName,
    lastName: c.lastName,
    username: c.username,
    id: c.id,
    _links: {
      addresses: { href: `${self}/addresses` },
      cards: { href: `${self}/cards` },
      customer: { href: self },
      self: { href: self },
    },
  };
}
const addressJson = (a: Address) => ({ ...a, _links: { address: { href: `${base}/addresses/${a.id}` }, self: { href: `${base}/addresses/${a.id}` } } });
const cardJson = (c: Card) => ({ ...c, _links: { card: { href: `${base}/cards/${c.id}` }, self: { href: `${base}/cards/${c.id}` } } });

function customerOr404(id: string | undefined): StoredCustomer {
  const found = customers.get(id ?? "");
  if (!found) throw new HttpError(404, `no customer with id ${id ?? "(none)"}`);
  return found;
}
const allAddresses = () => customers.all().flatMap((c) => c.addresses);
const allCards = () => customers.all().flatMap((c) => c.cards);

function login(authorization: string | undefined): StoredCustomer | undefined {
  const match = /^Basic (.+)$/i.exec(authorization ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  const found = customers.all().find((c) => c.username === username);
  if (!found) return undefined;
  const expected = Buffer.from(found.passwordHash, "hex");
  const actual = Buffer.from(hash(found.salt, password), "hex");
  return timingSafeEqual(expected, actual) ? found : undefined;
}

function ownerOf(userID: unknown): StoredCustomer {
  return customerOr404(typeof userID === "string" ? userID : undefined);
}

const router = new Router()
  .get("/login", (req) => {
    const found = login(req.headers.authorization);
    if (!found) return { status: 401, body: { error: "Unauthorized", status_code: 401 } };
    return hal({ user: customerJson(found) });
  })
  .post("/register", async (req) => {
    const body = ((await req.body()) ?? {}) as Partial<Customer>;
    if (!body.username || !body.password) throw new HttpError(400, "registration needs a username and a password");
    if (customers.all().some((c) => c.username === body.username)) throw new HttpError(500, `username ${body.username} is taken`);
    const id = objectId();
    store({
      id,
      username: body.username,
      password: body.password,
      firstName: body.firstName ?? "",
      lastName: body.lastName ?? "",
      email: body.email ?? "",
      addresses: [],
      cards: [],
    });
    return { status: 200, body: { id } };
  })
  .get("/customers", () => hal({ _embedded: { customer: customers.all().map(customerJson) } }))
  .get("/customers/:id", (req) => hal(customerJson(customerOr404(req.params.id))))
  .get("/customers/:id/addresses", (req) => hal({ _embedded: { address: customerOr404(req.params.id).addresses.map(addressJson) } }))
  .get("/customers/:id/cards", (req) => hal({ _embedded: { card: customerOr404(req.params.id).cards.map(cardJson) } }))
  .get("/addresses", () => hal({ _embedded: { address: allAddresses().map(addressJson) } }))
  .get("/addresses/:id", (req) => {
    const found = allAddresses().find((a) => a.id === req.params.id);
    if (!found) throw new HttpError(404, `no address with id ${req.params.id ?? ""}`);
    return hal(addressJson(found));
  })
  .get("/cards", () => hal({ _embedded: { card: allCards().map(cardJson) } }))
  .get("/cards/:id", (req) => {
    const found = allCards().find((c) => c.id === req.params.id);
    if (!found) throw new HttpError(404, `no card with id ${req.params.id ?? ""}`);
    return hal(cardJson(found));
  })
  .post("/addresses", async (req) => {
    const body = ((await req.body()) ?? {}) as Partial<Address> & { userID?: unknown };
    const owner = ownerOf(body.userID);
    const address: Address = {
      id: objectId(),
      number: body.number ?? "",
      street: body.street ?? "",
      city: body.city ?? "",
      postcode: body.postcode ?? "",
      country: body.country ?? "",
    };
    customers.put(owner.id, { ...owner, addresses: [...owner.addresses, address] });
    return { status: 200, body: { id: address.id } };
  })
  .post("/cards", async (req) => {
    const body = ((await req.body()) ?? {}) as Partial<Card> & { userID?: unknown };
    const owner = ownerOf(body.userID);
    const card: Card = { id: objectId(), longNum: body.longNum ?? "", expires: body.expires ?? "", ccv: body.ccv ?? "" };
    customers.put(owner.id, { ...owner, cards: [...owner.cards, card] });
    return { status: 200, body: { id: card.id } };
  })
  .delete("/customers/:id", (req) => ({ status: 200, body: { status: customers.delete(req.params.id ?? "") } }))
  .get("/health", () => ({ status: 200, body: { health: [{ service: "user", status: "OK", time: new Date().toISOString() }] } }));

runService("user", createServer(router));
