import path from "node:path";
import { describe, expect, it } from "vitest";
import { TrellisError } from "../../src/cli/errors.js";
import { packageNameProblem, resolveProjectTarget, suggestPackageName } from "../../src/generator/naming.js";

describe("packageNameProblem", () => {
  it.each(["my-api", "api", "a.b", "a_b", "x1", "trellis-app-2"])("accepts the valid npm name %s", (name) => {
    expect(packageNameProblem(name)).toBeUndefined();
  });

  it.each([
    ["", /empty/],
    [" api", /spaces/],
    ["MyApi", /uppercase/],
    [".api", /'\.' or '_'/],
    ["_api", /'\.' or '_'/],
    ["node_modules", /reserved/],
    ["favicon.ico", /reserved/],
    ["http", /core module/],
    ["it's", /~'!\(\)\*/],
    ["my api", /URL-safe/],
    ["a:b", /URL-safe/],
    ["x".repeat(215), /longer than 214/],
  ])("refuses %j because %s", (name, reason) => {
    expect(packageNameProblem(name)).toMatch(reason);
  });
});

describe("suggestPackageName", () => {
  it.each([["My Cool API", "my-cool-api"], ["MyApi", "my-api"], ["  __Hidden  ", "hidden"], ["a/b", "a-b"], ["!!!", "my-api"], ["http", "http-api"]])(
    "turns %j into the valid name %j",
    (text, expected) => {
      expect(suggestPackageName(text)).toBe(expected);
      expect(packageNameProblem(expected)).toBeUndefined();
    },
  );
});

describe("resolveProjectTarget", () => {
  const cwd = "/work/projects";

  it("takes the last segment of a name or path as the package name", () => {
    expect(resolveProjectTarget("my-api", cwd)).toEqual({ dir: "/work/projects/my-api", name: "my-api", display: "my-api" });
    expect(resolveProjectTarget("apps/my-api/", cwd)).toEqual({ dir: "/work/projects/apps/my-api", name: "my-api", display: path.join("apps", "my-api") });
    expect(resolveProjectTarget("/srv/my-api", cwd)).toEqual({ dir: "/srv/my-api", name: "my-api", display: "/srv/my-api" });
  });

  it("takes . (and a path ending in .) as that directory, named after it", () => {
    expect(resolveProjectTarget(".", cwd)).toEqual({ dir: "/work/projects", name: "projects", display: "." });
    expect(resolveProjectTarget("./", cwd)).toEqual({ dir: "/work/projects", name: "projects", display: "." });
    expect(resolveProjectTarget("apps/my-api/.", cwd)).toEqual({ dir: "/work/projects/apps/my-api", name: "my-api", display: path.join("apps", "my-api") });
  });

  it("derives a valid package name for . when the directory's name is not one, and says where it came from", () => {
    expect(resolveProjectTarget(".", "/work/My Api")).toEqual({ dir: "/work/My Api", name: "my-api", display: ".", nameFromDirectory: "My Api" });
  });

  it("refuses an invalid new name, naming the valid one to use", () => {
    expect(() => resolveProjectTarget("My Api", cwd)).toThrow(expect.objectContaining({ code: "TRELLIS_E_INVALID_NAME", message: expect.stringContaining('use "my-api" instead'), hint: expect.stringContaining("trellis create my-api") }));
    expect(() => resolveProjectTarget("apps/MyApi", cwd)).toThrow(expect.objectContaining({ message: expect.stringContaining('use "my-api" instead'), hint: expect.stringContaining("trellis create apps/my-api") }));
  });

  it.each([["../x", "TRELLIS_E_PATH_NAME"], ["a/../../b", "TRELLIS_E_PATH_NAME"], ["/", "TRELLIS_E_PATH_NAME"], ["", "TRELLIS_E_PATH_NAME"], ["~/x", "TRELLIS_E_PATH_NAME"], ["a\\b", "TRELLIS_E_PATH_NAME"], ["a\0b", "TRELLIS_E_PATH_NAME"], ["Api", "TRELLIS_E_INVALID_NAME"], ["apps/.hidden", "TRELLIS_E_INVALID_NAME"]])(
    "refuses %j with %s",
    (arg, code) => {
      let thrown: unknown;
      try {
        resolveProjectTarget(arg, cwd);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TrellisError);
      expect((thrown as TrellisError).code).toBe(code);
      expect((thrown as TrellisError).message).not.toContain("\n");
    },
  );
});
