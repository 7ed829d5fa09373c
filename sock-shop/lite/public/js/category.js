// Catalogue page: tag filters, "Showing N of M products", pagination and the product grid.
"use strict";

function categoryUrl(tags, page, size) {
  const params = new URLSearchParams();
  if (tags) params.set("tags", tags);
  if (page > 1) params.set("page", String(page));
  if (size !== 6) params.set("size", String(size));
  const query = params.toString();
  return "category.html" + (query ? "?" + query : "");
}

document.addEventListener("DOMContentLoaded", () => {
  const tags = queryParam("tags") || "";
  const page = Math.max(1, Number(queryParam("page")) || 1);
  const size = Math.max(1, Number(queryParam("size")) || 6);
  const selectedTags = tags.split(",").filter((tag) => tag !== "");
  const tagQuery = encodeURIComponent(tags);

  getJSON("tags")
    .then((answer) => {
      const boxes = (answer.tags || []).map((tag) =>
        el("label", {}, el("input", { type: "checkbox", name: "tag", value: tag, checked: selectedTags.includes(tag) }), " " + tag),
      );
      document.getElementById("filters").replaceChildren(...boxes);
    })
    .catch((error) => console.log("could not load the tags: " + error));

  document.getElementById("filters-form").addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = Array.from(document.querySelectorAll("#filters input:checked")).map((box) => box.value);
    location.href = categoryUrl(chosen.join(","), 1, size);
  });

  for (const link of document.querySelectorAll("#products-number a")) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      location.href = categoryUrl(tags, 1, Number(link.getAttribute("data-size")));
    });
  }

  Promise.all([getJSON("catalogue/size?tags=" + tagQuery), getJSON("catalogue?page=" + page + "&size=" + size + "&tags=" + tagQuery)])
    .then(([total, items]) => {
      document.getElementById("totalProducts").textContent = "Showing " + items.length + " of " + total.size + " products";
      document
        .getElementById("products")
        .replaceChildren(...items.map((item) => el("div", { class: "col-md-4 col-sm-6" }, productCard(item, true))));
      const pages = Math.max(1, Math.ceil(total.size / size));
      const links = [];
      for (let n = 1; n <= pages; n++) {
        links.push(el("li", { class: n === page ? "active" : undefined }, el("a", { href: categoryUrl(tags, n, size) }, String(n))));
      }
      document.getElementById("pagination").replaceChildren(...links);
    })
    .catch((error) => console.log("could not load the catalogue: " + error));
});
