import { describe, expect, it } from "vitest";
import { TrellisError } from "../../src/cli/errors.js";
import { outputPath, renderTemplate, renderText } from "../../src/generator/render.js";

describe("outputPath", () => {
  it.each([
    ["package.json.hbs", "package.json"],
    ["_gitignore", ".gitignore"],
    ["_env.example", ".env.example"],
    ["src/_gitignore.hbs", "src/.gitignore"],
    ["src/main.ts", "src/main.ts"],
    ["src/_helpers.ts", "src/_helpers.ts"],
  ])("writes the template file %s as %s", (from, to) => {
    expect(outputPath(from)).toBe(to);
  });
});

describe("renderText", () => {
  it("does not HTML-escape, so quotes and ampersands in TypeScript and JSON survive", () => {
    expect(renderText(`const s = "{{value}}";`, { value: `<a href='x'>&amp;</a>` }, "t.ts.hbs")).toBe(`const s = "<a href='x'>&amp;</a>";`);
  });

  it("fails with TRELLIS_E_TEMPLATE naming the file when the view model lacks a variable", () => {
    let thrown: unknown;
    try {
      renderText("{{name}} {{missing}}", { name: "x" }, "README.md.hbs");
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TrellisError);
    expect((thrown as TrellisError).code).toBe("TRELLIS_E_TEMPLATE");
    expect((thrown as TrellisError).message).toMatch(/^template README\.md\.hbs failed to render: .*missing/);
  });

  it("reads package names with slashes through segment literals", () => {
    expect(renderText("{{versions.[@types/node]}}", { versions: { "@types/node": "20.0.0" } }, "package.json.hbs")).toBe("20.0.0");
  });
});

describe("renderTemplate", () => {
  it("renders .hbs files and copies every other file byte for byte, even when it is not UTF-8", () => {
    const binary = Buffer.from([0xff, 0xfe, 0x7b, 0x7b, 0x78, 0x7d, 0x7d, 0x00]);
    const files = renderTemplate(
      [
        { path: "a.txt.hbs", contents: Buffer.from("hello {{who}}"), mode: 0o644 },
        { path: "raw.bin", contents: binary, mode: 0o644 },
        { path: "literal.ts", contents: Buffer.from("const t = `{{not rendered}}`;"), mode: 0o755 },
      ],
      { who: "world" },
    );
    expect(files).toEqual([
      { path: "a.txt", contents: "hello world", mode: 0o644 },
      { path: "raw.bin", contents: binary, mode: 0o644 },
      { path: "literal.ts", contents: Buffer.from("const t = `{{not rendered}}`;"), mode: 0o755 },
    ]);
  });
});

describe("precompiled templates (dist/templates.precompiled.json, written by npm run build)", () => {
  it("holds every .hbs under templates/, keyed by its text, for this handlebars", async () => {
    const { readdirSync, readFileSync } = await import("node:fs");
    const path = await import("node:path");
    const Handlebars = (await import("handlebars")).default;
    const { precompiledSpec } = await import("../../src/generator/precompiled-templates.js");
    const { TEMPLATES_DIR } = await import("../../src/generator/paths.js");
    const files = (readdirSync(TEMPLATES_DIR, { recursive: true }) as string[]).filter((file) => file.endsWith(".hbs") && !file.includes("node_modules"));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) expect(precompiledSpec(readFileSync(path.join(TEMPLATES_DIR, file), "utf8"), Handlebars.VERSION), file).toBeDefined();
    // A template edited after the build has no entry, and renderText compiles it as before.
    expect(precompiledSpec("{{name}} edited after the build", Handlebars.VERSION)).toBeUndefined();
    expect(precompiledSpec(readFileSync(path.join(TEMPLATES_DIR, files[0]!), "utf8"), "0.0.0")).toBeUndefined();
  });
});
