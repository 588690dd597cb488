import path from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The CLI package's root. This file sits two levels below it both as source
 * (src/generator/paths.ts) and compiled (dist/generator/paths.js).
 */
export const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export const TEMPLATES_DIR = path.join(PACKAGE_ROOT, "templates");

/** Where `npm run build` leaves the packed runtime that created projects vendor. */
export const RUNTIME_PACK_DIR = path.join(PACKAGE_ROOT, "dist", "runtime");

export const RUNTIME_MANIFEST = path.join(RUNTIME_PACK_DIR, "manifest.json");

/** Where `npm run build` leaves the packed CLI that created projects vendor as a devDependency. */
export const CLI_PACK_DIR = path.join(PACKAGE_ROOT, "dist", "cli-pack");

export const CLI_MANIFEST = path.join(CLI_PACK_DIR, "manifest.json");

/**
 * Present only in a trellis checkout: the runtime's workspace package, which
 * `npm run build` packs into RUNTIME_PACK_DIR. The CLI a project installs as
 * a devDependency (pack-cli.ts) ships without it.
 */
export const RUNTIME_SOURCE_MANIFEST = path.join(PACKAGE_ROOT, "src", "runtime", "package.json");
