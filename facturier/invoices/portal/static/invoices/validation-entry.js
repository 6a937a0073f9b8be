/* The validator fields of the entry form follow the billing frame: shown for A9 (the main
   contractor, required, and an optional second level) and A12 (the group's representative, no
   second level); hidden and disabled for the other frames (a disabled field is not sent, so a
   value typed before changing the frame is not refused). Fields the server refused stay shown.
   Without JavaScript every field shows and the server refuses a validator on a frame without one
   (FR-VAL-06). The autocomplete of the SIRET fields is directory.js. */
(function () {
  "use strict";

  var WITH_VALIDATOR = { A9: true, A10: true, A12: true };
  var WITH_SECOND_LEVEL = { A9: true, A10: true };

  function toggle(container, on) {
    container.hidden = !on;
    container.querySelectorAll("input, select").forEach(function (el) { el.disabled = !on; });
  }

  function setUp() {
    var frame = document.getElementById("id_frame");
    var fieldset = document.getElementById("validator-fieldset");
    if (!frame || !fieldset) { return; }
    var second = document.getElementById("validator2-group");
    var texts = fieldset.querySelectorAll("[data-frame-text]");

    function refused(container) { return container && container.querySelector(".field--error") !== null; }

    function update() {
      var code = frame.value.split("_")[0];
      toggle(fieldset, !!WITH_VALIDATOR[code] || refused(fieldset));
      if (second) { toggle(second, !!WITH_SECOND_LEVEL[code] || refused(second)); }
      var specific = false;
      texts.forEach(function (el) {
        var match = el.getAttribute("data-frame-text") === code;
        specific = specific || match;
        el.hidden = !match;
      });
      if (!specific) {
        texts.forEach(function (el) { el.hidden = el.getAttribute("data-frame-text") !== "default"; });
      }
    }

    frame.addEventListener("change", update);
    update();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
