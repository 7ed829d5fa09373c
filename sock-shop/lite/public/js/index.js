// Home page: five products in #hot-slider (no Add-to-cart buttons here, as upstream).
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const slider = document.getElementById("hot-slider");
  getJSON("catalogue?size=5")
    .then((items) => {
      slider.replaceChildren(...items.map((item) => el("div", { class: "item" }, productCard(item, false))));
    })
    .catch((error) => console.log("could not load the catalogue: " + error));
});
