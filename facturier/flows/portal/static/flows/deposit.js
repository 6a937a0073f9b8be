/* Deposit form: pre-select the syntax from the chosen file's extension (only a suggestion the
   user can change; the server uses what is declared), and warn at once about a too large file. */
(function () {
  "use strict";

  function setUp() {
    var file = document.querySelector("input[type=file][data-max-bytes]");
    var syntax = document.querySelector("select[data-syntax-by-extension]");
    if (!file || !syntax) {
      return;
    }
    var byExtension = {};
    syntax.getAttribute("data-syntax-by-extension").split(",").forEach(function (pair) {
      var parts = pair.split(":");
      byExtension[parts[0]] = parts[1];
    });
    var touched = false;
    syntax.addEventListener("change", function () { touched = true; });
    file.addEventListener("change", function () {
      var chosen = file.files && file.files[0];
      if (!chosen) { return; }
      var name = chosen.name.toLowerCase();
      var ext = name.slice(name.lastIndexOf(".") + 1);
      if (!touched && byExtension[ext]) {
        syntax.value = byExtension[ext];
      }
      var max = parseInt(file.getAttribute("data-max-bytes"), 10);
      file.setCustomValidity(chosen.size > max ? (file.getAttribute("data-too-large") || "") : "");
      if (chosen.size > max) { file.reportValidity(); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
