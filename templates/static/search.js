// The search page: Pagefind's UI over the index in pagefind/, with the other
// shards of the index (data-merge) merged in. Links are resolved from this
// page's address, so search works at the root of a domain and under a project
// site's path (/repo/) alike.
(function () {
  "use strict";
  var root = document.getElementById("search");
  if (!root) return;
  if (window.location.protocol === "file:") {
    // Pagefind loads its index as modules, which a browser refuses from files.
    var away = document.getElementById("search-elsewhere");
    if (away) away.hidden = false;
    return;
  }
  if (typeof PagefindUI === "undefined") return;
  var here = window.location.href;
  var baseUrl = new URL(root.getAttribute("data-base"), here).pathname;
  var bundlePath = new URL(root.getAttribute("data-bundle"), here).pathname;
  var merged = (root.getAttribute("data-merge") || "").split(" ").filter(Boolean);
  // Pagefind's UI loads the filters beside its first search, and a search counts only
  // the filters loaded by then: a quick first search (the query in the address, say)
  // listed some kinds of names and not others, until the next. So the index, its
  // shards and all their filters are loaded here first, and the UI made on them (it
  // imports the same module, so it finds the shards merged already).
  var loading = document.createElement("p");
  loading.className = "search-loading";
  loading.textContent = "Loading the search index…";
  root.appendChild(loading);
  import(bundlePath + "pagefind.js")
    .then(function (pagefind) {
      var ready = pagefind.options({ baseUrl: baseUrl });
      merged.forEach(function (bundle) {
        ready = ready.then(function () {
          return pagefind.mergeIndex(new URL(bundle, here).pathname, { baseUrl: baseUrl });
        });
      });
      return ready.then(function () {
        return pagefind.filters();
      });
    })
    .then(start, start); // (failing, the UI says why itself)

  function start() {
    root.removeChild(loading);
    new PagefindUI({
      element: "#search",
      bundlePath: bundlePath,
      baseUrl: baseUrl,
      showSubResults: true,
      excerptLength: 30, // words (with sub-results, Pagefind's UI gives 12: a fragment)
      showImages: false,
      showEmptyFilters: false, // a name no result has is not a Tab stop to pass
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
    // The query in the address as it is typed, so Back returns to these results and
    // the address can be shared.
    if (input && window.history.replaceState) {
      input.addEventListener("input", function () {
        var url = new URL(window.location.href);
        if (input.value) url.searchParams.set("q", input.value);
        else url.searchParams.delete("q");
        window.history.replaceState(window.history.state, "", url);
      });
    }
    // "2 results for Kabul", said by screen readers as it changes (Pagefind's line is
    // a plain paragraph).
    var status = document.getElementById("search-status");
    if (status && window.MutationObserver) {
      new MutationObserver(function () {
        var message = root.querySelector(".pagefind-ui__message");
        var text = message ? message.textContent.trim() : "";
        if (status.textContent !== text) status.textContent = text;
      }).observe(root, { childList: true, subtree: true, characterData: true });
    }
  }
})();
