/* Sortable and filterable tables, without any third-party script.
 *
 * Sorting: every header of a table marked sortable (`.sortable table`, `table.sortable`) gets a button; the button
 * sorts by its column and the header carries aria-sort, so it works from the keyboard and is announced.
 * Filtering: a `form.fc-filter` (hidden without JavaScript) is shown; its selects keep the rows of the next sortable
 * table whose data-* attribute equals the chosen value. Without JavaScript the table is a plain, complete table.
 */
(function () {
  // A cell's own text: the column labels that phones show inside cells (.fc-label) are not part of its value.
  function cellText(cell) {
    var text = "";
    cell.childNodes.forEach(function (node) {
      if (node.nodeType === 1 && node.classList.contains("fc-label")) return;
      text += node.textContent;
    });
    return text.trim();
  }
  function key(cell) {
    var text = cellText(cell);
    var num = parseFloat(text.replace(/[^0-9.eE+-]/g, ""));
    return /^[\s✔✘⏱☠≠–]*-?[0-9.]+/.test(text) && !isNaN(num) ? num : text.toLowerCase();
  }
  function setupSort(table) {
    if (table.dataset.sortable === "on") return;
    table.dataset.sortable = "on";
    var heads = table.querySelectorAll("thead th");
    heads.forEach(function (th, col) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "fc-sort";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var body = table.tBodies[0];
        var rows = Array.prototype.slice.call(body.rows);
        var asc = th.getAttribute("aria-sort") !== "ascending";
        heads.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        th.setAttribute("aria-sort", asc ? "ascending" : "descending");
        rows.sort(function (a, b) {
          var x = key(a.cells[col]), y = key(b.cells[col]);
          if (typeof x !== typeof y) { x = String(x); y = String(y); }
          return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1);
        });
        rows.forEach(function (r) { body.appendChild(r); });
      });
    });
  }
  function setupFilter(form) {
    if (form.dataset.filter === "on") return;
    form.dataset.filter = "on";
    var holder = form.nextElementSibling;
    while (holder && !holder.querySelector("table")) holder = holder.nextElementSibling;
    if (!holder) return;
    var table = holder.querySelector("table");
    var selects = form.querySelectorAll("select[data-filter]");
    var count = form.querySelector(".fc-count");
    function apply() {
      var rows = table.tBodies[0].rows, shown = 0;
      for (var i = 0; i < rows.length; i++) {
        var ok = true;
        selects.forEach(function (s) {
          if (s.value && rows[i].getAttribute("data-" + s.dataset.filter) !== s.value) ok = false;
        });
        rows[i].hidden = !ok;
        if (ok) shown++;
      }
      if (count) count.textContent = shown + " of " + rows.length + " runs shown";
    }
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    form.addEventListener("submit", function (e) { e.preventDefault(); });
    form.hidden = false;
    apply();
  }
  function init() {
    document.querySelectorAll(".sortable table, table.sortable").forEach(setupSort);
    document.querySelectorAll("form.fc-filter").forEach(setupFilter);
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
