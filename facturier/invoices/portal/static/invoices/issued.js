/* « Factures émises »: follow the statuses without reloading the page.

   Every few seconds (data-interval) ask suivi/etats.json for the invoices whose status changed
   since the cursor (data-since; data-ids narrows to the invoice of an invoice page). For each
   change not already shown: update every [data-invoice-status="<id>"], list the change in the
   visible box, and say it in the polite live region. On an invoice page, the action forms of the
   former status are disabled (the box's link reloads the page with the actions of the new one).
   Polling pauses while the tab is hidden and slows down after errors. The texts come from the
   server, translated. */
(function () {
  "use strict";

  function setUp() {
    var box = document.getElementById("issued-live");
    if (!box || !window.fetch) { return; }
    var url = box.getAttribute("data-statuses-url");
    var since = box.getAttribute("data-since");
    var ids = box.getAttribute("data-ids") || "";
    var interval = parseInt(box.getAttribute("data-interval"), 10) || 4000;
    var announcer = document.getElementById("issued-live-announcer");
    var changes = document.getElementById("issued-live-changes");
    var list = changes ? changes.querySelector("ul") : null;
    var delay = interval;
    var timer = null;
    var running = false;

    function shown(id) {
      return document.querySelectorAll('[data-invoice-status="' + id + '"]');
    }

    var reported = {};  // id → changed_at already said (polls overlap a little)

    function apply(invoice) {
      if (reported[invoice.id] === invoice.changed_at) { return null; }
      var elements = shown(invoice.id);
      var changed = elements.length === 0;
      elements.forEach(function (element) {
        if (element.getAttribute("data-status") !== invoice.status) {
          changed = true;
          element.setAttribute("data-status", invoice.status);
          element.textContent = invoice.label;
          element.className = "status status--" + invoice.status.toLowerCase();
        }
      });
      reported[invoice.id] = invoice.changed_at;
      if (!changed) { return null; }
      document.querySelectorAll('[data-invoice-changed="' + invoice.id + '"]').forEach(function (element) {
        element.textContent = invoice.changed_text;
      });
      document.querySelectorAll("[data-for-status]").forEach(function (section) {
        if (section.getAttribute("data-for-status") !== invoice.status && ids === String(invoice.id)) {
          section.querySelectorAll("fieldset").forEach(function (fieldset) { fieldset.disabled = true; });
        }
      });
      return invoice;
    }

    function report(news) {
      if (!news.length) { return; }
      if (list) {
        news.forEach(function (invoice) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = invoice.url;
          link.textContent = invoice.message;
          item.appendChild(link);
          list.appendChild(item);
        });
        changes.hidden = false;
      }
      if (announcer) {
        announcer.textContent = news.map(function (invoice) { return invoice.message; }).join(" ");
      }
    }

    function schedule() {
      window.clearTimeout(timer);
      if (!document.hidden) { timer = window.setTimeout(poll, delay); }
    }

    function poll() {
      if (running) { return; }
      running = true;
      var query = "?since=" + encodeURIComponent(since) + (ids ? "&ids=" + encodeURIComponent(ids) : "");
      fetch(url + query, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (response.status === 401 || response.status === 403) { throw new Error("stop"); }
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          since = data.cursor;
          report(data.invoices.map(apply).filter(Boolean));
          delay = interval;
          running = false;
          schedule();
        })
        .catch(function (error) {
          running = false;
          if (error.message === "stop") { return; }  // logged out: the next page asks to log in
          delay = Math.min(delay * 2, 60000);
          schedule();
        });
    }

    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { window.clearTimeout(timer); } else { poll(); }
    });
    schedule();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
