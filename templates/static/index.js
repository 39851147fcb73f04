// sitegen entity index: a filter box and sorting by name or by mentions.
// Without JavaScript the index is a plain list by kind and name.
(function () {
  "use strict";
  var index = document.getElementById("entity-index");
  if (!index) return;
  var tools = document.createElement("div");
  tools.className = "index-tools";
  tools.innerHTML =
    '<label>Filter <input type="search" id="entity-filter" autocomplete="off"></label>' +
    '<span role="group" aria-label="Sort">Sort: ' +
    '<button type="button" data-sort="name" aria-pressed="true">by name</button> ' +
    '<button type="button" data-sort="mentions" aria-pressed="false">by mentions</button></span>' +
    '<span id="entity-count" role="status" aria-live="polite"></span>';
  index.parentNode.insertBefore(tools, index);
  var input = tools.querySelector("input");
  var status = tools.querySelector("#entity-count");
  var items = Array.prototype.slice.call(index.querySelectorAll("li[data-name]"));

  function filter() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    items.forEach(function (item) {
      var name = item.getAttribute("data-name").toLowerCase();
      var match = words.every(function (w) { return name.indexOf(w) !== -1; });
      item.hidden = !match;
      if (match) shown += 1;
    });
    Array.prototype.forEach.call(index.querySelectorAll(".entity-group"), function (group) {
      var all = group.querySelectorAll("li[data-name]").length;
      var left = group.querySelectorAll("li[data-name]:not([hidden])").length;
      var count = "(" + (words.length ? left + " of " + all : all) + ")";
      group.hidden = !left;
      var kind = document.querySelector('.kinds a[href="#' + group.getAttribute("aria-labelledby") + '"]');
      [group.querySelector("h2 .count"), kind && kind.parentNode.querySelector(".count")]
        .forEach(function (node) { if (node) node.textContent = count; });
      if (kind) kind.parentNode.hidden = !left;
    });
    status.textContent = words.length ? shown + " of " + items.length + " shown" : "";
  }

  function sort(by) {
    Array.prototype.forEach.call(index.querySelectorAll("ul.entity-list"), function (list) {
      var rows = Array.prototype.slice.call(list.children);
      rows.sort(function (a, b) {
        var byName = a.getAttribute("data-name").localeCompare(b.getAttribute("data-name"));
        if (by === "mentions") {
          return (+b.getAttribute("data-mentions") - +a.getAttribute("data-mentions")) || byName;
        }
        return byName;
      });
      rows.forEach(function (row) { list.appendChild(row); });
    });
    Array.prototype.forEach.call(tools.querySelectorAll("button"), function (button) {
      button.setAttribute("aria-pressed", String(button.getAttribute("data-sort") === by));
    });
  }

  input.addEventListener("input", filter);
  tools.addEventListener("click", function (event) {
    var by = event.target.getAttribute && event.target.getAttribute("data-sort");
    if (by) sort(by);
  });
})();
