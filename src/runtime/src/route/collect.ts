import type { ValidationDetail } from "../validation/detail.js";

type Parsed = { ok: true; value: unknown } | { ok: false; errors: ValidationDetail[] };

/**
 * Runs one of a route's optional parsers (params, query, headers, body),
 * adding its errors to `errors` so that a request reports every invalid
 * part at once. Without a parser the value is `fallback`.
 */
export function collectParsed<I>(parse: ((input: I) => Parsed) | undefined, input: I, fallback: unknown, errors: ValidationDetail[]): unknown {
  if (!parse) return fallback;
  const result = parse(input);
  if (result.ok) return result.value;
  for (const error of result.errors) errors.push(error);
  return fallback;
}
