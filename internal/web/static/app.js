// ctip progressive enhancement. Every page works without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Confirm destructive actions (the server also asks on its own page).
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) e.preventDefault();
    });
  });
  // Reload the commune list when the province changes.
  document.querySelectorAll("select[data-communes]").forEach(function (prov) {
    var target = document.getElementById(prov.getAttribute("data-communes"));
    if (!target) return;
    prov.addEventListener("change", function () {
      fetch("/places/communes?province=" + encodeURIComponent(prov.value), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (list) {
          var keep = target.options.length ? target.options[0] : null;
          target.innerHTML = "";
          if (keep && keep.value === "") target.appendChild(keep);
          list.forEach(function (c) {
            var o = document.createElement("option");
            o.value = c.code; o.textContent = c.name;
            target.appendChild(o);
          });
        });
    });
  });
  // Move focus to the error summary so screen readers announce it.
  var es = document.querySelector(".error-summary");
  if (es) es.focus();
});
