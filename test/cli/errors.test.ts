import { describe, expect, it } from "vitest";
import { CLI_ERRORS, toTrellisError, TrellisError } from "../../src/cli/errors.js";

describe("the CLI error table", () => {
  it("gives every code a hint, except a cancellation, which needs none", () => {
    for (const [code, entry] of Object.entries(CLI_ERRORS)) {
      if (code === "TRELLIS_E_CANCELLED") expect(entry.hint).toBe("");
      else expect(entry.hint, code).toMatch(/\S/);
      expect(code).toMatch(/^TRELLIS_E_[A-Z_]+$/);
    }
  });

  it("exits 130 for a cancellation and 1 for every other code", () => {
    for (const [code, entry] of Object.entries(CLI_ERRORS)) expect(entry.exitCode, code).toBe(code === "TRELLIS_E_CANCELLED" ? 130 : 1);
  });
});

describe("toTrellisError", () => {
  it("keeps a TrellisError as it is and wraps anything else once as TRELLIS_E_INTERNAL", () => {
    const known = new TrellisError("TRELLIS_E_DIR_NOT_EMPTY", "x is not empty");
    expect(toTrellisError(known)).toBe(known);
    const wrapped = toTrellisError(new RangeError("boom"));
    expect(wrapped.code).toBe("TRELLIS_E_INTERNAL");
    expect(wrapped.message).toBe("unexpected failure: boom");
    expect(toTrellisError(wrapped)).toBe(wrapped);
    expect(toTrellisError("a string").message).toBe("unexpected failure: a string");
  });
});
