/* Sortable tables, without any third-party script: click a header of a table marked sortable to sort by it. */
(function () {
  function key(cell) {
    var text = cell.textContent.trim();
    var num = parseFloat(text.replace(/[^0-9.eE+-]/g, ""));
    return /^[\s✔✘⏱☠≠–]*-?[0-9.]+/.test(text) && !isNaN(num) ? num : text.toLowerCase();
  }
  function setup(table) {
    if (table.dataset.sortable === "on") return;
    table.dataset.sortable = "on";
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      th.style.cursor = "pointer";
      th.title = "Sort by " + th.textContent.trim();
      th.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.removeAttribute("aria-sort"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function init() { document.querySelectorAll(".sortable table, table.sortable").forEach(setup); }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
