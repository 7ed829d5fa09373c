// My orders: one row per order from GET /orders (which answers 201, as upstream).
"use strict";

/** The order id is the last segment of its self link (a 24-hex Mongo id upstream). */
function orderIdOf(order) {
  const href = order && order._links && order._links.self && order._links.self.href;
  return href ? href.split("/").pop() : order.id;
}

/** "2017-03-21T10:11:12.345Z" → "2017-03-21 10:11:12", as upstream (split on ".", T → space). */
function orderDate(date) {
  return String(date || "").split(".")[0].replace("T", " ");
}

document.addEventListener("DOMContentLoaded", () => {
  fetch("orders", { credentials: "same-origin", headers: { accept: "application/json" } })
    .then(async (response) => {
      if (response.status !== 201) throw new Error("GET /orders answered " + response.status);
      const orders = await response.json();
      const rows = orders.map((order) => {
        const id = orderIdOf(order);
        return el(
          "tr",
          {},
          el("th", {}, "# " + id),
          el("td", {}, orderDate(order.date)),
          el("td", {}, "$ " + Number(order.total).toFixed(2)),
          el("td", {}, el("span", { class: "label label-success" }, "Shipped")),
          el("td", {}, el("a", { href: "customer-order.html?order=/orders/" + encodeURIComponent(id), class: "btn btn-primary btn-sm" }, "View")),
        );
      });
      document.getElementById("tableOrders").replaceChildren(...rows);
    })
    .catch((error) => console.log("could not load the orders: " + error));
});
