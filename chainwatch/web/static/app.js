// Progressive enhancement only: every page works without this file.
// Search form: leave unfilled fields out of the URL (the server would otherwise redirect to drop them),
// and apply a changed filter at once.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("search-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (el.name && !el.value) { el.disabled = true; }
    });
  });
  Array.prototype.forEach.call(form.querySelectorAll("select"), function (el) {
    el.addEventListener("change", function () { form.requestSubmit(); });
  });
});
