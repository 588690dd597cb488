/**
 * Build step (`npm run build`, after the runtime is compiled): packs the
 * @trellis/runtime workspace with npm itself, so the tarball holds exactly
 * what a publication would, and records it in manifest.json for create.
 * Run as `node dist/generator/pack-runtime.js` from anywhere.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT, RUNTIME_MANIFEST, RUNTIME_PACK_DIR } from "./paths.js";
import type { PackedManifest } from "./runtime-tarball.js";

const WORKSPACE = "@trellis/runtime";
const compiledEntry = path.join(PACKAGE_ROOT, "src", "runtime", "dist", "index.js");

if (!existsSync(compiledEntry)) {
  console.error(`error: ${compiledEntry} is missing\nhint: compile the runtime first: npm run build --workspace ${WORKSPACE}`);
  process.exit(1);
}

rmSync(RUNTIME_PACK_DIR, { recursive: true, force: true });
mkdirSync(RUNTIME_PACK_DIR, { recursive: true });
const output = execFileSync("npm", ["pack", "--workspace", WORKSPACE, "--pack-destination", RUNTIME_PACK_DIR, "--json", "--silent"], {
  cwd: PACKAGE_ROOT,
  encoding: "utf8",
  stdio: ["ignore", "pipe", "inherit"],
});
const [packed] = JSON.parse(output) as [{ name: string; version: string; filename: string }];
const manifest: PackedManifest = { name: packed.name, version: packed.version, filename: packed.filename };
writeFileSync(RUNTIME_MANIFEST, `${JSON.stringify(manifest, null, 2)}\n`);
console.log(`packed ${manifest.name}@${manifest.version} -> ${path.relative(PACKAGE_ROOT, path.join(RUNTIME_PACK_DIR, manifest.filename))}`);
