/* Directory autocomplete: as the user types a SIRET or a name, ask the directory for structures
   and list them; choosing one puts its SIRET in the field, says its name, and fills the service
   select. Without JavaScript the user types the SIRET; the server resolves it and lists the
   services when the page comes back (Recalculer, Enregistrer).

   Each field is one input with
   - data-recipient-search (the recipient: annuaire/recherche.json, public structures) or
     data-directory-search (another search, e.g. the validator: annuaire/valideurs.json): the URL;
   - aria-controls: the id of its suggestion list;
   - data-info (optional, default "recipient-info"): the id of the element that shows the name;
   - data-service-select (optional): the id of its service select; without it, the first
     select[data-services-url] of the page (the recipient's service).
   The service select's data-services-url answers {services: [{code, name}], recipient|structure};
   its data-services-param names the query parameter (default "destinataire"). */
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

  function setUp(input) {
    var list = document.getElementById(input.getAttribute("aria-controls") || "recipient-suggestions");
    var info = document.getElementById(input.getAttribute("data-info") || "recipient-info");
    var serviceId = input.getAttribute("data-service-select");
    var service = serviceId ? document.getElementById(serviceId) : document.querySelector("select[data-services-url]");
    if (!list) { return; }
    var searchUrl = input.getAttribute("data-recipient-search") || input.getAttribute("data-directory-search");
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
      var param = service.getAttribute("data-services-param") || "destinataire";
      var url = service.getAttribute("data-services-url") + "?" + param + "=" + encodeURIComponent(identifier);
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
          var found = data.recipient || data.structure;
          if (found && info) {
            info.textContent = found.name + (found.city ? " — " + found.city : "");
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
            li.id = list.id + "-option-" + i;
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

  function setUpAll() {
    document.querySelectorAll("input[data-recipient-search], input[data-directory-search]").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
})();
