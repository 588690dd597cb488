import { Response } from "../http/response.js";
import { joinPaths } from "../route/path.js";
import { CONTENT_TYPES, IMMUTABLE, packageFile, REVALIDATE, versioned, type DocsRoute, type InstalledPackage } from "./assets.js";
import { escapeHtml } from "./html.js";

export interface ReDocOptions {
  /** The page's URL path: "/redoc". Its assets live under it. */
  redocUrl: string;
  openapiUrl: string;
  title: string;
}

/**
 * ReDoc's sidebar footer ("API docs by Redocly") always loads its logo from
 * the vendor's CDN: a request to a third party on every visit, which the
 * docs' Content-Security-Policy blocks with a console error. The bundle is
 * served with that URL pointed at an empty inline image (CSP allows data:
 * images); the footer's link and text stay.
 */
const REDOC_CDN_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg";
const EMPTY_SVG = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' width='1' height='1'/%3E";

function withoutCdnLogo(bundle: Buffer): Buffer {
  const text = bundle.toString("utf8");
  return text.includes(REDOC_CDN_LOGO) ? Buffer.from(text.replaceAll(REDOC_CDN_LOGO, EMPTY_SVG), "utf8") : bundle;
}

/**
 * The /redoc page: the standalone bundle finds <redoc spec-url> by itself,
 * so the page needs no inline script. `icon` is swagger-ui-dist, a
 * dependency of the runtime, for the favicon.
 */
export function redocRoutes(options: ReDocOptions, redoc: InstalledPackage, icon: InstalledPackage | undefined): DocsRoute[] {
  const script = joinPaths(options.redocUrl, "redoc.standalone.js");
  const favicon = joinPaths(options.redocUrl, "favicon-32x32.png");
  const page = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title)} - ReDoc</title>
${icon ? `<link rel="icon" type="image/png" href="${escapeHtml(versioned(favicon, icon.version))}">\n` : ""}</head>
<body>
<redoc spec-url="${escapeHtml(options.openapiUrl)}"></redoc>
<script src="${escapeHtml(versioned(script, redoc.version))}"></script>
</body>
</html>
`;
  const routes: DocsRoute[] = [
    { path: options.redocUrl, handler: () => new Response(page, { headers: { "cache-control": REVALIDATE } }, CONTENT_TYPES.html) },
    { path: script, handler: packageFile(redoc, "bundles/redoc.standalone.js", CONTENT_TYPES.js, IMMUTABLE, withoutCdnLogo) },
  ];
  if (icon) routes.push({ path: favicon, handler: packageFile(icon, "favicon-32x32.png", CONTENT_TYPES.png) });
  return routes;
}

/**
 * What a docs page answers when its optional package is missing: 503, so
 * that monitors and link checkers see a page that does not work, with a
 * body that says how to fix it.
 */
export function missingPackageRoute(path: string, page: string, pkg: string): DocsRoute {
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(page)} is not installed</title>
</head>
<body>
<h1>${escapeHtml(page)} is not installed</h1>
<p>This page is served from the npm package <code>${escapeHtml(pkg)}</code>, which this app cannot find.
Install it next to @trellis/runtime and restart the app:</p>
<pre>npm install ${escapeHtml(pkg)}</pre>
</body>
</html>
`;
  return { path, handler: () => new Response(html, { status: 503, headers: { "cache-control": REVALIDATE } }, CONTENT_TYPES.html) };
}
