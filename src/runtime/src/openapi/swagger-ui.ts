import { createHash } from "node:crypto";
import { Response } from "../http/response.js";
import { joinPaths } from "../route/path.js";
import { CONTENT_TYPES, IMMUTABLE, packageFile, REVALIDATE, versioned, type DocsRoute, type InstalledPackage } from "./assets.js";
import { escapeHtml } from "./html.js";

/**
 * Starts Swagger UI from a served file rather than an inline script, so
 * /docs works under a Content-Security-Policy without 'unsafe-inline'.
 * Per-app settings reach it as data- attributes of #swagger-ui.
 */
const INITIALIZER = `"use strict";
(function () {
  var root = document.getElementById("swagger-ui");
  var data = root.dataset;
  var options = {
    url: data.openapiUrl,
    dom_id: "#swagger-ui",
    layout: "BaseLayout",
    deepLinking: true,
    showExtensions: true,
    showCommonExtensions: true,
    persistAuthorization: true,
    oauth2RedirectUrl: new URL(data.oauth2RedirectUrl, window.location.href).href,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset]
  };
  var extra = JSON.parse(data.config || "{}");
  for (var key in extra) options[key] = extra[key];
  window.ui = SwaggerUIBundle(options);
})();
`;
const INITIALIZER_VERSION = createHash("sha256").update(INITIALIZER).digest("hex").slice(0, 12);

export interface SwaggerUIOptions {
  /** The page's URL path: "/docs". Its assets live under it. */
  docsUrl: string;
  openapiUrl: string;
  title: string;
  parameters: Readonly<Record<string, unknown>>;
}

/** The /docs page and the files it loads, served from swagger-ui-dist. */
export function swaggerUiRoutes(options: SwaggerUIOptions, pkg: InstalledPackage): DocsRoute[] {
  const at = (file: string): string => joinPaths(options.docsUrl, file);
  const urls = {
    css: at("swagger-ui.css"),
    bundle: at("swagger-ui-bundle.js"),
    initializer: at("swagger-initializer.js"),
    favicon: at("favicon-32x32.png"),
    // Swagger UI opens this exact URL; the page loads ./oauth2-redirect.js next to it.
    oauth2Redirect: at("oauth2-redirect"),
    oauth2RedirectScript: at("oauth2-redirect.js"),
  };
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} - Swagger UI</title>
<link rel="icon" type="image/png" href="${escapeHtml(versioned(urls.favicon, pkg.version))}">
<link rel="stylesheet" href="${escapeHtml(versioned(urls.css, pkg.version))}">
</head>
<body>
<div id="swagger-ui" data-openapi-url="${escapeHtml(options.openapiUrl)}" data-oauth2-redirect-url="${escapeHtml(urls.oauth2Redirect)}" data-config="${escapeHtml(JSON.stringify(options.parameters))}"></div>
<script src="${escapeHtml(versioned(urls.bundle, pkg.version))}"></script>
<script src="${escapeHtml(versioned(urls.initializer, INITIALIZER_VERSION))}"></script>
</body>
</html>
`;
  return [
    { path: options.docsUrl, handler: () => new Response(page, { headers: { "cache-control": REVALIDATE } }, CONTENT_TYPES.html) },
    { path: urls.css, handler: packageFile(pkg, "swagger-ui.css", CONTENT_TYPES.css) },
    { path: urls.bundle, handler: packageFile(pkg, "swagger-ui-bundle.js", CONTENT_TYPES.js) },
    { path: urls.initializer, handler: () => new Response(INITIALIZER, { headers: { "cache-control": IMMUTABLE } }, CONTENT_TYPES.js) },
    { path: urls.favicon, handler: packageFile(pkg, "favicon-32x32.png", CONTENT_TYPES.png) },
    // Unversioned URLs: the browser revalidates them.
    { path: urls.oauth2Redirect, handler: packageFile(pkg, "oauth2-redirect.html", CONTENT_TYPES.html, REVALIDATE) },
    { path: urls.oauth2RedirectScript, handler: packageFile(pkg, "oauth2-redirect.js", CONTENT_TYPES.js, REVALIDATE) },
  ];
}
