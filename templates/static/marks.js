// sitegen annotation density. By default only the first mention of each entity is
// marked; this adds a button to the legend that marks every mention, and remembers
// the reader's choice in localStorage (no cookies). The page's <head> applies a
// remembered choice before the page is drawn. Without JavaScript the quiet default holds.
(function () {
  "use strict";
  var legend = document.getElementById("legend");
  if (!legend || !document.querySelector(".article-body a.ent-light")) return;
  var root = document.documentElement;
  var KEY = "sitegen-marks";
  var button = document.createElement("button");
  button.type = "button";
  button.className = "marks-toggle";
  button.textContent = "Mark every mention";

  function show(all) {
    root.classList.toggle("marks-all", all);
    button.setAttribute("aria-pressed", String(all));
  }

  show(root.classList.contains("marks-all"));
  button.addEventListener("click", function () {
    var all = !root.classList.contains("marks-all");
    show(all);
    try {
      if (all) localStorage.setItem(KEY, "all");
      else localStorage.removeItem(KEY);
    } catch (e) { /* storage refused: the choice lasts for this page only */ }
  });
  legend.appendChild(document.createTextNode(" "));
  legend.appendChild(button);
})();
