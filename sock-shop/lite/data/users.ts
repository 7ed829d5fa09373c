// The upstream user-db fixtures: the three demo accounts, each with an address and a card.
export interface Address {
  id: string;
  number: string;
  street: string;
  city: string;
  postcode: string;
  country: string;
}
export interface Card {
  id: string;
  longNum: string;
  expires: string;
  ccv: string;
}
export interface Customer {
  id: string;
  firstName: string;
  lastName: string;
  username: string;
  email: string;
  password: string;
  addresses: Address[];
  cards: Card[];
}

const glasgow = { number: "246", street: "Whitelees Road", city: "Glasgow", postcode: "G67 3DL", country: "United Kingdom" };

export const DEMO_CUSTOMERS: readonly Customer[] = [
  {
    id: "57a98d98e4b00679b4a830b2",
    firstName: "User",
    lastName: "Name",
    username: "user",
    email: "user@example.com",
    password: "password",
    addresses: [{ id: "57a98d98e4b00679b4a830b0", ...glasgow }],
    cards: [{ id: "57a98d98e4b00679b4a830b1", longNum: "5544154011345918", expires: "08/19", ccv: "958" }],
  },
  {
    id: "57a98d98e4b00679b4a830b5",
    firstName: "User1",
    lastName: "Name1",
    username: "user1",
    email: "user1@example.com",
    password: "password",
    addresses: [
      { id: "57a98d98e4b00679b4a830b3", number: "4", street: "Maes-Y-Deri", city: "Aberdare", postcode: "CF44 6TF", country: "United Kingdom" },
    ],
    cards: [{ id: "57a98d98e4b00679b4a830b4", longNum: "0908415193175205", expires: "08/19", ccv: "280" }],
  },
  {
    id: "57a98d98e4b00679b4a830af",
    firstName: "Eve",
    lastName: "Berger",
    username: "Eve_Berger",
    email: "eve@example.com",
    password: "eve",
    addresses: [{ id: "57a98d98e4b00679b4a830ad", ...glasgow }],
    cards: [{ id: "57a98d98e4b00679b4a830ae", longNum: "5953580604169678", expires: "08/19", ccv: "678" }],
  },
];
