// Progressive enhancement: filter a long facet list as you type. Everything works without it.
document.querySelectorAll("input.facet-filter").forEach(function (box) {
  box.addEventListener("input", function () {
    var needle = box.value.trim().toLowerCase();
    var section = box.closest(".facet");
    var more = section.querySelector("details.show-more");
    if (more && needle) { more.open = true; }
    section.querySelectorAll("ul.facet-values li").forEach(function (item) {
      item.hidden = needle !== "" && item.dataset.value.indexOf(needle) === -1;
    });
  });
});
