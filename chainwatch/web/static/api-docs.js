// Starts Swagger UI (served from /static/swagger, no CDN) on the API docs page; an external file
// because the Content-Security-Policy allows no inline script.
"use strict";
window.addEventListener("load", function () {
  var el = document.getElementById("swagger-ui");
  if (!el || !window.SwaggerUIBundle) { return; }
  window.SwaggerUIBundle({ url: el.getAttribute("data-openapi"), dom_id: "#swagger-ui", deepLinking: true });
});
