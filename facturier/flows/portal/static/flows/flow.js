/* A running flow's page: poll etat.json every second, move the progress bar, and when the flow
   ends swap in the results fragment. Without this file the page offers a refresh link. */
(function () {
  "use strict";

  function setUp() {
    var box = document.querySelector("[data-flow-status-url]");
    if (!box || box.getAttribute("data-flow-final") === "true" || !window.fetch) {
      return;
    }
    var statusUrl = box.getAttribute("data-flow-status-url");
    var progress = box.querySelector("progress");
    var label = box.querySelector(".flow-state__label");
    var count = box.querySelector(".flow-state__count");
    var refresh = box.querySelector(".flow-refresh");
    var results = document.getElementById("flow-results");
    var lastText = "";
    var failures = 0;

    function text(data) {
      // The labels come from the page (translated by the server), the numbers from etat.json.
      var template = data.total ? box.getAttribute("data-text-of") : box.getAttribute("data-text-done");
      return (template || "")
        .replace("%(done)s", String(data.traitees))
        .replace("%(total)s", String(data.total || ""));
    }

    function finish(data) {
      fetch(data.resultats, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.text();
        })
        .then(function (html) {
          results.innerHTML = html;
          var wrap = box.querySelector(".flow-progress");
          if (wrap) { wrap.remove(); }
          count.textContent = "";
          box.setAttribute("data-flow-final", "true");
        })
        .catch(function () { window.location.reload(); });
    }

    function update(data) {
      label.textContent = data.libelle;
      var stateDate = document.querySelector("[data-flow-state-date]");
      if (stateDate && data.date_etat) { stateDate.textContent = data.date_etat; }
      label.className = "flow-state__label flow-state__label--" + data.etat.toLowerCase();
      if (data.final) {
        if (progress) { progress.max = data.total || 1; progress.value = data.total || 1; }
        finish(data);
        return false;
      }
      if (progress && data.total) {
        progress.max = data.total;
        progress.value = data.traitees;
      }
      var now = text(data);
      if (now !== lastText) {
        // Only changed text is written, so screen readers are not flooded every second.
        count.textContent = now;
        lastText = now;
      }
      return true;
    }

    function poll() {
      fetch(statusUrl, { credentials: "same-origin", headers: { "Accept": "application/json" }, cache: "no-store" })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          failures = 0;
          if (update(data)) { window.setTimeout(poll, 1000); }
        })
        .catch(function () {
          failures += 1;
          if (failures < 10) { window.setTimeout(poll, 2000); }
        });
    }

    if (refresh) { refresh.hidden = true; }
    lastText = count.textContent;
    window.setTimeout(poll, 1000);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
