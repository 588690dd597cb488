import type { z } from "zod";

/**
 * zod's compiled fast path only runs when safeParse gets no context: with
 * `{ reportInput: true }` the same parse measured ~30x slower (74 ns vs
 * 2.4 µs for a five-field object). So valid input, the common case, is
 * parsed plainly, and only a failure is parsed again to collect the inputs
 * that 422 bodies echo.
 */
export function parseOrIssues(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false; issues: z.core.$ZodIssue[] } {
  const fast = schema.safeParse(value);
  if (fast.success) return { ok: true, value: fast.data };
  const detailed = schema.safeParse(value, { reportInput: true });
  return { ok: false, issues: detailed.success ? fast.error.issues : detailed.error.issues };
}
