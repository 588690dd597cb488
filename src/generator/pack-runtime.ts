/**
 * Build step (`npm run build`, after the runtime is compiled): packs the
 * @trellis/runtime workspace with npm itself, so the tarball holds exactly
 * what a publication would, and records it in manifest.json for create.
 * Run as `node dist/generator/pack-runtime.js` from anywhere.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT, RUNTIME_MANIFEST, RUNTIME_PACK_DIR } from "./paths.js";
import { npmPack } from "./npm-pack.js";

const WORKSPACE = "@trellis/runtime";
const compiledEntry = path.join(PACKAGE_ROOT, "src", "runtime", "dist", "index.js");

if (!existsSync(compiledEntry)) {
  console.error(`error: ${compiledEntry} is missing\nhint: compile the runtime first: npm run build --workspace ${WORKSPACE}`);
  process.exit(1);
}

npmPack({ cwd: PACKAGE_ROOT, args: ["--workspace", WORKSPACE], destination: RUNTIME_PACK_DIR, manifestFile: RUNTIME_MANIFEST, label: "" });
