// Page objects for the Sock Shop front-end. They use only the upstream selectors and routes
// (reference §1.6–1.7), so the same code drives the lite shop and weaveworksdemos/front-end:0.3.12.
import type { Frame, Locator, Page, Response, Route } from "@playwright/test";

export interface PlacedOrder {
  /** 24-hex order id: the answer's top-level `id` (upstream), else the last segment of `_links.self.href`. */
  readonly id: string;
  /** Amount charged, shipping (4.99) included, as orders stored it. */
  readonly total: number;
  /**
   * `order.shipment.id`: the UUID orders gave the Shipment and shipping published to the queue.
   * Upstream's queue-master logs the shipment's `name` (the customer id), never this id.
   */
  readonly shipmentId: string;
  readonly customerId: string;
}

/**
 * The shop did not place the order. `status` is the POST /orders answer (undefined when the page
 * sent none); `shownMessage` is what the customer saw in #user-message (undefined: nothing).
 */
export class OrderNotPlaced extends Error {
  override readonly name = "OrderNotPlaced";
  constructor(
    readonly status: number | undefined,
    readonly shownMessage: string | undefined,
    readonly responseBody: string | undefined,
  ) {
    const answer = status === undefined ? "no POST /orders was sent" : `POST /orders answered ${status}`;
    const shown = shownMessage === undefined ? "the page shows no message" : `the page shows "${shownMessage}"`;
    const body = shownMessage === undefined && responseBody !== undefined ? ` (body: ${preview(responseBody)})` : "";
    super(`order not placed: ${answer} and ${shown}${body}`);
  }
}

export interface SockShopOptions {
  /** Deadline of every wait: page loads, backend answers, messages. Default 30 s. */
  readonly timeoutMs?: number;
}

// The cart count and the navigation sit in Bootstrap "collapse" parts hidden below 992 px.
const MIN_DESKTOP_WIDTH = 1024;
const ORDER_ID = /^[0-9a-f]{24}$/;
// Upstream shows nothing for a refused order other than 406; this long we look for a message.
const SILENT_FAILURE_GRACE_MS = 1_000;

export class SockShop {
  private readonly page: Page;
  private readonly base: URL;
  private readonly timeoutMs: number;

  constructor(page: Page, baseUrl: string, options: SockShopOptions = {}) {
    const viewport = page.viewportSize();
    if (viewport && viewport.width < MIN_DESKTOP_WIDTH) {
      throw new Error(`SockShop needs a desktop viewport (>= ${MIN_DESKTOP_WIDTH} px wide): this page is ${viewport.width} px`);
    }
    this.page = page;
    this.base = new URL(baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`);
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** Opens the home page and waits for the asynchronously loaded topbar and navbar. */
  async open(): Promise<void> {
    await this.page.goto(this.url(""), { timeout: this.timeoutMs });
    await this.fragmentsLoaded();
  }

  /**
   * Logs in through the topbar modal; resolves once the page has reloaded and greets the
   * customer. Returns the greeted name ("User Name" for `user`).
   */
  async logIn(username: string, password: string): Promise<string> {
    const { page } = this;
    const timeout = this.timeoutMs;
    await this.fragmentsLoaded();
    await page.locator("#login a").click({ timeout });
    const modal = page.locator("#login-modal");
    await modal.locator("#username-modal").fill(username, { timeout });
    await modal.locator("#password-modal").fill(password, { timeout });
    // login() reloads the page 1.5 s after success: the only navigation that can follow the click.
    const reloaded = armed(page.waitForEvent("framenavigated", { predicate: (frame) => frame === page.mainFrame(), timeout }));
    await modal.locator("button.btn-primary").click({ timeout });

    const outcome = page.locator("#login-message .alert").first();
    // The message goes with the reload that follows a success: on a loaded machine the reload can
    // come before the message is seen at all. Only a success reloads, so whichever comes first decides.
    const first = await Promise.race([armed(outcome.waitFor({ timeout })).then(() => "message" as const), reloaded.then(() => "reloaded" as const)]);
    const shown = first === "message" ? await visibleText(outcome, 2_000).catch(() => undefined) : undefined;
    if (shown !== undefined && !shown.includes("Login successful.")) throw new Error(`login as "${username}" failed: #login-message shows "${shown}"`);
    await reloaded;
    const howdy = page.locator("#howdy").filter({ hasText: "Logged in as" });
    try {
      await howdy.waitFor({ timeout });
    } catch {
      throw new Error(`login as "${username}" said "Login successful." but after the reload #howdy never showed "Logged in as …"`);
    }
    return (await visibleText(howdy)).replace(/^Logged in as\s*/, "");
  }

  /**
   * Adds one of a sock from its detail page; resolves once the navbar counts it.
   * Returns the new number of items in the cart.
   */
  async addToCart(itemId: string): Promise<number> {
    const { page } = this;
    const timeout = this.timeoutMs;
    // Each page load asks GET /cart once, for the navbar.
    const navbarCart = (r: Response): boolean => this.isCall(r, "GET", "cart");
    const cartOnLoad = responseOfNextDocument(page, navbarCart, timeout, "GET /cart of detail.html");
    await page.goto(this.url(`detail.html?id=${encodeURIComponent(itemId)}`), { timeout });
    const before = await this.navbarShowsCart(await cartOnLoad);

    // #buttonCart gets its click handler only once the item has loaded, i.e. when #title is set.
    await page.locator("#title").filter({ hasText: /\S/ }).waitFor({ timeout });
    const added = armed(page.waitForResponse((r) => this.isCall(r, "POST", "cart"), { timeout }));
    const cartAfterReload = responseOfNextDocument(page, navbarCart, timeout, "GET /cart after adding to the cart");
    await page.locator("#buttonCart").click({ timeout });
    const addAnswer = await added;
    if (addAnswer.status() !== 201) {
      throw new Error(`adding ${itemId} to the cart failed: POST /cart answered ${addAnswer.status()} (${preview(await bodyOf(addAnswer))})`);
    }
    const after = await this.navbarShowsCart(await cartAfterReload);
    if (after <= before) throw new Error(`adding ${itemId} did not increase the cart: the navbar counted ${before} item(s), then ${after}`);
    return after;
  }

  /**
   * Checks out the current cart from the basket page. Resolves with the order from the
   * POST /orders answer once the customer has seen "Order placed." and landed on My orders;
   * throws OrderNotPlaced with the status and the message shown otherwise.
   */
  async checkOut(): Promise<PlacedOrder> {
    const { page } = this;
    const timeout = this.timeoutMs;
    await page.goto(this.url("basket.html"), { timeout });
    try {
      await page.locator("#cart-list tr.item").first().waitFor({ timeout });
    } catch {
      throw new Error("cannot check out: the basket lists no items (#cart-list tr.item)");
    }
    // The checkout handler refuses to order while #address / #number say nothing is saved; a
    // customer reads both before paying.
    await page.locator("#address").filter({ hasText: /\S/ }).waitFor({ timeout });
    await page.locator("#number").filter({ hasText: /\S/ }).waitFor({ timeout });

    // On 201 the page shows "Order placed." and submits its form in the same task; right after,
    // the page is gone, and in Chromium the response body with it. So both are captured as they
    // happen: the answer at the network layer, the message by the page itself through a binding.
    const messages = await this.watchUserMessage();
    const answers = new OrderAnswerCapture(page, new URL("orders", this.base).pathname, timeout);
    let clicked: Promise<void> = Promise.resolve();
    let order: PlacedOrder;
    try {
      await answers.install();
      // click() waits until the button is enabled, then for the navigation it caused.
      clicked = armed(page.locator("#orderButton").click({ timeout }));
      // A page that refuses by itself (no address or card) shows a message and sends nothing.
      const refusedInPage = messages
        .next(isDanger, timeout)
        .then((message): CheckoutOutcome | Promise<CheckoutOutcome> => (message ? { refusedInPage: message.text } : answers.first));
      const outcome = await Promise.race<CheckoutOutcome>([answers.first, clicked.then(() => answers.first), refusedInPage]);
      if ("refusedInPage" in outcome) throw new OrderNotPlaced(undefined, outcome.refusedInPage, undefined);
      if ("failure" in outcome) throw new Error(`order not placed: ${outcome.failure} (the page shows: ${messages.describe()})`);
      if (outcome.status !== 201) {
        const shown = await messages.next(isDanger, outcome.status === 406 ? timeout : SILENT_FAILURE_GRACE_MS);
        throw new OrderNotPlaced(outcome.status, shown?.text, outcome.body);
      }
      order = parsePlacedOrder(outcome.body);
      const placed = await messages.next((m) => m.alertClasses.includes("alert-success") && m.text.includes("Order placed."), timeout);
      if (!placed) throw new Error(`order ${order.id} was created (201) but the page never showed "Order placed." (it showed: ${messages.describe()})`);
    } finally {
      messages.stop();
      await answers.uninstall();
    }
    try {
      await page.waitForURL((url) => url.pathname.endsWith("/customer-orders.html"), { timeout });
      await clicked;
    } catch {
      throw new Error(`order ${order.id} was placed but the browser did not land on customer-orders.html (it is on ${page.url()})`);
    }
    return order;
  }

  /** Opens My orders and returns the order ids it lists, in page order (oldest first). */
  async myOrders(): Promise<string[]> {
    const { page } = this;
    const timeout = this.timeoutMs;
    const listed = responseOfNextDocument(page, (r) => this.isCall(r, "GET", "orders"), timeout, "GET /orders of customer-orders.html");
    await page.goto(this.url("customer-orders.html"), { timeout });
    const answer = await listed;
    const body = await bodyOf(answer);
    // 201 is what the upstream front-end answers for this GET.
    if (answer.status() !== 201) throw new Error(`My orders did not load: GET /orders answered ${answer.status()} (${preview(body)})`);
    const orders = parseJson(body, "GET /orders");
    const expected = Array.isArray(orders) ? orders.length : 0;
    await page.waitForFunction((n) => document.querySelectorAll("#tableOrders tr").length >= n, expected, { timeout });
    const headings = await page.locator("#tableOrders tr th").allInnerTexts();
    return headings.map((text) => {
      const id = /#\s*(\S+)/.exec(text)?.[1];
      if (id === undefined) throw new Error(`My orders lists a row whose heading "${text}" has no "# <orderId>"`);
      return id;
    });
  }

  private url(path: string): string {
    return new URL(path, this.base).toString();
  }

  /** A response to `method` on a front-end path given relative to the shop's base URL. */
  private isCall(response: Response, method: string, relativePath: string): boolean {
    return response.request().method() === method && new URL(response.url()).pathname === new URL(relativePath, this.base).pathname;
  }

  /** The topbar and navbar are loaded after DOM ready; their selectors exist only afterwards. */
  private async fragmentsLoaded(): Promise<void> {
    const timeout = this.timeoutMs;
    await this.page.locator("#topbar ul.menu").waitFor({ state: "attached", timeout });
    await this.page.locator("#navbar #tabIndex").waitFor({ state: "attached", timeout });
  }

  /** Waits until the navbar shows the cart of that GET /cart answer; returns its item count. */
  private async navbarShowsCart(cartAnswer: Response): Promise<number> {
    const body = await bodyOf(cartAnswer);
    if (cartAnswer.status() !== 200) throw new Error(`the navbar has no cart: GET /cart answered ${cartAnswer.status()} (${preview(body)})`);
    const lines = parseJson(body, "GET /cart");
    if (!Array.isArray(lines)) throw new Error(`GET /cart answered something other than a list: ${preview(body)}`);
    const count = lines.reduce<number>((sum, line) => sum + Number(isRecord(line) ? line.quantity : 0), 0);
    // Upstream rewrites the initial "0 items in cart" only for a non-empty cart.
    const text = count > 0 ? `${count} item(s) in cart` : "0 items in cart";
    const counter = this.page.locator("#navbar #numItemsInCart");
    try {
      await counter.filter({ hasText: new RegExp(`^${escapeRegExp(text)}$`) }).waitFor({ timeout: this.timeoutMs });
    } catch {
      throw new Error(`the cart holds ${count} item(s) but the navbar shows "${await textOrNothing(counter)}", not "${text}"`);
    }
    return count;
  }

  /**
   * Reports every change of #user-message from inside the page. A report leaves the page in the
   * task that made the change, before a form submission can navigate away, so none is lost.
   */
  private async watchUserMessage(): Promise<UserMessageWatch> {
    const watch = new UserMessageWatch(await userMessageChannel(this.page));
    try {
      await this.page.evaluate((binding) => {
        const box = document.querySelector("#user-message");
        if (!box) throw new Error("this page has no #user-message");
        const report = (window as unknown as Record<string, ((message: unknown) => void) | undefined>)[binding];
        if (!report) throw new Error(`the page has no ${binding} binding`);
        new MutationObserver(() => {
          const alertClasses = Array.from(box.querySelectorAll(".alert"), (alert) => alert.className).join(" ");
          // Without the alerts' "×" close button: the text as the customer reads it.
          const text = (box.textContent ?? "").replace(/\s+/g, " ").replace(/^\u00d7\s*/, "").trim();
          report({ alertClasses, text });
        }).observe(box, { childList: true, subtree: true, characterData: true });
      }, USER_MESSAGE_BINDING);
    } catch (error) {
      watch.stop();
      throw error;
    }
    return watch;
  }
}

// ---- POST /orders capture --------------------------------------------------------------------

type OrderAnswer = { status: number; body: string } | { failure: string };
type CheckoutOutcome = OrderAnswer | { refusedInPage: string };

/**
 * Reads the first POST /orders answer in Node: the route fetches it, keeps status and body, and
 * hands the same answer to the page. Everything else passes untouched.
 */
class OrderAnswerCapture {
  private settle: (answer: OrderAnswer) => void = () => undefined;
  /** The first answer (the deployed 0.3.12 posts once per distinct cart line on one click). */
  readonly first = new Promise<OrderAnswer>((resolve) => (this.settle = resolve));
  private deadline: NodeJS.Timeout | undefined;
  private readonly matches = (url: URL): boolean => url.pathname === this.ordersPath;
  private readonly handler = async (route: Route): Promise<void> => {
    if (route.request().method() !== "POST") return route.fallback();
    try {
      const response = await route.fetch({ timeout: this.timeoutMs });
      const body = await response.text();
      this.settle({ status: response.status(), body });
      await route.fulfill({ response, body });
    } catch (error) {
      this.settle({ failure: `POST /orders failed: ${firstLine(error)}` });
      // The page gets a network error, as it would have without us; a closing page refuses aborts.
      await route.abort("failed").catch(() => undefined);
    }
  };

  constructor(
    private readonly page: Page,
    private readonly ordersPath: string,
    private readonly timeoutMs: number,
  ) {}

  async install(): Promise<void> {
    await this.page.route(this.matches, this.handler);
    this.deadline = setTimeout(() => this.settle({ failure: `no POST /orders answer within ${this.timeoutMs} ms` }), this.timeoutMs);
  }

  async uninstall(): Promise<void> {
    clearTimeout(this.deadline);
    await this.page.unroute(this.matches, this.handler);
  }
}

// ---- #user-message reports -------------------------------------------------------------------

interface UserMessage {
  /** Classes of the alerts in #user-message, e.g. "alert alert-success alert-dismissible". */
  readonly alertClasses: string;
  readonly text: string;
}
type UserMessageListener = (message: UserMessage) => void;

const isDanger = (message: UserMessage): boolean => message.alertClasses.includes("alert-danger");

const USER_MESSAGE_BINDING = "__gamedayUserMessage";
const userMessageChannels = new WeakMap<Page, Promise<Set<UserMessageListener>>>();

/** One binding per page (a name can be exposed only once), fanned out to the current watches. */
function userMessageChannel(page: Page): Promise<Set<UserMessageListener>> {
  let channel = userMessageChannels.get(page);
  if (!channel) {
    const listeners = new Set<UserMessageListener>();
    channel = page
      .exposeBinding(USER_MESSAGE_BINDING, (_source, message: UserMessage) => {
        for (const listener of listeners) listener(message);
      })
      .then(() => listeners);
    userMessageChannels.set(page, channel);
  }
  return channel;
}

/** The #user-message contents reported since the watch began, and waits for one of them. */
class UserMessageWatch {
  private readonly seen: UserMessage[] = [];
  private readonly pending = new Set<{ matches: (m: UserMessage) => boolean; done: (m: UserMessage | undefined) => void }>();
  private readonly listener: UserMessageListener = (message) => {
    this.seen.push(message);
    for (const waiter of this.pending) if (waiter.matches(message)) waiter.done(message);
  };

  constructor(private readonly listeners: Set<UserMessageListener>) {
    listeners.add(this.listener);
  }

  /** The first report matching, seen already or within `timeoutMs`; undefined if none (or stopped). */
  next(matches: (message: UserMessage) => boolean, timeoutMs: number): Promise<UserMessage | undefined> {
    const already = this.seen.find(matches);
    if (already) return Promise.resolve(already);
    return new Promise((resolve) => {
      const waiter = {
        matches,
        done: (message: UserMessage | undefined) => {
          clearTimeout(timer);
          this.pending.delete(waiter);
          resolve(message);
        },
      };
      const timer = setTimeout(() => waiter.done(undefined), timeoutMs);
      this.pending.add(waiter);
    });
  }

  describe(): string {
    return this.seen.length === 0 ? "nothing" : this.seen.map((m) => `"${m.text}"`).join(", then ");
  }

  stop(): void {
    this.listeners.delete(this.listener);
    for (const waiter of this.pending) waiter.done(undefined);
  }
}

// ---- helpers ---------------------------------------------------------------------------------

/**
 * The order in a 201 answer to POST /orders. Upstream's orders answers the plain saved
 * CustomerOrder (top-level `id`, no `_links`); a HAL answer's id is the last segment of its
 * `_links.self.href`. Throws, naming what is wrong, on anything else.
 */
export function parsePlacedOrder(body: string): PlacedOrder {
  const order = parseJson(body, "POST /orders");
  if (!isRecord(order)) throw new Error(`POST /orders answered 201 with something other than an order: ${preview(body)}`);
  const links = order._links;
  const self = isRecord(links) && isRecord(links.self) && typeof links.self.href === "string" ? links.self.href : undefined;
  const id = typeof order.id === "string" ? order.id : (self?.split("/").pop() ?? "");
  if (!ORDER_ID.test(id)) {
    throw new Error(`POST /orders answered 201 but neither its id ${JSON.stringify(order.id)} nor its _links.self.href "${self ?? "(none)"}" is a 24-hex order id`);
  }
  const shipment = order.shipment;
  const shipmentId = isRecord(shipment) ? shipment.id : undefined;
  if (typeof order.total !== "number") throw new Error(`order ${id} has no numeric total: ${JSON.stringify(order.total)}`);
  if (typeof shipmentId !== "string" || shipmentId === "") throw new Error(`order ${id} has no shipment id: shipment is ${JSON.stringify(shipment)}`);
  if (typeof order.customerId !== "string") throw new Error(`order ${id} has no customerId: ${JSON.stringify(order.customerId)}`);
  return { id, total: order.total, shipmentId, customerId: order.customerId };
}

/** Marks a wait as handled at once, so throwing before awaiting it leaves no unhandled rejection. */
function armed<T>(wait: Promise<T>): Promise<T> {
  wait.catch(() => undefined);
  return wait;
}

/**
 * The first matching response after the main frame's next navigation: a response of the document
 * about to load, never a late one of the page being left (events arrive in order).
 */
function responseOfNextDocument(page: Page, matches: (response: Response) => boolean, timeoutMs: number, what: string): Promise<Response> {
  return armed(
    new Promise<Response>((resolve, reject) => {
      let navigated = false;
      const onNavigated = (frame: Frame): void => {
        if (frame === page.mainFrame()) navigated = true;
      };
      const onResponse = (response: Response): void => {
        if (navigated && matches(response)) finish(() => resolve(response));
      };
      const onClose = (): void => finish(() => reject(new Error(`${what}: the page closed first`)));
      const timer = setTimeout(() => finish(() => reject(new Error(`${what}: none within ${timeoutMs} ms`))), timeoutMs);
      function finish(settle: () => void): void {
        clearTimeout(timer);
        page.off("framenavigated", onNavigated);
        page.off("response", onResponse);
        page.off("close", onClose);
        settle();
      }
      page.on("framenavigated", onNavigated);
      page.on("response", onResponse);
      page.on("close", onClose);
    }),
  );
}

async function bodyOf(response: Response): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    return `(body unavailable: ${firstLine(error)})`;
  }
}

function parseJson(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    throw new Error(`${what} answered a body that is not JSON: ${preview(body)}`);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Text as the customer reads it, without the alerts' "×" close button. */
// Bounded: Playwright's innerText waits without end for an element that left the page (the login
// message goes with the reload 1.5 s after success, and a loaded machine can land in between).
async function visibleText(locator: Locator, timeout = 10_000): Promise<string> {
  return (await locator.innerText({ timeout })).replace(/\s+/g, " ").replace(/^\u00d7\s*/, "").trim();
}

async function textOrNothing(locator: Locator): Promise<string> {
  try {
    return (await locator.first().textContent({ timeout: 1_000 }))?.replace(/\s+/g, " ").trim() ?? "";
  } catch {
    return "(not on the page)";
  }
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split("\n")[0] ?? message;
}

function preview(text: string): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat || "(empty)";
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
