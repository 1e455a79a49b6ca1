// Draws the charts (specs are JSON blocks next to each chart) and makes report tables sortable.
(function () {
  "use strict";
  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  var locale = readJSON("liens-locale") || {};
  var options = {
    renderer: "svg",
    actions: { export: true, source: false, compiled: false, editor: false },
    formatLocale: locale.format || undefined,
    timeFormatLocale: locale.time || undefined,
    i18n: locale.i18n || undefined
  };
  // With `ast`, vega-embed evaluates expressions with its bundled interpreter instead of
  // generated code: no eval, so the strict Content-Security-Policy (no 'unsafe-eval') holds.
  options.ast = true;
  function draw() {
    var nodes = document.querySelectorAll(".chart[data-spec]");
    Array.prototype.forEach.call(nodes, function (node) {
      var spec = readJSON(node.getAttribute("data-spec"));
      if (!spec || !window.vegaEmbed) return;
      window.vegaEmbed(node, spec, options).then(function () {
        node.setAttribute("data-drawn", "1");
      }).catch(function (error) { node.textContent = String(error); });
    });
  }
  function sortable(table) {
    var headers = table.tHead ? table.tHead.rows[0].cells : [];
    for (var i = 0; i < headers.length; i++) {
      (function (th, index) {
        th.addEventListener("click", function () {
          var asc = th.getAttribute("aria-sort") !== "ascending";
          for (var j = 0; j < headers.length; j++) headers[j].removeAttribute("aria-sort");
          th.setAttribute("aria-sort", asc ? "ascending" : "descending");
          var body = table.tBodies[0];
          var rows = Array.prototype.slice.call(body.rows);
          rows.sort(function (a, b) {
            var x = a.cells[index].getAttribute("data-sort") || "", y = b.cells[index].getAttribute("data-sort") || "";
            var nx = parseFloat(x), ny = parseFloat(y);
            var num = a.cells[index].classList.contains("num") && b.cells[index].classList.contains("num");
            var cmp = (num && !isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
            return asc ? cmp : -cmp;
          });
          rows.forEach(function (r) { body.appendChild(r); });
        });
      })(headers[i], i);
    }
  }
  function init() {
    draw();
    var tables = document.querySelectorAll("table.sortable");
    for (var i = 0; i < tables.length; i++) sortable(tables[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})();
