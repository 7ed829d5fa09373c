// front-end: the shop's web server. Static pages from ../public plus the upstream Express API
// (front-end 0.3.12, reference §1.2): same routes, status codes, cookies and session semantics.
import type http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { call, createServer, HttpError, Router, send, type CallResult, type Handler, type Reply, type Request } from "../lib/http.ts";
import { RequestDurations } from "../lib/metrics.ts";
import { env, runService, serviceUrl } from "../lib/service.ts";
import { loggedInCookie, LOGGED_IN_COOKIE, parseCookies, sessionCookie, SessionStore, withSetCookie, type Session } from "../lib/sessions.ts";
import { staticFiles } from "../lib/static-files.ts";

const catalogueUrl = serviceUrl("catalogue");
const cartsUrl = serviceUrl("carts");
const userUrl = serviceUrl("user");
const ordersUrl = serviceUrl("orders");
// Upstream uses `request` without a timeout; we bound it generously so orders' own 5 s timeouts
// (payment, then shipping) decide the outcome, not us.
const UPSTREAM_TIMEOUT_MS = Number(env("UPSTREAM_TIMEOUT_MS", "30000"));
const publicRoot = path.resolve(fileURLToPath(new URL("../public", import.meta.url)));
const sessions = new SessionStore();
const requestDurations = new RequestDurations("front-end");

// ---------------------------------------------------------------------------------------------
// API routes' middleware: the session (express-session, lib/sessions.ts) and upstream's error shape.

interface ShopRequest extends Request {
  readonly session: Session;
  readonly cookies: Map<string, string>;
}
type ShopHandler = (req: ShopRequest) => Promise<Reply> | Reply;

/** An API route: session resolution, upstream's JSON error shape, and md.sid on new sessions. */
function api(handler: ShopHandler): Handler {
  return async (req) => {
    const cookies = parseCookies(req.headers.cookie);
    const { session, created } = sessions.resolve(cookies);
    let reply: Reply;
    try {
      reply = await handler({ ...req, session, cookies });
    } catch (error) {
      reply = errorReply(error);
    }
    return created ? withSetCookie(reply, sessionCookie(session.id)) : reply;
  };
}

function errorReply(error: unknown): Reply {
  const status = error instanceof HttpError ? error.status : 500;
  const message = error instanceof Error ? error.message : String(error);
  if (status >= 500) console.error(`front-end error: ${message}`);
  // Upstream's error handler answers {message, error}; `error` was the serialised Error object.
  return { status, body: { message, error: { status } } };
}

/** helpers.getCustomerId: the session customer when logged in, else the session id (anonymous cart). */
function cartOwner(req: ShopRequest): string {
  if (!req.cookies.get(LOGGED_IN_COOKIE)) return req.session.id;
  if (req.session.customerId === undefined) throw new HttpError(500, "User not logged in.");
  return req.session.customerId;
}

function loggedInCustomer(req: ShopRequest): string {
  if (!req.cookies.get(LOGGED_IN_COOKIE)) throw new HttpError(500, "User not logged in.");
  // A logged_in cookie from a session this process no longer knows (restart) has no customer.
  if (req.session.customerId === undefined) throw new HttpError(500, `User not logged in (session ${req.session.id} has no customer).`);
  return req.session.customerId;
}

// ---------------------------------------------------------------------------------------------
// Upstream calls.

type CallInit = NonNullable<Parameters<typeof call>[1]>;

function describeFailure(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) {
    return `no answer within ${UPSTREAM_TIMEOUT_MS} ms`;
  }
  const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

/** Calls a backend; a transport failure becomes a 500 naming the service, the URL and the cause. */
async function upstream<T = unknown>(service: string, url: string, init: CallInit = {}): Promise<CallResult<T>> {
  try {
    return await call<T>(url, { timeoutMs: UPSTREAM_TIMEOUT_MS, ...init });
  } catch (error) {
    throw new HttpError(500, `${service} ${init.method ?? "GET"} ${url} failed: ${describeFailure(error)}`);
  }
}

interface RawAnswer {
  status: number;
  contentType: string;
  bytes: Buffer;
}

/** Fetches without parsing, for pass-through routes (images, orders HAL, catalogue JSON). */
async function fetchRaw(service: string, url: string): Promise<RawAnswer> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS) });
    return {
      status: response.status,
      contentType: response.headers.get("content-type") ?? "application/json",
      bytes: Buffer.from(await response.arrayBuffer()),
    };
  } catch (error) {
    throw new HttpError(500, `${service} GET ${url} failed: ${describeFailure(error)}`);
  }
}

/**
 * Relays a backend's body and content type. Upstream's request.get(url).pipe(res) keeps the
 * backend's status; its helpers.simpleHttpRequest answers 200 whatever the backend said
 * (`status: 200`).
 */
async function relay(service: string, url: string, status?: number): Promise<Reply> {
  const answer = await fetchRaw(service, url);
  return { status: status ?? answer.status, raw: answer.bytes, headers: { "content-type": answer.contentType } };
}

const jsonReply = (status: number, body: unknown): Reply => ({ status, body });

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** `_embedded.<kind>` of a HAL list, or undefined when the body is not such a list. */
function embedded(body: unknown, kind: string): Record<string, unknown>[] | undefined {
  if (!isRecord(body) || !isRecord(body._embedded)) return undefined;
  const list = body._embedded[kind];
  return Array.isArray(list) ? list.filter(isRecord) : undefined;
}

function href(resource: unknown, rel: string): string | undefined {
  if (!isRecord(resource) || !isRecord(resource._links)) return undefined;
  const link = resource._links[rel];
  return isRecord(link) && typeof link.href === "string" ? link.href : undefined;
}

async function mergeAnonymousCart(customerId: string, sessionId: string): Promise<void> {
  const url = `${cartsUrl}/carts/${encodeURIComponent(customerId)}/merge?sessionId=${encodeURIComponent(sessionId)}`;
  await upstream("carts", url);
}

async function catalogueItem(id: string): Promise<{ id: string; price: number }> {
  const found = await upstream<unknown>("catalogue", `${catalogueUrl}/catalogue/${encodeURIComponent(id)}`);
  const item = found.body;
  if (found.status !== 200 || !isRecord(item) || typeof item.id !== "string" || typeof item.price !== "number") {
    throw new HttpError(500, `catalogue has no usable item "${id}" (status ${found.status})`);
  }
  return { id: item.id, price: item.price };
}

function requiredField(body: unknown, field: string, message: string): unknown {
  const value = isRecord(body) ? body[field] : undefined;
  // Upstream passes 400 as a second argument to next(), which Express ignores: these are 500s.
  if (value === undefined || value === null) throw new HttpError(500, message);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Routes (api/user, api/catalogue, api/cart, api/orders).

const router = new Router();

router.get("/health", () => jsonReply(200, { health: [{ service: "front-end", status: "OK" }] }));

// --- user -------------------------------------------------------------------------------------

router.get(
  "/login",
  api(async (req) => {
    const authorization = req.headers.authorization;
    let customerId: unknown;
    try {
      const login = await upstream("user", `${userUrl}/login`, { headers: authorization ? { authorization } : {} });
      const user = isRecord(login.body) ? login.body.user : undefined;
      if (login.status === 200 && isRecord(user)) customerId = user.id;
    } catch (error) {
      // Upstream turns any failure of this step into 401 (no distinction between down and wrong).
      console.error(`front-end: login failed: ${describeFailure(error)}`);
    }
    if (typeof customerId !== "string") return { status: 401 };
    req.session.customerId = customerId;
    try {
      await mergeAnonymousCart(customerId, req.session.id);
    } catch (error) {
      console.error(`front-end: cart merge after login ignored: ${describeFailure(error)}`);
    }
    return {
      status: 200,
      raw: "Cookie is set",
      headers: { "content-type": "text/html; charset=utf-8", "set-cookie": [loggedInCookie(req.session.id)] },
    };
  }),
);

router.post(
  "/register",
  api(async (req) => {
    const body = await req.body();
    let customerId: string;
    try {
      const registered = await upstream("user", `${userUrl}/register`, { method: "POST", body });
      const answer = registered.body;
      if (registered.status !== 200 || !isRecord(answer) || answer.error || typeof answer.id !== "string") {
        console.error(`front-end: register refused by user (status ${registered.status}): ${JSON.stringify(answer)}`);
        return { status: 500 };
      }
      customerId = answer.id;
      req.session.customerId = customerId;
      await mergeAnonymousCart(customerId, req.session.id);
    } catch (error) {
      console.error(`front-end: register failed: ${describeFailure(error)}`);
      return { status: 500 };
    }
    return { status: 200, body: { id: customerId }, headers: { "set-cookie": [loggedInCookie(req.session.id)] } };
  }),
);

// Upstream ignores :id and always answers for the session's customer.
router.get(
  "/customers/:id",
  api((req) => {
    const customerId = req.session.customerId;
    if (customerId === undefined) throw new HttpError(500, "User not logged in.");
    return relay("user", `${userUrl}/customers/${encodeURIComponent(customerId)}`, 200);
  }),
);
router.get("/customers", api(() => relay("user", `${userUrl}/customers`, 200)));
router.get("/addresses", api(() => relay("user", `${userUrl}/addresses`, 200)));
router.get("/cards", api(() => relay("user", `${userUrl}/cards`, 200)));
router.get("/cards/:id", api((req) => relay("user", `${userUrl}/cards/${encodeURIComponent(req.params.id ?? "")}`, 200)));

/** POST /customers (test helper), /addresses and /cards: upstream answers 200 with user's body. */
function postToUser(resource: "customers" | "addresses" | "cards", withOwner: boolean): Handler {
  return api(async (req) => {
    const given = await req.body();
    const body = withOwner ? { ...(isRecord(given) ? given : {}), userID: cartOwner(req) } : given;
    const answer = await upstream("user", `${userUrl}/${resource}`, { method: "POST", body });
    return jsonReply(200, answer.body);
  });
}
router.post("/customers", postToUser("customers", false));
router.post("/addresses", postToUser("addresses", true));
router.post("/cards", postToUser("cards", true));

for (const resource of ["customers", "addresses", "cards"] as const) {
  router.delete(
    `/${resource}/:id`,
    api(async (req) => {
      const answer = await upstream("user", `${userUrl}/${resource}/${encodeURIComponent(req.params.id ?? "")}`, { method: "DELETE" });
      return jsonReply(200, answer.body);
    }),
  );
}

/** GET /address and /card: the first one of the session customer, or {"status_code":500}. */
async function firstOfCustomer(req: ShopRequest, kind: "address" | "card"): Promise<Record<string, unknown> | undefined> {
  const owner = cartOwner(req);
  const path = kind === "address" ? "addresses" : "cards";
  const answer = await upstream("user", `${userUrl}/customers/${encodeURIComponent(owner)}/${path}`);
  return embedded(answer.body, kind)?.[0];
}
router.get(
  "/address",
  api(async (req) => jsonReply(200, (await firstOfCustomer(req, "address")) ?? { status_code: 500 })),
);
router.get(
  "/card",
  api(async (req) => {
    const card = await firstOfCustomer(req, "card");
    const longNum = typeof card?.longNum === "string" ? card.longNum : undefined;
    return jsonReply(200, longNum === undefined ? { status_code: 500 } : { number: longNum.slice(-4) });
  }),
);

// --- catalogue --------------------------------------------------------------------------------

const originalUrl = (req: Request): string => req.raw.url ?? req.path;

router.get("/catalogue/images/*", api((req) => relay("catalogue", `${catalogueUrl}${originalUrl(req)}`)));
router.get("/catalogue", api((req) => relay("catalogue", `${catalogueUrl}${originalUrl(req)}`, 200)));
router.get("/catalogue/*", api((req) => relay("catalogue", `${catalogueUrl}${originalUrl(req)}`, 200)));
router.get("/tags", api(() => relay("catalogue", `${catalogueUrl}/tags`, 200)));

// --- cart -------------------------------------------------------------------------------------

const cartItemsUrl = (owner: string): string => `${cartsUrl}/carts/${encodeURIComponent(owner)}/items`;

router.get(
  "/cart",
  api(async (req) => {
    const answer = await upstream("carts", cartItemsUrl(cartOwner(req)));
    return jsonReply(answer.status, answer.body);
  }),
);

router.post(
  "/cart",
  api(async (req) => {
    const id = String(requiredField(await req.body(), "id", "Must pass id of item to add"));
    const owner = cartOwner(req);
    const item = await catalogueItem(id);
    const added = await upstream("carts", cartItemsUrl(owner), { method: "POST", body: { itemId: item.id, unitPrice: item.price } });
    if (added.status !== 201) throw new HttpError(500, `Unable to add to cart. Status code: ${added.status}`);
    return { status: 201 };
  }),
);

router.post(
  "/cart/update",
  api(async (req) => {
    const body = await req.body();
    const id = String(requiredField(body, "id", "Must pass id of item to update"));
    const quantity = requiredField(body, "quantity", "Must pass quantity to update");
    const owner = cartOwner(req);
    const item = await catalogueItem(id);
    const updated = await upstream("carts", cartItemsUrl(owner), {
      method: "PATCH",
      body: { itemId: item.id, quantity, unitPrice: item.price },
    });
    if (updated.status !== 202) throw new HttpError(500, `Unable to update cart item ${id}. Status code: ${updated.status}`);
    return { status: 202 };
  }),
);

router.delete(
  "/cart",
  api(async (req) => {
    const answer = await upstream("carts", `${cartsUrl}/carts/${encodeURIComponent(cartOwner(req))}`, { method: "DELETE" });
    return { status: answer.status };
  }),
);

router.delete(
  "/cart/:id",
  api(async (req) => {
    const url = `${cartItemsUrl(cartOwner(req))}/${encodeURIComponent(req.params.id ?? "")}`;
    const answer = await upstream("carts", url, { method: "DELETE" });
    return { status: answer.status };
  }),
);

// --- orders -----------------------------------------------------------------------------------

router.get(
  "/orders",
  api(async (req) => {
    const customerId = loggedInCustomer(req);
    const url = `${ordersUrl}/orders/search/customerId?sort=date&custId=${encodeURIComponent(customerId)}`;
    const found = await upstream("orders", url);
    if (found.status === 404) return jsonReply(201, []);
    if (found.status !== 200) throw new HttpError(500, `orders search for customer ${customerId} answered ${found.status}`);
    // 201, not 200: upstream's respondStatusBody(res, 201, ...) — the page does not care.
    return jsonReply(201, embedded(found.body, "customerOrders") ?? []);
  }),
);

router.get("/orders/*", api((req) => relay("orders", `${ordersUrl}${originalUrl(req)}`)));

router.post(
  "/orders",
  api(async (req) => {
    const customerId = loggedInCustomer(req);
    const customerAt = `${userUrl}/customers/${encodeURIComponent(customerId)}`;
    const customer = await upstream("user", customerAt);
    const customerLink = href(customer.body, "customer");
    const addressesLink = href(customer.body, "addresses");
    const cardsLink = href(customer.body, "cards");
    if (customer.status !== 200 || !customerLink || !addressesLink || !cardsLink) {
      throw new HttpError(500, `customer ${customerId} at ${customerAt} has no usable HAL links (status ${customer.status})`);
    }
    const [addresses, cards] = await Promise.all([upstream("user", addressesLink), upstream("user", cardsLink)]);
    // A customer without an address or card sends null, and orders answers 406 "Invalid order request…".
    const order = {
      customer: customerLink,
      address: href(embedded(addresses.body, "address")?.[0], "self") ?? null,
      card: href(embedded(cards.body, "card")?.[0], "self") ?? null,
      items: cartItemsUrl(customerId),
    };
    const placed = await upstream("orders", `${ordersUrl}/orders`, { method: "POST", body: order });
    return jsonReply(placed.status, placed.body);
  }),
);

// Prometheus metrics (lib/metrics.ts), observed for every request but /metrics by the server below.
router.get("/metrics", () => ({ status: 200, raw: requestDurations.text(), headers: { "content-type": "text/plain; version=0.0.4" } }));

// ---------------------------------------------------------------------------------------------
// Server: upstream's rewriteSlash and metrics middlewares run before any route or static file;
// createServer has no pre-routing hook, so its request listener is wrapped.

function rejectedBeforeRouting(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const url = req.url ?? "/";
  if ((url.split("?")[0] ?? "").includes("//")) {
    send(res, { status: 400, raw: `Bad Request: empty path segment in ${url}`, headers: { "content-type": "text/plain" } });
    return true;
  }
  if (url.length > 1 && url.endsWith("/")) {
    send(res, { status: 301, raw: "", headers: { location: url.slice(0, -1) } });
    return true;
  }
  return false;
}

// Static files (lib/static-files.ts) are served before the session middleware upstream, so they never set md.sid.
const server = createServer(router, staticFiles(publicRoot));
const routed = server.listeners("request") as http.RequestListener[];
server.removeAllListeners("request");
server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
  const started = process.hrtime.bigint();
  const route = ((req.url ?? "/").split("?")[0] ?? "/").toLowerCase();
  if (route !== "/metrics") {
    res.on("finish", () => requestDurations.observe(req.method ?? "GET", route, res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));
  }
  if (rejectedBeforeRouting(req, res)) return;
  for (const listener of routed) listener(req, res);
});

runService("front-end", server);
