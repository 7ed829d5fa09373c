// WeaveSocks (lite) client: the shared page behaviour of the upstream front-end's client.js,
// topbar.html and navbar.html, in plain JavaScript. A classic script, because the pages call
// these functions from inline onclick attributes, as upstream does.
"use strict";

// ---- small helpers ---------------------------------------------------------------------------

function getCookie(name) {
  for (const part of document.cookie.split(";")) {
    const eq = part.indexOf("=");
    if (eq >= 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

// Upstream decides "logged in" purely from the presence of the logged_in cookie.
function isLoggedIn() {
  return Boolean(getCookie("logged_in"));
}

/** Builds an element: el("a", { href: "x", class: "btn" }, "text", childElement). */
function el(tag, attributes, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === undefined || child === null) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

function formatPrice(value) {
  return "$" + Number(value).toFixed(2);
}

function queryParam(name) {
  return new URLSearchParams(location.search).get(name);
}

/** GET a JSON resource of the front-end API; rejects with the status on a non-2xx answer. */
async function getJSON(url) {
  const response = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  if (!response.ok) throw new Error(url + " answered " + response.status);
  return response.json();
}

/** Async request with a JSON body; resolves to the Response whatever its status. */
function sendJSON(method, url, body, options) {
  const init = { method, credentials: "same-origin", headers: { "content-type": "application/json" } };
  if (body !== undefined) init.body = JSON.stringify(body);
  return fetch(url, Object.assign(init, options));
}

/** A synchronous request, as upstream's jQuery `async: false` calls (login, register, order). */
function syncRequest(method, url, body, headers) {
  const xhr = new XMLHttpRequest();
  xhr.open(method, url, false);
  for (const [name, value] of Object.entries(headers || {})) xhr.setRequestHeader(name, value);
  if (body !== undefined) xhr.setRequestHeader("Content-Type", "application/json");
  try {
    xhr.send(body === undefined ? null : JSON.stringify(body));
  } catch (error) {
    console.log("request " + method + " " + url + " failed: " + error);
  }
  return xhr;
}

function parseJSON(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Puts one dismissible alert into a message box (#login-message, #user-message, …). */
function showAlert(boxSelector, kind, text) {
  const box = document.querySelector(boxSelector);
  if (!box) return;
  const close = el("button", { type: "button", class: "close", "data-dismiss": "alert", "aria-label": "Close" }, "\u00d7");
  box.replaceChildren(el("div", { class: "alert alert-" + kind + " alert-dismissible", role: "alert" }, close, " " + text));
}

// ---- modals (Bootstrap's data-toggle / data-dismiss markup, shown with class "in") ----------

function showModal(selector) {
  const modal = document.querySelector(selector);
  if (!modal) return;
  modal.classList.add("in");
  modal.setAttribute("aria-hidden", "false");
  document.body.classList.add("modal-open");
  const firstInput = modal.querySelector("input:not([type=hidden])");
  if (firstInput) firstInput.focus();
}

function hideModal(modal) {
  modal.classList.remove("in");
  modal.setAttribute("aria-hidden", "true");
  if (!document.querySelector(".modal.in")) document.body.classList.remove("modal-open");
}

document.addEventListener("click", (event) => {
  const target = event.target instanceof Element ? event.target : null;
  if (!target) return;
  const toggle = target.closest("[data-toggle=modal]");
  if (toggle) {
    event.preventDefault();
    showModal(toggle.getAttribute("data-target"));
    return;
  }
  const dismissModal = target.closest("[data-dismiss=modal]");
  if (dismissModal) {
    hideModal(dismissModal.closest(".modal"));
    return;
  }
  if (target.classList.contains("modal")) {
    hideModal(target); // a click on the backdrop
    return;
  }
  const dismissAlert = target.closest("[data-dismiss=alert]");
  if (dismissAlert) dismissAlert.closest(".alert").remove();
});

document.addEventListener("keydown", (event) => {
  if (event.key !== "Escape") return;
  for (const modal of document.querySelectorAll(".modal.in")) hideModal(modal);
});

// ---- account ---------------------------------------------------------------------------------

function login() {
  const username = document.getElementById("username-modal").value;
  const password = document.getElementById("password-modal").value;
  const xhr = syncRequest("GET", "login", undefined, {
    Authorization: "Basic " + btoa(unescape(encodeURIComponent(username + ":" + password))),
  });
  if (xhr.status >= 200 && xhr.status < 300) {
    showAlert("#login-message", "success", "Login successful.");
    setTimeout(() => location.reload(), 1500);
  } else {
    showAlert("#login-message", "danger", "Invalid login credentials.");
    console.log("login failed: status " + xhr.status);
  }
  return false; // keep the form from submitting
}

function register() {
  const value = (id) => document.getElementById(id).value;
  const xhr = syncRequest("POST", "register", {
    username: value("register-username-modal"),
    password: value("register-password-modal"),
    email: value("register-email-modal"),
    firstName: value("register-first-modal"),
    lastName: value("register-last-modal"),
  });
  if (xhr.status >= 200 && xhr.status < 300) {
    showAlert("#registration-message", "success", "Registration and login successful.");
    setTimeout(() => location.reload(), 1500);
  } else {
    const reason = xhr.responseText || xhr.statusText || "status " + xhr.status;
    showAlert("#registration-message", "danger", "There was a problem with your registration: " + reason);
  }
  return false;
}

// No server-side logout upstream: the cookie goes, and the link's href (index.html) loads.
function logout() {
  document.cookie = "logged_in=; Max-Age=0; path=/";
}

// ---- cart ------------------------------------------------------------------------------------

function addToCart(id) {
  sendJSON("POST", "cart", { id: id, quantity: 1 })
    .then((response) => {
      if (response.status === 201) location.reload();
      else console.log("add to cart " + id + " failed: status " + response.status);
    })
    .catch((error) => console.log("add to cart " + id + " failed: " + error));
  return false;
}

function deleteFromCart(id) {
  sendJSON("DELETE", "cart/" + encodeURIComponent(id))
    .then(() => location.reload())
    .catch((error) => console.log("delete " + id + " from cart failed: " + error));
  return false;
}

function updateCart() {
  const updates = Array.from(document.querySelectorAll("#cart-list tr.item")).map((row) => {
    const id = row.querySelector("input.id").value;
    const quantity = row.querySelector("input[type=number]").value;
    return sendJSON("POST", "cart/update", { id: id, quantity: quantity });
  });
  Promise.allSettled(updates).then(() => location.reload());
  return false;
}

// keepalive: the page navigates away right after an order, and the cart must still be emptied.
function deleteCart() {
  sendJSON("DELETE", "cart", undefined, { keepalive: true }).catch((error) => console.log("emptying the cart failed: " + error));
}

// ---- orders ----------------------------------------------------------------------------------

/** Places the order synchronously; true lets the checkout form submit to customer-orders.html. */
function order() {
  if (!isLoggedIn()) {
    showAlert("#user-message", "danger", "You must be logged in to place an order.");
    return false;
  }
  const xhr = syncRequest("POST", "orders");
  if (xhr.status === 201) {
    console.log("Order placed.");
    showAlert("#user-message", "success", "Order placed.");
    deleteCart();
    return true;
  }
  console.log("error: " + xhr.status + " " + xhr.responseText);
  if (xhr.status === 406) {
    const answer = parseJSON(xhr.responseText) || {};
    showAlert("#user-message", "danger", "Error placing order. " + answer.message);
  }
  // Any other status (500, timeouts) shows nothing, as upstream.
  return false;
}

// ---- address and card (basket page modals) ---------------------------------------------------

function address() {
  const value = (id) => document.getElementById(id).value;
  sendJSON("POST", "addresses", {
    number: value("form-number"),
    street: value("form-street"),
    city: value("form-city"),
    postcode: value("form-post-code"),
    country: value("form-country"),
  })
    .then(() => location.reload())
    .catch((error) => console.log("saving the address failed: " + error));
  return false;
}

function card() {
  const value = (id) => document.getElementById(id).value;
  sendJSON("POST", "cards", { longNum: value("form-card-number"), expires: value("form-expires"), ccv: value("form-ccv") })
    .then(() => location.reload())
    .catch((error) => console.log("saving the card failed: " + error));
  return false;
}

// ---- product cards and images ----------------------------------------------------------------

/** An image that falls back to the product name when the catalogue has no picture. */
function productImage(src, name, attributes) {
  const image = el("img", Object.assign({ src: src, alt: name, class: "img-responsive" }, attributes || {}));
  image.addEventListener("error", () => image.replaceWith(el("div", { class: "image-fallback" }, name)), { once: true });
  return image;
}

/** div.product with .text h3 a, p.price and, unless `withButtons` is false, View detail / Add to cart. */
function productCard(item, withButtons) {
  const detail = "detail.html?id=" + encodeURIComponent(item.id);
  const text = el(
    "div",
    { class: "text" },
    el("h3", {}, el("a", { href: detail }, item.name)),
    el("p", { class: "price" }, formatPrice(item.price)),
  );
  if (withButtons !== false) {
    const add = el("a", { href: "#", class: "btn btn-primary" }, "Add to cart");
    add.addEventListener("click", (event) => {
      event.preventDefault();
      addToCart(item.id);
    });
    text.append(el("p", { class: "buttons" }, el("a", { href: detail, class: "btn btn-default" }, "View detail"), add));
  }
  const image = item.imageUrl && item.imageUrl[0];
  return el("div", { class: "product" }, el("a", { href: detail }, productImage(image, item.name)), text);
}

// ---- topbar, navbar and footer: loaded after DOM ready, as upstream's jQuery load() ----------

function initTopbar() {
  const remove = (id) => {
    const element = document.getElementById(id);
    if (element) element.remove();
  };
  if (!isLoggedIn()) {
    remove("howdy");
    remove("logout");
    return;
  }
  getJSON("customers/" + encodeURIComponent(getCookie("logged_in")))
    .then((customer) => {
      if (!customer || customer.firstName === undefined) throw new Error("no customer in the answer");
      remove("login");
      remove("register");
      const howdy = document.getElementById("howdy");
      howdy.replaceChildren(el("a", { href: "#" }, "Logged in as " + customer.firstName + " " + customer.lastName));
      document.getElementById("logout").classList.remove("hidden");
    })
    .catch((error) => console.log("could not load the customer: " + error));
}

function initNavbar() {
  if (!isLoggedIn()) {
    const account = document.getElementById("tabAccount");
    if (account) account.remove();
  }
  const tab = document.body.getAttribute("data-tab");
  const active = tab && document.getElementById(tab);
  if (active) active.classList.add("active");
  getJSON("cart")
    .then(async (items) => {
      // One catalogue lookup per line, as upstream; the count is only rewritten for a non-empty cart.
      await Promise.all(items.map((item) => getJSON("catalogue/" + encodeURIComponent(item.itemId)).catch(() => undefined)));
      const count = items.reduce((sum, item) => sum + Number(item.quantity), 0);
      if (items.length > 0) document.getElementById("numItemsInCart").textContent = count + " item(s) in cart";
    })
    .catch((error) => {
      console.log("could not load the cart: " + error);
      const overview = document.getElementById("basket-overview");
      if (overview) overview.remove();
    });
}

async function loadFragment(name, after) {
  const holder = document.getElementById(name);
  if (!holder) return;
  try {
    const response = await fetch(name + ".html", { credentials: "same-origin" });
    if (!response.ok) throw new Error(name + ".html answered " + response.status);
    holder.innerHTML = await response.text();
    if (after) after();
    document.dispatchEvent(new CustomEvent("fragmentloaded", { detail: name }));
  } catch (error) {
    console.log("could not load " + name + ": " + error);
  }
}

document.addEventListener("DOMContentLoaded", () => {
  void loadFragment("topbar", initTopbar);
  void loadFragment("navbar", initNavbar);
  void loadFragment("footer");
});
