// One order: customer-order.html?order=/orders/<id>, read through the front-end's /orders/* proxy.
"use strict";

const SHIPPING = 4.99;

function addressLines(customer, address) {
  const name = customer ? customer.firstName + " " + customer.lastName : "";
  const parts = address ? [name, address.number + " " + address.street, address.city, address.postcode, address.country] : [name];
  const nodes = [];
  parts.forEach((part, i) => {
    if (i > 0) nodes.push(el("br"));
    nodes.push(part);
  });
  return nodes;
}

document.addEventListener("DOMContentLoaded", () => {
  const orderPath = queryParam("order") || "";
  // Only the orders proxy may be read from here, whatever the query string says.
  if (!/^\/orders\/[A-Za-z0-9_-]+$/.test(orderPath)) {
    document.getElementById("orderStatus").textContent = "unknown";
    console.log("not an order path: " + orderPath);
    return;
  }
  getJSON(orderPath.slice(1))
    .then(async (order) => {
      const id = orderPath.split("/").pop();
      document.getElementById("orderNumber").textContent = "Order # " + id;
      document.getElementById("orderTitle").textContent = "# " + id;
      document.getElementById("orderDate").textContent = String(order.date || "").split(".")[0].replace("T", " ");
      document.getElementById("orderStatus").textContent = "shipped"; // hard-coded upstream: there is no status
      const items = order.items || [];
      const rows = await Promise.all(
        items.map(async (line) => {
          const item = await getJSON("catalogue/" + encodeURIComponent(line.itemId)).catch(() => ({ name: line.itemId, imageUrl: [] }));
          const detail = "detail.html?id=" + encodeURIComponent(line.itemId);
          return el(
            "tr",
            {},
            el("td", {}, el("a", { href: detail }, productImage((item.imageUrl || [])[0], item.name))),
            el("td", {}, el("a", { href: detail }, item.name)),
            el("td", {}, String(line.quantity)),
            el("td", {}, formatPrice(line.unitPrice)),
            el("td", {}, "$0.00"),
            el("td", {}, formatPrice(line.quantity * line.unitPrice)),
          );
        }),
      );
      document.getElementById("tableOrder").replaceChildren(...rows);
      const subtotal = items.reduce((sum, line) => sum + line.quantity * line.unitPrice, 0);
      document.getElementById("orderSubtotal").textContent = formatPrice(subtotal);
      document.getElementById("orderShipping").textContent = formatPrice(SHIPPING);
      document.getElementById("orderTotal").textContent = formatPrice(order.total);
      document.getElementById("addressInvoice").replaceChildren(...addressLines(order.customer, order.address));
      document.getElementById("addressShipping").replaceChildren(...addressLines(order.customer, order.address));
    })
    .catch((error) => console.log("could not load order " + orderPath + ": " + error));
});
