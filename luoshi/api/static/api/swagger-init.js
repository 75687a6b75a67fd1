// Starts Swagger UI for /api/v1/docs. Browser requests use the session, so unsafe
// methods carry the page's CSRF token; token clients send "Authorization: Bearer …" instead.
(function () {
  "use strict";
  var settings = JSON.parse(document.getElementById("swagger-settings").textContent);
  var csrf = document.body.getAttribute("data-csrf-token");
  settings.dom_id = "#swagger-ui";
  settings.presets = [SwaggerUIBundle.presets.apis];
  settings.requestInterceptor = function (req) {
    var method = (req.method || "GET").toUpperCase();
    if (csrf && ["GET", "HEAD", "OPTIONS", "TRACE"].indexOf(method) === -1) {
      req.headers["X-CSRFToken"] = csrf;
    }
    return req;
  };
  window.ui = SwaggerUIBundle(settings);
})();
