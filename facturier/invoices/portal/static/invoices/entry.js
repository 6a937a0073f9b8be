/* Invoice entry: add and remove line rows (renumbering the formset), and compute the totals live,
   exactly as the server does (facturier.invoices.entry.entry_preview_totals):
   line net = round(quantity × unit price) − round(line discount); one VAT group per (category,
   rate) in order of first use; the global discount is split over the groups in proportion to their
   nets (the rounding remainder on the last); VAT = round(base × rate / 100), 0 for the categories
   without VAT; every amount rounded to 2 decimals, half up. Amounts are handled in cents. */
(function () {
  "use strict";

  var NO_VAT = { Z: true, E: true, AE: true, K: true, G: true, O: true };
  var PREFIX = "lines";

  function parse(text) {
    var value = String(text || "").replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
    if (value === "" || !/^-?\d*\.?\d*$/.test(value)) { return null; }
    var number = parseFloat(value);
    return isNaN(number) ? null : number;
  }

  function cents(amount) {  // round half up to the cent, as an integer number of cents
    var sign = amount < 0 ? -1 : 1;
    return sign * Math.round(Math.abs(amount) * 100 + 1e-7);
  }

  var SEPARATOR = ".";

  function money(c) {
    var sign = c < 0 ? "-" : "";
    c = Math.abs(c);
    var units = Math.floor(c / 100);
    var rest = String(c % 100);
    return sign + units + SEPARATOR + (rest.length < 2 ? "0" + rest : rest);
  }

  function setUp() {
    var form = document.getElementById("entry-form");
    var tbody = document.querySelector("#entry-lines tbody");
    var template = document.getElementById("entry-line-template");
    var addButton = document.getElementById("add-line");
    var total = document.getElementById("id_" + PREFIX + "-TOTAL_FORMS");
    if (!form || !tbody || !template || !total) { return; }
    var totalsBox = document.getElementById("entry-totals");
    SEPARATOR = (totalsBox && totalsBox.getAttribute("data-decimal-separator")) || ".";

    function rows() { return Array.prototype.slice.call(tbody.querySelectorAll("tr[data-line-row]")); }

    function renumber() {
      rows().forEach(function (row, index) {
        row.querySelectorAll("input, select, textarea, label").forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) { el.setAttribute(attr, value.replace(new RegExp(PREFIX + "-(\\d+|__prefix__)-"), PREFIX + "-" + index + "-")); }
          });
        });
      });
      total.value = String(rows().length);
    }

    function wireRow(row) {
      var remove = row.querySelector("[data-remove-line]");
      if (remove) {
        remove.hidden = false;
        remove.addEventListener("click", function () {
          var next = row.nextElementSibling;
          if (next && next.classList.contains("entry-line__errors")) { next.remove(); }
          row.remove();
          if (rows().length === 0) { addRow(); }
          renumber();
          compute();
        });
      }
    }

    function addRow() {
      var fragment = template.content.cloneNode(true);
      var row = fragment.querySelector("tr[data-line-row]");
      tbody.appendChild(row);
      wireRow(row);
      renumber();
      var first = row.querySelector("input[type=text]");
      return first;
    }

    function field(row, name) { return row.querySelector("[name$='-" + name + "']"); }

    function compute() {
      var groups = [];
      var byKey = {};
      var lineTotal = 0;
      rows().forEach(function (row) {
        var out = row.querySelector("[data-line-net]");
        var quantity = parse(field(row, "quantity").value);
        var price = parse(field(row, "unit_price").value);
        var discount = parse(field(row, "discount").value) || 0;
        if (quantity === null || price === null) { if (out) { out.textContent = ""; } return; }
        var net = cents(quantity * price) - cents(discount);
        if (out) { out.textContent = money(net); }
        lineTotal += net;
        var category = field(row, "vat_category").value || "S";
        var rate = category === "O" ? null : (parse(field(row, "vat_rate").value) || 0);
        var key = category + "|" + rate;
        if (!byKey[key]) { byKey[key] = { category: category, rate: rate, base: 0 }; groups.push(byKey[key]); }
        byKey[key].base += net;
      });
      var discountField = form.querySelector("[name='global_discount']");
      var globalDiscount = cents(parse(discountField ? discountField.value : "") || 0);
      if (globalDiscount && groups.length) {
        var left = globalDiscount;
        groups.forEach(function (group, i) {
          var share = i === groups.length - 1 ? left : (lineTotal ? cents(globalDiscount * group.base / lineTotal / 100) : 0);
          left -= share;
          group.base -= share;
        });
      } else if (!groups.length) {
        globalDiscount = 0;
      }
      var vatTotal = 0;
      var breakdown = document.getElementById("vat-breakdown");
      if (breakdown) { breakdown.innerHTML = ""; }
      groups.forEach(function (group) {
        var amount = NO_VAT[group.category] ? 0 : cents(group.base * group.rate / 100 / 100);
        vatTotal += amount;
        if (breakdown) {
          var tr = document.createElement("tr");
          [group.category, group.rate === null ? "—" : String(group.rate).replace(".", SEPARATOR) + " %", money(group.base), money(amount)].forEach(function (text) {
            var td = document.createElement("td");
            td.textContent = text;
            tr.appendChild(td);
          });
          breakdown.appendChild(tr);
        }
      });
      var ht = lineTotal - globalDiscount;
      var values = { line_total: lineTotal, global_discount: globalDiscount, total_ht: ht, total_vat: vatTotal,
                     total_ttc: ht + vatTotal, amount_due: ht + vatTotal };
      Object.keys(values).forEach(function (key) {
        var el = document.querySelector("[data-total='" + key + "']");
        if (el) { el.textContent = money(values[key]); }
      });
    }

    rows().forEach(wireRow);
    if (addButton) {
      addButton.hidden = false;
      addButton.addEventListener("click", function () {
        var first = addRow();
        compute();
        if (first) { first.focus(); }
      });
    }
    form.addEventListener("input", compute);
    form.addEventListener("change", compute);
    compute();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
