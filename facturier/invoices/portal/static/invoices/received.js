/* « Factures reçues »: the "Traiter" dialog (the link opens the form page without JavaScript),
   the fields shown for the chosen status, and "tick all" in the lists. No inline script (CSP). */
(function () {
  "use strict";

  function each(root, selector, fn) {
    Array.prototype.forEach.call(root.querySelectorAll(selector), fn);
  }

  // Show the mandate number only for MANDATEE and the State motives only for REJETEE; mark the
  // complement required for the statuses the transition table says (data-reason-required).
  function sync(form) {
    var chosen = form.querySelector("input[name='to']:checked");
    var value = chosen ? chosen.value : "";
    each(form, "[data-show-for]", function (block) {
      var show = block.getAttribute("data-show-for") === value;
      block.hidden = !show;
      each(block, "input, textarea, select", function (input) { input.disabled = !show; });
    });
    var reason = form.querySelector("[data-reason-field] textarea");
    if (!reason) { return; }
    var required = (form.getAttribute("data-reason-required") || "").split(" ").indexOf(value) !== -1;
    // A State service's rejection may give its coded motives instead of a complement.
    if (value === "REJETEE" && form.querySelector("[data-show-for='REJETEE']")) { required = false; }
    reason.required = required;
    reason.setAttribute("aria-required", required ? "true" : "false");
    var label = form.querySelector("label[for='" + reason.id + "']");
    var marker = label && label.querySelector(".required-marker");
    if (label && required && !marker) {
      marker = document.createElement("span");
      marker.className = "required-marker";
      marker.textContent = " " + (document.documentElement.lang === "en" ? "(required)" : "(obligatoire)");
      label.appendChild(marker);
    } else if (marker && !required) {
      marker.remove();
    }
  }

  each(document, "form.process-form, form.bulk-form", function (form) {
    if (!form.querySelector("input[name='to']")) { return; }
    form.addEventListener("change", function (event) {
      if (event.target.name === "to") { sync(form); }
    });
    sync(form);
  });

  // The "Traiter" link opens its <dialog>; Escape or "Annuler" closes it and focus goes back.
  each(document, "[data-open-dialog]", function (link) {
    var dialog = document.getElementById(link.getAttribute("data-open-dialog"));
    if (!dialog || typeof dialog.showModal !== "function") { return; }
    // With JavaScript the link acts as a button (it opens a dialog, it does not navigate).
    link.setAttribute("role", "button");
    link.setAttribute("aria-haspopup", "dialog");
    link.addEventListener("click", function (event) {
      event.preventDefault();
      dialog.showModal();
      var first = dialog.querySelector("input[name='to']:checked, input[name='to']");
      if (first) { first.focus(); }
    });
    link.addEventListener("keydown", function (event) {
      if (event.key === " ") { event.preventDefault(); link.click(); }
    });
    each(dialog, "[data-close-dialog]", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { dialog.close(); });
    });
    dialog.addEventListener("close", function () { link.focus(); });
  });

  // Tick or untick every invoice of the list.
  each(document, "[data-select-all]", function (box) {
    var form = box.form;
    box.hidden = false;
    box.addEventListener("change", function () {
      each(form, "input[name='invoices']", function (input) { input.checked = box.checked; });
    });
  });
})();
