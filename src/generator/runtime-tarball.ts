import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";
import { CLI_MANIFEST, CLI_PACK_DIR, PACKAGE_ROOT, RUNTIME_MANIFEST, RUNTIME_PACK_DIR, RUNTIME_SOURCE_MANIFEST } from "./paths.js";

/**
 * Until @trellis/runtime and the CLI are published, a created project
 * carries both, as packed by the checkout it was created from, as tarballs
 * (vendor/) and depends on them with `file:` specs: the runtime as a
 * dependency, the CLI (for `npm run generate`) as a devDependency. The
 * tarballs are packed by `npm run build` (pack-runtime.ts, pack-cli.ts), so
 * create only copies bytes.
 */
export interface PackedManifest {
  name: string;
  version: string;
  /** File name inside the pack directory, e.g. trellis-runtime-0.1.0.tgz. */
  filename: string;
}

export interface VendoredTarball extends PackedManifest {
  contents: Buffer;
  /** Where the tarball goes inside a created project. */
  projectPath: string;
  /** The dependency spec in the created project's package.json. */
  spec: string;
}

export const VENDOR_DIR = "vendor";

function isManifest(value: unknown): value is PackedManifest {
  if (typeof value !== "object" || value === null) return false;
  const record = value as Record<string, unknown>;
  return typeof record.name === "string" && typeof record.version === "string"
    && typeof record.filename === "string" && /^[\w.-]+\.tgz$/.test(record.filename);
}

async function loadTarball(manifestPath: string, packDir: string, notBuilt: (why: string) => TrellisError): Promise<VendoredTarball> {
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(manifestPath, "utf8"));
  } catch {
    throw notBuilt(`${manifestPath} cannot be read`);
  }
  if (!isManifest(manifest)) throw notBuilt(`${manifestPath} is not a pack manifest`);
  const contents = await readFile(path.join(packDir, manifest.filename)).catch(() => {
    throw notBuilt(`${manifest.filename} is not in ${packDir}`);
  });
  const projectPath = `${VENDOR_DIR}/${manifest.filename}`;
  return { ...manifest, contents, projectPath, spec: `file:${projectPath}` };
}

/**
 * Refuses `create` from a CLI that cannot vendor a runtime: the copy a
 * project installs for `generate` and `remove` (a devDependency) carries no
 * runtime tarball and no runtime sources to build one from. Saying "build
 * the runtime" there would send the user looking for a checkout they are
 * not in, so it says what is wrong instead. Checked before any question.
 */
export function assertCanCreate(): void {
  if (existsSync(RUNTIME_MANIFEST) || existsSync(RUNTIME_SOURCE_MANIFEST)) return;
  throw new TrellisError(
    "TRELLIS_E_NOT_A_CHECKOUT",
    `this trellis CLI (${PACKAGE_ROOT}) is the copy a project installs for \`generate\` and \`remove\`; it does not carry the runtime that \`create\` puts into a new project`,
  );
}

export function loadRuntimeTarball(): Promise<VendoredTarball> {
  return loadTarball(RUNTIME_MANIFEST, RUNTIME_PACK_DIR, (why) => new TrellisError("TRELLIS_E_RUNTIME_NOT_BUILT", `the packed @trellis/runtime is missing: ${why}`));
}

export function loadCliTarball(): Promise<VendoredTarball> {
  return loadTarball(CLI_MANIFEST, CLI_PACK_DIR, (why) => new TrellisError("TRELLIS_E_CLI_NOT_BUILT", `the packed trellis CLI is missing: ${why}`));
}
