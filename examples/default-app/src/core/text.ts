import { z } from "zod";

/**
 * A string PostgreSQL can store: it refuses NUL in text (22021), which
 * would otherwise surface as a 500 instead of a 422 (HARDENING.md 1.10).
 */
export function storableText(options: { min?: number; max: number }) {
  return z.string().min(options.min ?? 0).max(options.max).regex(/^[^\u0000]*$/, "must not contain NUL characters");
}
