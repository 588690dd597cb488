import { readFile } from "node:fs/promises";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";
import { RUNTIME_MANIFEST, RUNTIME_PACK_DIR } from "./paths.js";

/**
 * Until @trellis/runtime is published, a created project carries the
 * runtime of the checkout it was created from as a tarball (vendor/) and
 * depends on it with a `file:` spec. The tarball is packed by `npm run
 * build` (pack-runtime.ts), so create only copies bytes.
 */
export interface RuntimeManifest {
  name: string;
  version: string;
  /** File name inside RUNTIME_PACK_DIR, e.g. trellis-runtime-0.1.0.tgz. */
  filename: string;
}

export interface RuntimeTarball extends RuntimeManifest {
  contents: Buffer;
  /** Where the tarball goes inside a created project. */
  projectPath: string;
  /** The dependency spec in the created project's package.json. */
  spec: string;
}

export const VENDOR_DIR = "vendor";

function isManifest(value: unknown): value is RuntimeManifest {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === "string" && typeof record.version === "string"
    && typeof record.filename === "string" && /^[\w.-]+\.tgz$/.test(record.filename);
}

export async function loadRuntimeTarball(): Promise<RuntimeTarball> {
  const notBuilt = (why: string) => new TrellisError("TRELLIS_E_RUNTIME_NOT_BUILT", `the packed @trellis/runtime is missing: ${why}`);
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(RUNTIME_MANIFEST, "utf8"));
  } catch {
    throw notBuilt(`${RUNTIME_MANIFEST} cannot be read`);
  }
  if (!isManifest(manifest)) throw notBuilt(`${RUNTIME_MANIFEST} is not a runtime manifest`);
  const contents = await readFile(path.join(RUNTIME_PACK_DIR, manifest.filename)).catch(() => {
    throw notBuilt(`${manifest.filename} is not in ${RUNTIME_PACK_DIR}`);
  });
  const projectPath = `${VENDOR_DIR}/${manifest.filename}`;
  return { ...manifest, contents, projectPath, spec: `file:${projectPath}` };
}
