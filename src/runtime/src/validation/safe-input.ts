/**
 * 422 bodies echo the offending input, as FastAPI does. Hostile input must
 * not turn that echo into a 500 (JSON.stringify throws on 10,000-deep
 * nesting) or a huge response, and secrets must never be echoed back.
 */

const MAX_DEPTH = 4;
const MAX_ENTRIES = 20;
const MAX_STRING = 256;
export const REDACTED = "[redacted]";

/** Keys whose values are never echoed. */
const SENSITIVE_KEY = /pass(word|wd|phrase)?|secret|token|api[_-]?key|authorization|cookie|credential/i;

export function isSensitiveKey(key: string | number): boolean {
  return typeof key === "string" && SENSITIVE_KEY.test(key);
}

/** A bounded, JSON-safe copy of `value` with sensitive keys redacted. */
export function safeInput(value: unknown, depth = 0): unknown {
  switch (typeof value) {
    case "string":
      return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
    case "number":
      return Number.isFinite(value) ? value : String(value);
    case "boolean":
      return value;
    case "bigint":
      return value.toString();
    case "undefined":
      return null;
    case "object":
      break;
    default:
      return null;
  }
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (depth >= MAX_DEPTH) return Array.isArray(value) ? ["…"] : { "…": "…" };
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    const n = Math.min(value.length, MAX_ENTRIES);
    for (let i = 0; i < n; i++) out.push(safeInput(value[i], depth + 1));
    if (value.length > MAX_ENTRIES) out.push("…");
    return out;
  }
  // A null-prototype copy: keys such as "__proto__" stay plain data.
  const out: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  let count = 0;
  for (const key of Object.keys(value)) {
    if (count++ >= MAX_ENTRIES) {
      out["…"] = "…";
      break;
    }
    out[key] = isSensitiveKey(key) ? REDACTED : safeInput((value as Record<string, unknown>)[key], depth + 1);
  }
  return out;
}
