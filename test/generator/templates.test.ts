import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DATABASES } from "../../src/generator/databases.js";
import { TEMPLATES_DIR } from "../../src/generator/paths.js";
import { PACKAGE_MANAGERS } from "../../src/generator/pm.js";
import { planProject } from "../../src/generator/project.js";
import type { VendoredTarball } from "../../src/generator/runtime-tarball.js";
import { TEMPLATE_NAMES } from "../../src/generator/templates.js";

const runtime: VendoredTarball = {
  name: "@trellis/runtime",
  version: "0.1.0",
  filename: "trellis-runtime-0.1.0.tgz",
  contents: Buffer.from("not really a tarball"),
  projectPath: "vendor/trellis-runtime-0.1.0.tgz",
  spec: "file:vendor/trellis-runtime-0.1.0.tgz",
};
const cli: VendoredTarball = {
  name: "trellis",
  version: "0.1.0",
  filename: "trellis-0.1.0.tgz",
  contents: Buffer.from("not really a tarball either"),
  projectPath: "vendor/trellis-0.1.0.tgz",
  spec: "file:vendor/trellis-0.1.0.tgz",
};

describe("templates", () => {
  it.each(TEMPLATE_NAMES)("has a directory for the template row %s", (name) => {
    expect(existsSync(path.join(TEMPLATES_DIR, name, "package.json.hbs"))).toBe(true);
  });

  const variants = TEMPLATE_NAMES.flatMap((template) => DATABASES.flatMap((db) => PACKAGE_MANAGERS.map((pm) => ({ template, db, pm }))));
  it.each(variants)("renders $template with db=$db and pm=$pm into valid JSON and no leftover template syntax", async ({ template, db, pm }) => {
    const plan = await planProject({ name: "probe-api", template, db, pm, runtime, cli });
    const packageJson = plan.files.find((file) => file.path === "package.json");
    const manifest = JSON.parse(String(packageJson?.contents)) as { name: string; dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(manifest.name).toBe("probe-api");
    expect(manifest.dependencies["@trellis/runtime"]).toBe(runtime.spec);
    // The CLI is tooling: a devDependency, never shipped with the app (DESIGN: package boundary).
    expect(manifest.devDependencies.trellis).toBe(cli.spec);
    expect(manifest.dependencies.trellis).toBeUndefined();
    for (const file of plan.files) {
      expect(file.path.endsWith(".hbs"), file.path).toBe(false);
      if (typeof file.contents === "string") expect(file.contents, file.path).not.toMatch(/\{\{/);
    }
    expect(plan.files.map((file) => file.path)).toEqual(expect.arrayContaining([runtime.projectPath, cli.projectPath]));
  });
});
