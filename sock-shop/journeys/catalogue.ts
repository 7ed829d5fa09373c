// The journeys Sock Shop offers to scenarios, by name.
import type { Page } from "@playwright/test";
import type { Journey, JourneyCatalogue } from "../../helpers/target/journey.ts";
import { sockShopLoadFlows } from "../load-flows.ts";
import { sockShopShipping } from "../shipments.ts";
import type { SockShopJourney } from "../target.ts";
import { accountPassword, DEMO_USERS, SOCKS_FOR_ORDERS, type DemoUser } from "./data.ts";
import { SockShop } from "./sock-shop.ts";

const shops = new WeakMap<Page, SockShop>();

function shopFor(page: Page, baseUrl: string): SockShop {
  let shop = shops.get(page);
  if (!shop) shops.set(page, (shop = new SockShop(page, baseUrl)));
  return shop;
}

function demoUser(name: string | undefined): { username: string; password: string } {
  const users = DEMO_USERS as Record<string, DemoUser>;
  const user = users[name ?? "user"];
  if (!user) throw new Error(`no demo user "${name ?? ""}"; known: ${Object.keys(users).join(", ")}`);
  return { username: user.username, password: accountPassword(user) };
}

export const sockShopJourneys: JourneyCatalogue<Page> = {
  secrets: () => (process.env.SOCK_SHOP_PASSWORD ? [process.env.SOCK_SHOP_PASSWORD] : []),
  async prepare({ page, platform, user }) {
    const shop = shopFor(page, platform.endpoint("front-end"));
    const { username, password } = demoUser(user);
    await shop.open();
    await shop.logIn(username, password);
  },
  journeys: {
    checkout: {
      description: "add a sock to the cart, check out, see the order in My orders",
      async run({ page, platform, iteration }) {
        const shop = shopFor(page, platform.endpoint("front-end"));
        const sock = SOCKS_FOR_ORDERS[(iteration - 1) % SOCKS_FOR_ORDERS.length];
        if (!sock) throw new Error("no sock to order");
        await shop.addToCart(sock.id);
        const order = await shop.checkOut();
        const listed = await shop.myOrders();
        if (!listed.includes(order.id)) throw new Error(`order ${order.id} was placed but is not listed in My orders (${listed.length} listed)`);
        return { summary: `order ${order.id} placed ($${order.total.toFixed(2)})`, orders: [{ orderId: order.id, shipmentId: order.shipmentId }] };
      },
    },
    browse: {
      description: "open the catalogue and a sock's detail page",
      async run({ page, platform, iteration }) {
        const sock = SOCKS_FOR_ORDERS[(iteration - 1) % SOCKS_FOR_ORDERS.length];
        if (!sock) throw new Error("no sock to browse");
        const response = await page.goto(`${platform.endpoint("front-end")}/detail.html?id=${sock.id}`);
        if (!response?.ok()) throw new Error(`detail page answered ${response?.status() ?? "nothing"}`);
        await page.locator("#title").filter({ hasText: /\S/ }).waitFor({ timeout: 15_000 });
        return { summary: `viewed ${sock.name}` };
      },
    },
  } satisfies Record<SockShopJourney, Journey<Page>>,
  shipping: sockShopShipping,
  load: sockShopLoadFlows,
};
