// Progressive enhancement. Each facet's "Find" box is a plain form: Enter asks the server for the
// matching values. With this script, the matching values replace the list as you type.
document.querySelectorAll("form.facet-filter").forEach(function (form) {
  var box = form.querySelector("input[type=search]");
  var found = form.closest("section.facet").querySelector(".facet-found");
  var timer = null;
  var controller = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (controller) { controller.abort(); }
      controller = new AbortController();
      var url = new URL(form.action);
      url.search = new URLSearchParams(new FormData(form)).toString();
      fetch(url, { signal: controller.signal })
        .then(function (response) {
          if (!response.ok) { throw new Error("HTTP " + response.status); }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(found.id);
          if (fresh) {
            found.replaceChildren.apply(found, Array.from(fresh.childNodes, function (node) {
              return document.importNode(node, true);
            }));
          }
        })
        .catch(function (error) {
          if (error.name !== "AbortError") { form.submit(); }  // the server still answers the form
        });
    }, 150);
  });
});
