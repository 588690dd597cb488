/**
 * Build step (`npm run build`, after build:cli): packs the CLI a created
 * project installs as a devDependency, so that `npm run generate` and `npx
 * trellis` work inside it. The package is staged from the built files
 * (bin/trellis.js, dist/cli, dist/chunks, templates) with a package.json
 * whose dependencies are only the modules the bundle leaves external
 * (CLI_RUNTIME_DEPENDENCIES), pinned to this checkout's exact versions:
 * commander, handlebars, diff and zod are bundled into dist/ and would be
 * dead weight in every project. npm packs it, like the runtime.
 * Run as `node dist/generator/pack-cli.js` from anywhere.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { CLI_MANIFEST, CLI_PACK_DIR, PACKAGE_ROOT } from "./paths.js";
import { PRECOMPILED_FILE } from "./precompiled-templates.js";
import { npmPack } from "./npm-pack.js";

/** The bundle's externals (esbuild --external in package.json's build:cli; test/cli/bundle.test.ts checks the list). */
export const CLI_RUNTIME_DEPENDENCIES = ["@clack/prompts", "execa", "ts-morph"] as const;

interface RootManifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  engines?: Record<string, string>;
  dependencies?: Record<string, string>;
}

const root = JSON.parse(readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")) as RootManifest;
const built = path.join(PACKAGE_ROOT, "dist", "cli", "main.js");
if (!existsSync(built)) {
  console.error(`error: ${built} is missing\nhint: build the CLI first: npm run build:cli`);
  process.exit(1);
}

const dependencies: Record<string, string> = {};
for (const name of CLI_RUNTIME_DEPENDENCIES) {
  const version = root.dependencies?.[name];
  if (version === undefined || !/^\d+\.\d+\.\d+$/.test(version)) {
    console.error(`error: package.json must pin ${name} to an exact version (found ${version ?? "nothing"})`);
    process.exit(1);
  }
  dependencies[name] = version;
}

const stage = mkdtempSync(path.join(os.tmpdir(), "trellis-pack-cli-"));
try {
  const manifest = {
    name: root.name,
    version: root.version,
    description: root.description,
    type: "module",
    license: root.license,
    engines: root.engines,
    bin: { trellis: "bin/trellis.js" },
    files: ["bin", "dist", "templates"],
    dependencies,
  };
  writeFileSync(path.join(stage, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  cpSync(path.join(PACKAGE_ROOT, "bin", "trellis.js"), path.join(stage, "bin", "trellis.js"));
  // The same files create reads (render.ts skips these when it walks a template).
  const skipped = new Set(["node_modules", "dist", "coverage", ".DS_Store"]);
  cpSync(path.join(PACKAGE_ROOT, "templates"), path.join(stage, "templates"), { recursive: true, filter: (source) => !skipped.has(path.basename(source)) });
  cpSync(PRECOMPILED_FILE, path.join(stage, "dist", path.basename(PRECOMPILED_FILE)));
  // Source maps would triple the tarball for a tool users never debug.
  for (const dir of ["cli", "chunks"]) {
    mkdirSync(path.join(stage, "dist", dir), { recursive: true });
    for (const file of readdirSync(path.join(PACKAGE_ROOT, "dist", dir)).filter((name) => name.endsWith(".js"))) {
      const code = readFileSync(path.join(PACKAGE_ROOT, "dist", dir, file), "utf8").replace(/\n\/\/# sourceMappingURL=\S+\s*$/, "\n");
      writeFileSync(path.join(stage, "dist", dir, file), code);
    }
  }

  npmPack({ cwd: stage, args: ["--ignore-scripts"], destination: CLI_PACK_DIR, manifestFile: CLI_MANIFEST, label: " (the CLI a project installs)" });
} finally {
  rmSync(stage, { recursive: true, force: true });
}
