// sitegen entity cards. Hovering, focusing or (on touch) first tapping an entity
// highlight shows a card about the entity; Escape closes it. The data is embedded
// in the page at build time. Without JavaScript each highlight is a plain link.
(function () {
  "use strict";
  if (!document.getElementById("sitegen-entities")) return;
  var read = null;
  var cards = {};
  // The page's card data, read again when it is another element: the live preview
  // puts a saved article's new <main> in place, its new names' cards with it, without
  // a reload (and reloads a page whose cards script does not say it reads them so).
  window.sitegenLiveCards = true;
  function known() {
    var data = document.getElementById("sitegen-entities");
    if (data !== read) {
      read = data;
      cards = data ? JSON.parse(data.textContent) : {};
    }
    return cards;
  }
  var card = document.createElement("div");
  card.className = "ent-card";
  card.id = "ent-card";
  card.setAttribute("role", "tooltip");
  card.hidden = true;
  document.body.appendChild(card);
  var current = null;
  var hideTimer = null;
  var touchOpen = false;

  function line(tag, className, text) {
    var node = document.createElement(tag);
    node.className = className;
    node.textContent = text;
    return node;
  }

  function fill(link, info) {
    card.textContent = "";
    card.appendChild(line("p", "ent-card-kind", info.kind));
    card.appendChild(line("p", "ent-card-name", info.name));
    if (info.description) card.appendChild(line("p", "ent-card-desc", info.description));
    var others = info.others === 0 ? "Named in no other article."
      : info.others === 1 ? "Named in 1 other article."
      : "Named in " + info.others + " other articles.";
    card.appendChild(line("p", "ent-card-count", others));
    var more = line("a", "ent-card-link", "All about " + info.name + " \u2192");
    more.href = link.getAttribute("href");
    more.tabIndex = -1; // keyboard users follow the highlight itself
    card.appendChild(more);
  }

  function place(link) {
    var box = link.getBoundingClientRect();
    var width = card.offsetWidth;
    var right = window.scrollX + document.documentElement.clientWidth - width - 8;
    card.style.top = window.scrollY + box.bottom + 6 + "px";
    card.style.left = Math.max(window.scrollX + 8, Math.min(window.scrollX + box.left, right)) + "px";
  }

  function show(link) {
    var info = known()[link.getAttribute("data-entity")];
    clearTimeout(hideTimer);
    if (!info || (current === link && !card.hidden)) return;
    if (current) current.removeAttribute("aria-describedby");
    current = link;
    fill(link, info);
    card.hidden = false;
    place(link);
    link.setAttribute("aria-describedby", card.id);
  }

  function hide() {
    clearTimeout(hideTimer);
    if (!current) return;
    card.hidden = true;
    current.removeAttribute("aria-describedby");
    current = null;
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(hide, 250);
  }

  // One listener of each kind for the whole page (a long article has hundreds of
  // highlights): the event's target finds its highlight.
  function entityLink(node) {
    return node && node.closest ? node.closest("a.ent[data-entity]") : null;
  }

  function showing(event) {
    var link = entityLink(event.target);
    if (!link) return;
    link.removeAttribute("title"); // the card says it all; no second tooltip
    show(link);
  }

  function leaving(event) {
    var link = entityLink(event.target);
    if (link && !link.contains(event.relatedTarget)) hideSoon();
  }

  document.addEventListener("mouseover", showing);
  document.addEventListener("focusin", showing);
  document.addEventListener("mouseout", leaving);
  document.addEventListener("focusout", leaving);
  document.addEventListener("pointerdown", function (event) {
    var link = entityLink(event.target);
    touchOpen = !!link && event.pointerType === "touch" && current === link && !card.hidden;
  });
  document.addEventListener("click", function (event) {
    var link = entityLink(event.target);
    if (!link) return;
    // On touch the first tap opens the card; a second tap follows the link.
    if (event.pointerType === "touch" || (event.sourceCapabilities && event.sourceCapabilities.firesTouchEvents)) {
      if (!touchOpen) { event.preventDefault(); link.removeAttribute("title"); show(link); }
    }
  });
  card.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  card.addEventListener("mouseleave", hideSoon);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") hide();
  });
  document.addEventListener("pointerdown", function (event) {
    if (current && !card.contains(event.target) && !current.contains(event.target)) hide();
  });
  window.addEventListener("resize", function () { if (current) place(current); });
})();
