import { describe, expect, it } from "vitest";
import { flagsTakenByNpm, npmRunForm } from "../../src/cli/npm-run.js";
import { GENERATE_DOMAIN_FLAGS } from "../../src/cli/options.js";

const npmRun = { npm_lifecycle_event: "generate", npm_lifecycle_script: "trellis generate" };

describe("flagsTakenByNpm", () => {
  it("reads back the flags npm recorded as npm_config_* (true for --flag, empty for --no-flag)", () => {
    const taken = flagsTakenByNpm(GENERATE_DOMAIN_FLAGS, { ...npmRun, npm_config_dry_run: "true", npm_config_tests: "", npm_config_fields: "a:string" }, new Set());
    expect(taken.values).toEqual({ dryRun: true, tests: false, fields: "a:string" });
    expect(taken.typed).toEqual(["--fields a:string", "--dry-run", "--no-tests"]);
    expect(taken.lost).toEqual([]);
  });

  it("reports a value flag whose value npm passed on as an argument", () => {
    expect(flagsTakenByNpm(GENERATE_DOMAIN_FLAGS, { ...npmRun, npm_config_fields: "true" }, new Set()).lost).toEqual(["--fields"]);
  });

  it("ignores npm's config outside an npm script, and for flags given to trellis directly", () => {
    expect(flagsTakenByNpm(GENERATE_DOMAIN_FLAGS, { npm_config_force: "true" }, new Set()).typed).toEqual([]);
    expect(flagsTakenByNpm(GENERATE_DOMAIN_FLAGS, { ...npmRun, npm_lifecycle_event: "npx", npm_config_force: "true" }, new Set()).typed).toEqual([]);
    expect(flagsTakenByNpm(GENERATE_DOMAIN_FLAGS, { ...npmRun, npm_config_force: "true" }, new Set(["force"])).typed).toEqual([]);
  });
});

describe("npmRunForm", () => {
  it("leaves out the words the script supplies", () => {
    expect(npmRunForm(npmRun, ["generate", "domain", "orders"], ["--force"])).toBe("npm run generate -- domain orders --force");
    expect(npmRunForm({ npm_lifecycle_event: "t", npm_lifecycle_script: "trellis" }, ["remove", "domain", "orders"], [])).toBe("npm run t -- remove domain orders");
  });
});
