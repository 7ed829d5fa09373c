// Shopping cart: one row per cart line (after its catalogue lookup), totals, the customer's
// address and card, and the checkout button.
"use strict";

const SHIPPING = 4.99;
const MISSING_ADDRESS = "No address saved for user.";
const MISSING_CARD = "No credit card saved for user.";
const lines = [];
// HEAD's orderPlaced guard: one order() per click, and none once an order went through.
let orderPlaced = false;
let checkoutArmed = false;

function renderTotals() {
  const subtotal = lines.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
  const quantity = lines.reduce((sum, line) => sum + line.quantity, 0);
  document.getElementById("cartTotal").textContent = formatPrice(subtotal);
  document.getElementById("orderSubtotal").textContent = formatPrice(subtotal);
  document.getElementById("orderShipping").textContent = formatPrice(SHIPPING);
  document.getElementById("orderTax").textContent = formatPrice(0);
  document.getElementById("orderGrandTotal").textContent = formatPrice(subtotal + SHIPPING);
  // Upstream writes this into the first #numItemsInCart in the document, which may be the navbar's;
  // here it goes where it was meant to go.
  document.querySelector("#basket #numItemsInCart").textContent = "You currently have " + quantity + " item(s) in your cart.";
}

function cartRow(line, item) {
  const detail = "detail.html?id=" + encodeURIComponent(line.itemId);
  const image = item.imageUrl && item.imageUrl[0];
  const remove = el("a", { href: "#", title: "Remove " + item.name, "aria-label": "Remove " + item.name }, "\u2715");
  remove.addEventListener("click", (event) => {
    event.preventDefault();
    deleteFromCart(line.itemId);
  });
  return el(
    "tr",
    { class: "item" },
    el("td", {}, el("input", { type: "hidden", class: "id", value: line.itemId }), el("a", { href: detail }, productImage(image, item.name))),
    el("td", {}, el("a", { href: detail }, item.name)),
    el("td", { id: line.itemId }, el("input", { type: "number", value: line.quantity, min: 1, class: "form-control" })),
    el("td", {}, formatPrice(line.unitPrice)),
    el("td", {}, "$0.00"),
    el("td", {}, formatPrice(line.quantity * line.unitPrice)),
    el("td", {}, remove),
  );
}

function armCheckout() {
  const button = document.getElementById("orderButton");
  button.disabled = false;
  if (checkoutArmed) return;
  checkoutArmed = true;
  button.addEventListener("click", (event) => {
    if (orderPlaced) {
      event.preventDefault();
      return;
    }
    const addressText = document.getElementById("address").textContent;
    const cardText = document.getElementById("number").textContent;
    if (addressText === MISSING_ADDRESS || cardText === MISSING_CARD) {
      showAlert("#user-message", "danger", "Could not place order. Missing shipping or payment information.");
      event.preventDefault();
      return;
    }
    orderPlaced = order();
    if (!orderPlaced) event.preventDefault(); // stay on the basket; the message says why
  });
}

function showMissing(boxId, addId, text) {
  document.getElementById(boxId).replaceChildren(el("span", { class: "text-danger" }, text));
  document.getElementById(addId).classList.remove("hidden");
}

document.addEventListener("DOMContentLoaded", () => {
  getJSON("cart")
    .then((items) => {
      const list = document.getElementById("cart-list");
      for (const line of items) {
        getJSON("catalogue/" + encodeURIComponent(line.itemId))
          .then((item) => {
            const quantity = Number(line.quantity);
            const unitPrice = Number(line.unitPrice);
            lines.push({ itemId: line.itemId, quantity: quantity, unitPrice: unitPrice });
            list.append(cartRow({ itemId: line.itemId, quantity: quantity, unitPrice: unitPrice }, item));
            renderTotals();
            armCheckout();
          })
          .catch((error) => console.log("could not load cart item " + line.itemId + ": " + error));
      }
    })
    .catch((error) => console.log("could not load the cart: " + error));

  getJSON("address")
    .then((found) => {
      if (found.status_code === 500) return showMissing("address", "add_shipping", MISSING_ADDRESS);
      const parts = [found.number + " " + found.street, found.city, found.postcode, found.country];
      const box = document.getElementById("address");
      box.replaceChildren();
      parts.forEach((part, i) => {
        if (i > 0) box.append(el("br"));
        box.append(part);
      });
    })
    .catch(() => showMissing("address", "add_shipping", MISSING_ADDRESS));

  getJSON("card")
    .then((found) => {
      if (found.status_code === 500) return showMissing("number", "add_payment", MISSING_CARD);
      document.getElementById("number").textContent = "Card ending in " + found.number;
    })
    .catch(() => showMissing("number", "add_payment", MISSING_CARD));
});
