import { describe, expect, it } from "vitest";
import { TrellisError } from "../../src/cli/errors.js";
import { CREATE_FLAGS, CreateFlags, parseFlags } from "../../src/cli/options.js";
import { shouldPrompt } from "../../src/cli/prompts.js";

describe("create flags", () => {
  it("fills the defaults: default template, PGlite, install and git on, package manager left to detection", () => {
    expect(parseFlags(CREATE_FLAGS, CreateFlags, { install: true, git: true })).toEqual({ yes: false, template: "default", db: "pglite", install: true, git: true });
  });

  it("names the flag, the value and the accepted values in one line when a value is invalid", () => {
    let thrown: unknown;
    try {
      parseFlags(CREATE_FLAGS, CreateFlags, { db: "mysql" });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TrellisError);
    expect((thrown as TrellisError).message).toBe('--db "mysql" is not valid: expected one of pglite, postgres');
  });

  it("ignores options that are not in the command's table", () => {
    expect(parseFlags(CREATE_FLAGS, CreateFlags, { somethingElse: 1 })).not.toHaveProperty("somethingElse");
  });
});

describe("shouldPrompt", () => {
  it("prompts only at a terminal, without --yes and outside CI", () => {
    expect(shouldPrompt({ yes: false, stdinIsTTY: true, ci: false })).toBe(true);
    expect(shouldPrompt({ yes: true, stdinIsTTY: true, ci: false })).toBe(false);
    expect(shouldPrompt({ yes: false, stdinIsTTY: false, ci: false })).toBe(false);
    expect(shouldPrompt({ yes: false, stdinIsTTY: true, ci: true })).toBe(false);
  });
});
