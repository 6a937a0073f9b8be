/* Recipient autocomplete: as the user types a SIRET or a name, ask the directory
   (annuaire/recherche.json) for active public structures and list them; choosing one puts its
   SIRET in the field, says its name, and fills the service select from annuaire/services.json.
   Without JavaScript the user types the SIRET; the server resolves it and lists the services
   when the page comes back (Recalculer, Enregistrer). */
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  function setUp() {
    var input = document.querySelector("input[data-recipient-search]");
    var list = document.getElementById("recipient-suggestions");
    var info = document.getElementById("recipient-info");
    var service = document.querySelector("select[data-services-url]");
    if (!input || !list) { return; }
    var searchUrl = input.getAttribute("data-recipient-search");
    var active = -1;
    var results = [];
    var loadedFor = input.value.replace(/\s+/g, "");

    function close() {
      list.hidden = true;
      list.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("li");
      items.forEach(function (li, i) { li.setAttribute("aria-selected", i === index ? "true" : "false"); });
      active = index;
      if (index >= 0 && items[index]) { input.setAttribute("aria-activedescendant", items[index].id); }
    }

    function loadServices(identifier, keep) {
      if (!service) { return; }
      loadedFor = identifier;
      var url = service.getAttribute("data-services-url") + "?destinataire=" + encodeURIComponent(identifier);
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { services: [], recipient: null }; })
        .then(function (data) {
          var current = keep ? service.value : "";
          var first = service.options[0] ? service.options[0].cloneNode(true) : null;
          service.innerHTML = "";
          if (first) { first.value = ""; service.appendChild(first); }
          data.services.forEach(function (s) {
            var option = document.createElement("option");
            option.value = s.code;
            option.textContent = s.code + " — " + s.name;
            service.appendChild(option);
          });
          service.value = current;
          if (data.recipient && info) {
            info.textContent = data.recipient.name + (data.recipient.city ? " — " + data.recipient.city : "");
          }
        })
        .catch(function () { /* the server checks the service anyway */ });
    }

    function choose(index) {
      var chosen = results[index];
      if (!chosen) { return; }
      input.value = chosen.identifier;
      if (info) { info.textContent = chosen.name + (chosen.city ? " — " + chosen.city : ""); }
      close();
      loadServices(chosen.identifier, false);
    }

    var search = debounce(function (query) {
      fetch(searchUrl + "?q=" + encodeURIComponent(query), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) {
          if (input.value.trim() !== query) { return; }
          results = data.results || [];
          list.innerHTML = "";
          results.forEach(function (s, i) {
            var li = document.createElement("li");
            li.id = "recipient-option-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("aria-selected", "false");
            li.textContent = s.name + " — " + s.identifier + (s.city ? " (" + s.city + ")" : "");
            li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
            list.appendChild(li);
          });
          list.hidden = results.length === 0;
          input.setAttribute("aria-expanded", results.length ? "true" : "false");
          active = -1;
        })
        .catch(close);
    }, 200);

    input.addEventListener("input", function () {
      var query = input.value.trim();
      if (info) { info.textContent = ""; }
      if (query.length < 2) { close(); return; }
      search(query);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, results.length - 1)); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
      else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
      else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () {
      setTimeout(close, 150);
      var value = input.value.replace(/\s+/g, "");
      if (/^\d{14}$/.test(value) && value !== loadedFor) {
        loadServices(value, true);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
