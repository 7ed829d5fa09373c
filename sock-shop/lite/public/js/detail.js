// Product page: #buttonCart gets its click handler only once the catalogue item has loaded,
// as upstream (so a test must wait for #title first).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const id = queryParam("id");
  if (!id) {
    location.href = "/";
    return;
  }

  getJSON("catalogue/" + encodeURIComponent(id))
    .then((item) => {
      if (!item || typeof item.name !== "string") throw new Error("catalogue has no item " + id);
      document.title = "WeaveSocks: " + item.name;
      document.getElementById("title").textContent = item.name;
      document.getElementById("breadcrumb").textContent = item.name;
      document.getElementById("price").textContent = formatPrice(item.price);
      document.getElementById("description").textContent = item.description || "";
      const main = document.getElementById("imageMain");
      const images = item.imageUrl || [];
      main.alt = item.name;
      if (images[0]) main.src = images[0];
      document.getElementById("thumbs").replaceChildren(
        ...images.map((src) => {
          const thumb = productImage(src, item.name);
          thumb.addEventListener("click", () => (main.src = src));
          return thumb;
        }),
      );
      document.getElementById("buttonCart").addEventListener("click", () => addToCart(item.id));
    })
    .catch((error) => console.log("could not load product " + id + ": " + error));

  getJSON("catalogue?size=4")
    .then((items) => {
      const others = items.filter((item) => item.id !== id).slice(0, 3);
      document
        .getElementById("products")
        .replaceChildren(...others.map((item) => el("div", { class: "col-md-4 col-sm-4" }, productCard(item, true))));
    })
    .catch((error) => console.log("could not load related products: " + error));
});
