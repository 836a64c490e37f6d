// Sortable and filterable tables: click a header to sort, type in the box to filter rows.
(function () {
  "use strict";
  function cellValue(row, index) {
    var cell = row.cells[index];
    return cell ? cell.textContent.trim() : "";
  }
  function compare(a, b) {
    var x = parseFloat(a.replace(/,/g, "")), y = parseFloat(b.replace(/,/g, ""));
    var numeric = /^-?[\d,.]+/.test(a) && /^-?[\d,.]+/.test(b);
    if (numeric && !isNaN(x) && !isNaN(y) && x !== y) { return x - y; }
    return a.localeCompare(b, undefined, { numeric: true });
  }
  function sortBy(table, index, header) {
    var body = table.tBodies[0];
    var ascending = header.getAttribute("aria-sort") !== "ascending";
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var order = compare(cellValue(r1, index), cellValue(r2, index));
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
  }
  function filter(table, input, counter) {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0, rows = table.tBodies[0].rows;
    Array.prototype.forEach.call(rows, function (row) {
      var text = row.textContent.toLowerCase();
      var keep = words.every(function (w) { return text.indexOf(w) !== -1; });
      row.classList.toggle("hidden", !keep);
      if (keep) { shown += 1; }
    });
    counter.textContent = words.length ? shown + " of " + rows.length + " rows" : "";
  }
  document.querySelectorAll("table.data").forEach(function (table) {
    if (!table.tHead || !table.tBodies.length) { return; }
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.title = "sort";
      th.addEventListener("click", function () { sortBy(table, index, th); });
    });
    var input = document.createElement("input");
    input.type = "search";
    input.className = "filter";
    input.placeholder = "filter rows";
    input.setAttribute("aria-label", "filter the rows of the next table");
    var counter = document.createElement("span");
    counter.className = "count";
    input.addEventListener("input", function () { filter(table, input, counter); });
    table.parentNode.insertBefore(input, table);
    table.parentNode.insertBefore(counter, table);
  });
})();
