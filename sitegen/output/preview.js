// sitegen serve: injected into previewed pages only, never into built ones.
// Keeps the reader's place across reloads, and shows build errors (and, folded,
// warnings) over the page until the next good save. A page reloads when its own
// file changed (or a theme script or image did); livereload.js swaps stylesheets
// in place.
(function () {
  "use strict";
  var key = "sitegen-preview-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var y = Number(saved);
    var restore = function () { window.scrollTo(0, y); };
    restore();
    addEventListener("DOMContentLoaded", restore);
    addEventListener("load", restore);
  }
  addEventListener("beforeunload", function () {
    sessionStorage.setItem(key, String(window.scrollY));
  });

  function element(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) node.textContent = text;
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    return node;
  }

  function show(state) {
    var old = document.getElementById("sitegen-preview");
    if (old) old.remove();
    var errors = state.errors || [], warnings = state.warnings || [];
    if (!errors.length && !warnings.length) return;
    var box = element("aside", "", {
      id: "sitegen-preview",
      role: errors.length ? "alert" : "status",
      "aria-label": "sitegen preview",
      style: "position:fixed;z-index:2147483647;right:1rem;bottom:1rem;" +
        (errors.length ? "left:1rem;border:3px solid #a00;" : "max-width:40rem;border:2px solid #555;") +
        "max-height:60vh;overflow:auto;padding:.75rem 4.5rem .75rem 1.25rem;border-radius:6px;" +
        "background:#fff;color:#111;font:15px/1.45 system-ui,sans-serif;" +
        "box-shadow:0 4px 24px rgba(0,0,0,.35)",
    });
    if (errors.length) {
      box.appendChild(element("strong", "Build failed: the page shows the last good build."));
      var list = element("ul", "", { style: "margin:.5rem 0 0;padding-left:1.2rem" });
      errors.forEach(function (e) { list.appendChild(element("li", e, { style: "font-family:monospace" })); });
      box.appendChild(list);
    }
    if (warnings.length) {
      var details = element("details", "", errors.length ? {} : { style: "margin:0" });
      details.appendChild(element("summary", warnings.length + (warnings.length === 1 ? " warning" : " warnings")));
      var items = element("ul", "", { style: "margin:.5rem 0 0;padding-left:1.2rem" });
      warnings.forEach(function (w) { items.appendChild(element("li", w, { style: "font-family:monospace" })); });
      details.appendChild(items);
      box.appendChild(details);
    }
    var close = element("button", "Hide", { type: "button", style: "position:absolute;top:.5rem;right:.5rem" });
    close.addEventListener("click", function () { box.remove(); });
    box.appendChild(close);
    (document.body || document.documentElement).appendChild(box);
  }

  // This page's URL path as the server names written pages ("/prefix/a/").
  function here() {
    return decodeURIComponent(location.pathname).replace(/index\.html$/, "");
  }

  var shown = document.currentScript && document.currentScript.dataset.generation;
  var first = true;

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    var socket = new WebSocket(scheme + location.host + "/_sitegen/events");
    socket.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.reload !== undefined) {  // pages whose file changed (or "*": every page)
        if (state.reload === "*" || state.reload.indexOf(here()) >= 0) location.reload();
        return;
      }
      // A build that finished before this page could listen: the page is stale.
      if (first && shown !== undefined && String(state.generation) !== shown) {
        location.reload();
        return;
      }
      first = false;
      var apply = function () { show(state); };
      if (document.readyState === "loading") addEventListener("DOMContentLoaded", apply);
      else apply();
    };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
