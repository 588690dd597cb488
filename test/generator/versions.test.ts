import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { VERSIONS } from "../../src/generator/versions.js";

const read = (file: string) => JSON.parse(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8")) as Record<string, Record<string, string>>;

describe("the versions created projects pin", () => {
  it("are the exact versions this repository builds and tests with", () => {
    const root = read("package.json");
    for (const name of ["typescript", "tsx", "vitest", "@types/node", "ioredis"] as const) {
      expect(VERSIONS[name], name).toBe(root.devDependencies?.[name]);
    }
  });

  it("pin the runtime's own zod, so a project holds one copy of it", () => {
    expect(VERSIONS.zod).toBe(read("src/runtime/package.json").dependencies?.zod);
  });

  it("are exact versions, never ranges", () => {
    for (const [name, version] of Object.entries(VERSIONS)) expect(version, name).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
