/* facturier portal: progressive enhancement only. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function setUpSpaceMenu() {
    var toggle = document.querySelector(".space-nav__toggle");
    var list = document.getElementById("space-nav-list");
    if (!toggle || !list) {
      return;
    }
    var phone = window.matchMedia("(max-width: 40rem)");

    function apply() {
      var open = toggle.getAttribute("aria-expanded") === "true";
      list.setAttribute("data-collapsed", phone.matches && !open ? "true" : "false");
    }

    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      apply();
    });
    // Escape closes the open menu and gives the focus back to its button.
    list.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && toggle.getAttribute("aria-expanded") === "true") {
        toggle.setAttribute("aria-expanded", "false");
        apply();
        toggle.focus();
      }
    });
    if (phone.addEventListener) {
      phone.addEventListener("change", apply);
    }
    apply();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpSpaceMenu);
  } else {
    setUpSpaceMenu();
  }
})();
