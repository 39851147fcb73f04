// The search page: Pagefind's UI over the index in pagefind/, with the other
// shards of the index (data-merge) merged in. Links are resolved from this
// page's address, so search works at the root of a domain and under a project
// site's path (/repo/) alike.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root || typeof PagefindUI === "undefined") return;
  var here = window.location.href;
  var baseUrl = new URL(root.getAttribute("data-base"), here).pathname;
  var merged = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  new PagefindUI({
    element: "#search",
    bundlePath: new URL(root.getAttribute("data-bundle"), here).pathname,
    baseUrl: baseUrl,
    mergeIndex: merged.map(function (bundle) {
      return { bundlePath: new URL(bundle, here).pathname, baseUrl: baseUrl };
    }),
    showSubResults: true,
    showImages: false,
    autofocus: true,
  });
  // Pagefind labels its box with a title only; the page's heading is visible.
  var input = root.querySelector("input");
  if (input) input.setAttribute("aria-labelledby", "search-heading");
  var query = new URLSearchParams(window.location.search).get("q");
  if (query && input) {
    input.value = query;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
})();
