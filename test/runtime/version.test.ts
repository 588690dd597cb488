import { describe, expect, it } from "vitest";
import { VERSION } from "@trellis/runtime";
import pkg from "../../src/runtime/package.json" with { type: "json" };

describe("runtime package", () => {
  it("exports the version written in its package.json", () => {
    expect(VERSION).toBe(pkg.version);
  });
});
