import type { App, AppOptions } from "../app.js";
import { TrellisConfigError } from "../errors/config-error.js";
import { Response } from "../http/response.js";
import { Router } from "../router.js";
import { locatePackage, REVALIDATE, type DocsRoute, type PackageLocator } from "./assets.js";
import { missingPackageRoute, redocRoutes } from "./redoc.js";
import { swaggerUiRoutes } from "./swagger-ui.js";
import type { OpenAPIObject } from "./types.js";

/**
 * Serves the document and the two docs UIs as ordinary routes on the app's
 * own fast path, hidden from the document itself:
 *
 * - GET openapiUrl ("/openapi.json"): app.openapi() as JSON;
 * - GET docsUrl ("/docs"): Swagger UI, its assets under docsUrl/, from swagger-ui-dist;
 * - GET redocUrl ("/redoc"): ReDoc, its bundle under redocUrl/, from the
 *   optional package redoc; without it the page answers 503 and says to
 *   `npm install redoc`.
 *
 * A null URL mounts nothing for it; with no openapiUrl there is nothing
 * for the UIs to show, so neither is mounted (as in FastAPI). Files come
 * from node_modules, never a CDN: the docs work offline.
 */
export function mountDocs(app: App, settings: DocsSettings = docsSettings(app.options), locate: PackageLocator = locatePackage): void {
  const { openapiUrl, docsUrl, redocUrl, title } = settings;
  if (openapiUrl === null) return;
  const routes: DocsRoute[] = [documentRoute(app, openapiUrl)];
  const swaggerUi = docsUrl !== null || redocUrl !== null ? locate("swagger-ui-dist") : undefined;
  if (docsUrl !== null) {
    routes.push(...(swaggerUi
      ? swaggerUiRoutes({ docsUrl, openapiUrl, title, parameters: settings.swaggerUiParameters }, swaggerUi)
      : [missingPackageRoute(docsUrl, "Swagger UI", "swagger-ui-dist")]));
  }
  if (redocUrl !== null) {
    const redoc = locate("redoc");
    routes.push(...(redoc
      ? redocRoutes({ redocUrl, openapiUrl, title }, redoc, swaggerUi)
      : [missingPackageRoute(redocUrl, "ReDoc", "redoc")]));
  }
  // App-wide dependencies (an auth check) must not lock users out of the docs.
  const router = new Router();
  for (const route of routes) {
    assertStaticPath(route.path);
    router.get(route.path, { includeInSchema: false, rateLimit: false }, route.handler);
  }
  app.include(router, { appDependencies: false });
}

/** What mountDocs serves, resolved from the app options. */
export interface DocsSettings {
  openapiUrl: string | null;
  docsUrl: string | null;
  redocUrl: string | null;
  title: string;
  swaggerUiParameters: Readonly<Record<string, unknown>>;
}

export function docsSettings(options: AppOptions): DocsSettings {
  // undefined means the default; null means "do not mount".
  return {
    openapiUrl: options.openapiUrl === undefined ? "/openapi.json" : options.openapiUrl,
    docsUrl: options.docsUrl === undefined ? "/docs" : options.docsUrl,
    redocUrl: options.redocUrl === undefined ? "/redoc" : options.redocUrl,
    title: options.title ?? "trellis",
    swaggerUiParameters: options.swaggerUiParameters ?? {},
  };
}

/** The document, serialized once per built document (resetOpenAPI() builds a new one). */
function documentRoute(app: App, path: string): DocsRoute {
  let served: { doc: OpenAPIObject; body: string } | undefined;
  return {
    path,
    handler: () => {
      const doc = app.openapi();
      if (served?.doc !== doc) served = { doc, body: JSON.stringify(doc) };
      return new Response(served.body, { headers: { "cache-control": REVALIDATE } }, "application/json");
    },
  };
}

/** Docs URLs name one page each; a parameter or wildcard would make /docs/{x} claim other paths. */
function assertStaticPath(path: string): void {
  if (path.split("/").some((segment) => /[{}*]/.test(segment) || segment.startsWith(":"))) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `Docs URL "${path}" must be a static path, without parameters or wildcards`);
  }
}
