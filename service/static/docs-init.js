// Starts Swagger UI from a file rather than an inline script, so the strict Content-Security-Policy holds on /docs.
window.addEventListener("load", function () {
  var container = document.getElementById("swagger-ui-container");
  window.ui = SwaggerUIBundle({ url: container.dataset.specUrl, dom_id: "#swagger-ui-container" });
});
