// sitegen serve: injected into previewed pages only, never into built ones.
// Keeps the reader's place across reloads, and shows build errors (and, folded,
// warnings) over the page until the next good save. A page whose own file
// changed takes the new <main> in place (or reloads when more changed); a theme
// script or image reloads every page; livereload.js swaps stylesheets in place.
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
      // Warnings alone: bottom left, off the margin notes on the right of wide pages.
      style: "position:fixed;z-index:2147483647;left:1rem;bottom:1rem;" +
        (errors.length ? "right:1rem;border:3px solid #a00;"
          : "max-width:min(40rem,calc(100vw - 2rem));border:2px solid #555;") +
        "max-height:60vh;overflow:auto;padding:.75rem 4.5rem .75rem 1.25rem;border-radius:6px;" +
        "background:#fff;color:#111;font:15px/1.45 system-ui,sans-serif;overflow-wrap:anywhere;" +
        "box-shadow:0 4px 24px rgba(0,0,0,.35)",
    });
    box.appendChild(element("style", "@media print{#sitegen-preview{display:none!important}}"));
    if (errors.length) {
      var built = !document.querySelector("[data-sitegen-unbuilt]");  // (serve.py's stand-in)
      box.appendChild(element("strong", built ? "Build failed: the page shows the last good build."
        : "Build failed: nothing is built yet."));
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
    var path = location.pathname;
    try { path = decodeURIComponent(path); } catch (e) { /* left as it is */ }
    return path.replace(/index\.html$/, "");
  }

  var shown = (document.currentScript && document.currentScript.dataset.generation) || "";

  // The page again, from the server: its <main> is put in place of the old one
  // (no reload: the place, the focus and the scripts' state stay), unless what
  // the theme's scripts read once (anything outside <main>, the legend) changed:
  // then it reloads. (The entity cards' data, in <main>, the theme's cards.js reads
  // when a card is shown; a site's own cards.js that does not say so reloads too.)
  var asked = 0;  // a later save's page wins over an earlier one still on its way

  function update() {
    var mine = ++asked;
    fetch(location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      })
      .then(function (html) {
        if (mine !== asked) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        if (!swap(fresh)) location.reload();
      })
      .catch(function () { location.reload(); });
  }

  // What the theme's scripts and styles see around <main>: head links and scripts,
  // header, footer (not the page's metadata, not what the preview adds).
  function outside(doc) {
    var parts = [];
    var nodes = doc.querySelectorAll("head link, head style, head script, body > *");
    Array.prototype.forEach.call(nodes, function (node) {
      var src = node.getAttribute("src") || "";
      var mine = /_sitegen|livereload/.test(src) || node.id === "sitegen-preview";
      var data = node.getAttribute("type") === "application/ld+json";
      if (!mine && !data && node.id !== "main" && node.id !== "ent-card") parts.push(node.outerHTML);
    });
    return parts.join("\n");
  }

  function inner(doc, id, skip) {  // the element's content, without what ``skip`` selects
    var node = doc.getElementById(id);
    if (!node) return null;
    var copy = node.cloneNode(true);
    Array.prototype.forEach.call(copy.querySelectorAll(skip), function (n) { n.remove(); });
    return copy.innerHTML.trim();
  }

  function swap(fresh) {
    var main = document.getElementById("main"), next = fresh.getElementById("main");
    if (!main || !next || outside(fresh) !== outside(document)) return false;
    var same = function (id, skip) { return inner(fresh, id, skip) === inner(document, id, skip); };
    if (!window.sitegenLiveCards && !same("sitegen-entities", "*")) return false;
    if (!same("legend", ".marks-toggle")) return false;
    var legend = document.getElementById("legend");
    if (legend) fresh.getElementById("legend").replaceWith(legend);  // with the theme's button
    main.replaceWith(document.adoptNode(next));
    document.title = fresh.title;
    var failed = document.querySelector("#sitegen-preview[role=alert]");
    if (failed) failed.remove();  // a page was written: the build got past the error
    var script = fresh.querySelector("script[data-generation]");
    if (script) shown = script.getAttribute("data-generation") || shown;
    return true;
  }

  function connect() {
    var scheme = location.protocol === "https:" ? "wss://" : "ws://";
    // The server tells a page that changed before it could listen to reload at once.
    var query = "?page=" + encodeURIComponent(here()) + "&generation=" + encodeURIComponent(shown);
    var socket = new WebSocket(scheme + location.host + "/_sitegen/events" + query);
    socket.onmessage = function (event) {
      var state = JSON.parse(event.data);
      if (state.reload !== undefined) {  // pages whose file changed (or "*": every page)
        if (state.reload === "*") location.reload();
        else if (state.reload.indexOf(here()) >= 0) update();
        return;
      }
      var apply = function () { show(state); };
      if (document.readyState === "loading") addEventListener("DOMContentLoaded", apply);
      else apply();
    };
    socket.onclose = function () { setTimeout(connect, 1000); };
  }
  connect();
})();
