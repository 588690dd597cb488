import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Response } from "../http/response.js";

/** A GET route of the docs: a static path and a handler that needs nothing from the request. */
export interface DocsRoute {
  path: string;
  handler: () => Response | Promise<Response>;
}

/** An installed npm package: where its files are and which version they are. */
export interface InstalledPackage {
  dir: string;
  version: string;
}

/** Finds a package the way the runtime's own imports would; undefined when it is not installed. */
export type PackageLocator = (name: string) => InstalledPackage | undefined;

const require = createRequire(import.meta.url);

export const locatePackage: PackageLocator = (name) => {
  try {
    const manifest = require.resolve(`${name}/package.json`);
    const { version } = require(manifest) as { version?: unknown };
    return { dir: dirname(manifest), version: typeof version === "string" ? version : "0" };
  } catch {
    return undefined;
  }
};

export const CONTENT_TYPES = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  html: "text/html; charset=utf-8",
  png: "image/png",
} as const;

/**
 * Asset URLs carry their package's version (`?v=5.35.0`), so a browser
 * may keep them for a year: an upgrade changes the URL, not the file
 * behind a cached one.
 */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Pages and the document change with the app: the browser revalidates each time. */
export const REVALIDATE = "no-cache";

/**
 * A file served from an installed package: read on first request (no
 * start-up cost for apps whose docs nobody opens), then kept in memory.
 * A failed read is not cached, so a fixed install recovers without a restart.
 * `transform` runs once, on the file as read.
 */
export function packageFile(
  pkg: InstalledPackage,
  file: string,
  contentType: string,
  cacheControl: string = IMMUTABLE,
  transform: (contents: Buffer) => Buffer = (contents) => contents,
): () => Promise<Response> {
  let loading: Promise<Buffer> | undefined;
  return async () => {
    loading ??= readFile(join(pkg.dir, file)).then(transform).catch((err: unknown) => {
      loading = undefined;
      throw err;
    });
    return new Response(await loading, { headers: { "cache-control": cacheControl } }, contentType);
  };
}

/** Appends the cache-busting version to an asset URL. */
export function versioned(url: string, version: string): string {
  return `${url}?v=${encodeURIComponent(version)}`;
}
