/**
 * Build step (`npm run build`, after build:cli): compiles every .hbs under
 * templates/ into dist/templates.precompiled.json (precompiled-templates.ts
 * says why and how it is used). Run as `node dist/generator/precompile-templates.js`.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import Handlebars from "handlebars";
import { TEMPLATES_DIR } from "./paths.js";
import { COMPILE_OPTIONS, PRECOMPILED_FILE, templateKey, type PrecompiledFile } from "./precompiled-templates.js";

function templateFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name === "node_modules" || entry.name === "dist") return [];
    const child = path.join(dir, entry.name);
    return entry.isDirectory() ? templateFiles(child) : entry.name.endsWith(".hbs") ? [child] : [];
  });
}

const output: PrecompiledFile = { handlebars: Handlebars.VERSION, templates: {} };
for (const file of templateFiles(TEMPLATES_DIR).sort()) {
  const source = readFileSync(file, "utf8");
  // Typed as a spec object, but precompile returns the spec's JavaScript source.
  output.templates[templateKey(source)] = Handlebars.precompile(source, COMPILE_OPTIONS) as unknown as string;
}
writeFileSync(PRECOMPILED_FILE, `${JSON.stringify(output)}\n`);
console.log(`precompiled ${Object.keys(output.templates).length} templates -> ${path.relative(process.cwd(), PRECOMPILED_FILE) || PRECOMPILED_FILE}`);
