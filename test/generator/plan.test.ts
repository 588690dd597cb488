import { describe, expect, it } from "vitest";
import { createFilePlan, planDirectories } from "../../src/generator/plan.js";

const file = (path: string) => ({ path, contents: "", mode: 0o644 });

describe("createFilePlan", () => {
  it("sorts files by path so every run writes in the same order", () => {
    expect(createFilePlan([file("src/b.ts"), file("a.ts"), file("src/a.ts")]).files.map((f) => f.path)).toEqual(["a.ts", "src/a.ts", "src/b.ts"]);
  });

  it.each(["/etc/passwd", "../outside", "a/../../b", "a//b", "./a", "a\\b", ""])("refuses the unsafe path %j", (unsafe) => {
    expect(() => createFilePlan([file(unsafe)])).toThrow(/unsafe path/);
  });

  it("refuses a plan that writes one path twice", () => {
    expect(() => createFilePlan([file("a.ts"), file("a.ts")])).toThrow(/twice/);
  });
});

describe("planDirectories", () => {
  it("lists every directory once, parents before children", () => {
    const plan = createFilePlan([file("src/domains/users/router.ts"), file("src/main.ts"), file("test/a.test.ts"), file("README.md")]);
    expect(planDirectories(plan)).toEqual(["src", "test", "src/domains", "src/domains/users"]);
  });
});
