/* Side by side or tabs: the layout of every framework comparison, chosen once and remembered (localStorage).
 *
 * The CSS shows the outermost tab sets of a page as columns on screens 1280 px and wider; the class `fc-tabs` on
 * <html> turns that off. Without JavaScript the wide layout is the columns one, and phones always get tabs.
 * Also patches accessibility gaps of the theme's markup at load: the search dialog gets a name, a table's scroll
 * container can be reached from the keyboard, and landmarks the theme repeats get distinct roles or names.
 */
(function () {
  var KEY = "fc-layout";
  var root = document.documentElement;
  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }
  function apply(layout) {
    root.classList.toggle("fc-tabs", layout === "tabs");
    document.querySelectorAll(".fc-layout button").forEach(function (b) {
      b.setAttribute("aria-pressed", String(b.dataset.layout === (layout === "tabs" ? "tabs" : "columns")));
    });
    window.dispatchEvent(new Event("resize"));  // the theme re-measures its tab indicators
  }
  apply(stored());

  function outermostSets(article) {
    return Array.prototype.filter.call(article.querySelectorAll(".tabbed-set"), function (set) {
      return !set.parentElement.closest(".tabbed-set");
    });
  }
  function toolbar() {
    var bar = document.createElement("div");
    bar.className = "fc-layout";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", "Layout of the framework comparisons");
    var text = document.createElement("span");
    text.textContent = "Show frameworks:";
    bar.appendChild(text);
    [["columns", "Side by side"], ["tabs", "Tabs"]].forEach(function (pair) {
      var b = document.createElement("button");
      b.type = "button";
      b.dataset.layout = pair[0];
      b.textContent = pair[1];
      b.addEventListener("click", function () {
        try { localStorage.setItem(KEY, pair[0]); } catch (e) { /* private mode: this page only */ }
        apply(pair[0]);
      });
      bar.appendChild(b);
    });
    return bar;
  }
  // An old address of a task (#<task> or a tab's #<task>-pytorch on its group's page, where every task used to live)
  // goes on to the task's own page, to the same tab. Without JavaScript it lands on the task's line in the index.
  function forward() {
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id && document.getElementById(id);
    var row = el && el.closest("[data-fc-moved]");
    var link = row && row.querySelector("a[href]");
    if (link) location.replace(link.href.split("#")[0] + (el === row ? "" : "#" + id));
  }
  function init() {
    forward();
    var article = document.querySelector("article.md-content__inner");
    if (article && !article.querySelector(".fc-layout") && outermostSets(article).length) {
      var h1 = article.querySelector("h1");
      var bar = toolbar();
      if (h1) h1.insertAdjacentElement("afterend", bar); else article.insertBefore(bar, article.firstChild);
      apply(stored());
    }
    // On phones a table marked fc-cards shows each row as a card; a cell the template did not label gets its
    // column's heading (the templates label their own cells, so this only adds labels for generated tables).
    document.querySelectorAll(".fc-cards table").forEach(function (table) {
      var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
      Array.prototype.forEach.call(table.tBodies[0] ? table.tBodies[0].rows : [], function (row) {
        Array.prototype.forEach.call(row.cells, function (cell, i) {
          if (i === 0 || !heads[i] || cell.querySelector(".fc-label, .fc-zero") || !cell.textContent.trim()) return;
          var label = document.createElement("span");
          label.className = "fc-label";
          label.textContent = heads[i];
          cell.insertBefore(label, cell.firstChild);
        });
      });
    });
    var search = document.querySelector(".md-search[role=dialog]");
    if (search && !search.hasAttribute("aria-label")) search.setAttribute("aria-label", "Search");
    // The copy button's container is a <nav> per code block, and the drawer repeats the table of contents: landmarks
    // with one name many times. They are not navigation regions; give them distinct roles and names.
    document.querySelectorAll("nav.md-code__nav").forEach(function (nav) {
      nav.setAttribute("role", "none");  // its copy button stays, named by its own title
    });
    var drawerToc = document.querySelector(".md-nav--primary .md-nav--secondary[aria-label]");
    if (drawerToc) drawerToc.setAttribute("aria-label", "Table of contents (navigation drawer)");
    requestAnimationFrame(function () {
      var n = 0;
      document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
        // a table too wide for its column scrolls: it must be reachable (and scrollable) from the keyboard
        if (wrap.scrollWidth > wrap.clientWidth + 1 && !wrap.hasAttribute("tabindex")) {
          wrap.setAttribute("tabindex", "0");
          wrap.setAttribute("role", "region");
          wrap.setAttribute("aria-label", "Wide table " + (++n) + " (scrolls sideways)");
        }
      });
    });
  }
  if (typeof document$ !== "undefined") { document$.subscribe(init); } else { document.addEventListener("DOMContentLoaded", init); }
})();
