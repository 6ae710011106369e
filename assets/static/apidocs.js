// The API reference (/api/docs): Swagger UI renders the OpenAPI document
// named by #api-reference's data-spec. The validator badge stays off: it
// would load an image from another site.
"use strict";
(function () {
  function start() {
    var root = document.getElementById("api-reference");
    if (!root || typeof window.SwaggerUIBundle !== "function") return;
    window.SwaggerUIBundle({
      url: root.getAttribute("data-spec"),
      domNode: root,
      deepLinking: true,
      validatorUrl: null,
      docExpansion: "none", // the sections first: a page of every operation is long and slow to draw
      defaultModelsExpandDepth: 0,
      tryItOutEnabled: false,
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
