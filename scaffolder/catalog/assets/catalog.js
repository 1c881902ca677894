// Client-side search and filters for the catalog's index: hides rows, no network, no library.
(function () {
  "use strict";
  var table = document.getElementById("products");
  if (!table) return;
  var rows = Array.prototype.slice.call(table.tBodies[0].rows);
  var q = document.getElementById("q");
  var selects = Array.prototype.slice.call(document.querySelectorAll("select[data-filter]"));
  var count = document.getElementById("count");
  var empty = document.getElementById("empty");

  function matches(row, terms, wanted) {
    var d = row.dataset;
    for (var i = 0; i < terms.length; i++) if (d.search.indexOf(terms[i]) < 0) return false;
    for (var key in wanted) {
      var v = wanted[key];
      if (!v) continue;
      if (key === "tag") { if (JSON.parse(d.tags).indexOf(v) < 0) return false; }
      else if (d[key] !== v) return false;
    }
    return true;
  }

  function apply(save) {
    var terms = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    var wanted = {};
    selects.forEach(function (s) { wanted[s.dataset.filter] = s.value; });
    var shown = 0;
    rows.forEach(function (row) {
      var ok = matches(row, terms, wanted);
      row.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = shown + " of " + rows.length + " products";
    empty.hidden = shown !== 0;
    if (save) {
      var params = new URLSearchParams();
      if (q.value) params.set("q", q.value);
      selects.forEach(function (s) { if (s.value) params.set(s.dataset.filter, s.value); });
      var hash = params.toString();
      try { history.replaceState(null, "", hash ? "#" + hash : location.pathname + location.search); }
      catch (err) { /* some browsers refuse it on file:// pages: filtering still works */ }
    }
  }

  // Filters live in the URL's fragment, so a filtered view can be shared as a link.
  var initial = new URLSearchParams(location.hash.slice(1));
  if (initial.has("q")) q.value = initial.get("q");
  selects.forEach(function (s) { if (initial.has(s.dataset.filter)) s.value = initial.get(s.dataset.filter); });

  q.addEventListener("input", function () { apply(true); });
  selects.forEach(function (s) { s.addEventListener("change", function () { apply(true); }); });
  q.addEventListener("keydown", function (ev) {
    if (ev.key !== "Enter") return;
    var visible = rows.filter(function (r) { return !r.hidden; });
    if (visible.length === 1) location.href = visible[0].querySelector("a.product").href;
  });
  apply(false);
})();
