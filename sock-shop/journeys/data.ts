// Facts of the real Sock Shop the journeys rely on: the user-db demo accounts and the
// catalogue-db socks (reference §1.4, §1.5). Valid for the lite shop and the real images alike.

export interface DemoUser {
  readonly username: string;
  readonly password: string;
  /** What the topbar shows after login: "Logged in as <displayName>". */
  readonly displayName: string;
  readonly customerId: string;
}

export const DEMO_USERS = {
  user: { username: "user", password: "password", displayName: "User Name", customerId: "57a98d98e4b00679b4a830b2" },
  user1: { username: "user1", password: "password", displayName: "User1 Name1", customerId: "57a98d98e4b00679b4a830b5" },
  eve: { username: "Eve_Berger", password: "eve", displayName: "Eve Berger", customerId: "57a98d98e4b00679b4a830af" },
} as const satisfies Record<string, DemoUser>;

/**
 * The password the journeys log in with: SOCK_SHOP_PASSWORD when set (a shop whose accounts are not the
 * published demo's; the lite shop seeds its demo accounts with it too), else the demo account's own.
 * A password from the environment is a secret: masked in every report. The published demo passwords are
 * public facts of the demo, and masking "password" would garble every trace of the shop.
 */
export function accountPassword(user: DemoUser): string {
  return process.env.SOCK_SHOP_PASSWORD || user.password;
}

/** The account the game days shop with. */
export const DEMO_USER: DemoUser = DEMO_USERS.user;

export interface Sock {
  readonly id: string;
  readonly name: string;
  readonly price: number;
}

export const SOCKS = {
  weaveSpecial: { id: "6d62d909-f957-430e-8689-b5129c0bb75e", name: "Weave special", price: 17.15 },
  nerdLeg: { id: "a0a4f044-b040-410d-8ead-4de0446aec7e", name: "Nerd leg", price: 7.99 },
  crossed: { id: "808a2de1-1aaa-4c25-a9b9-6612e8f29a38", name: "Crossed", price: 17.32 },
  superSportXl: { id: "510a0d7e-8e83-4193-b483-e27e09ddc34d", name: "SuperSport XL", price: 15.0 },
  holy: { id: "03fef6ac-1896-4ce8-bd69-b798f85c6e0b", name: "Holy", price: 99.99 },
  youTubeSock: { id: "d3588630-ad8e-49df-bbd7-3167f7efb246", name: "YouTube.sock", price: 10.99 },
  figueroa: { id: "819e1fbf-8b7e-4f6d-811f-693534916a8b", name: "Figueroa", price: 14 },
  classic: { id: "zzz4f044-b040-410d-8ead-4de0446aec7e", name: "Classic", price: 12 },
  colourful: { id: "3395a43e-2d88-40de-b95f-e00e1502085b", name: "Colourful", price: 18 },
  catSocks: { id: "837ab141-399e-4c1f-9abc-bace40296bac", name: "Cat socks", price: 15 },
} as const satisfies Record<string, Sock>;

/** Flat rate the orders service adds to every order. */
export const SHIPPING_COST = 4.99;
/** Payment 0.4.3 (deployed) declines any amount above this; HEAD uses 105. */
export const PAYMENT_DECLINE_ABOVE = 100;

/**
 * Socks for orders that must go through: one of them plus shipping stays well under the payment
 * limit. Order one distinct sock per checkout: the deployed front-end (0.3.12) places one order
 * per distinct cart line on a single click.
 */
export const SOCKS_FOR_ORDERS: readonly Sock[] = [SOCKS.nerdLeg, SOCKS.youTubeSock, SOCKS.classic, SOCKS.figueroa, SOCKS.catSocks];

/** A sock whose order is declined by payment: 99.99 + 4.99 shipping > 100. */
export const DECLINED_SOCK: Sock = SOCKS.holy;
