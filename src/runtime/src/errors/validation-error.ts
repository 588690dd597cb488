import type { ValidationDetail } from "../validation/detail.js";

/** The request did not match the route's schemas: 422 `{"detail": [...]}`. */
export class RequestValidationError extends Error {
  override readonly name = "RequestValidationError";

  constructor(readonly errors: ValidationDetail[]) {
    super(`${errors.length} validation error${errors.length === 1 ? "" : "s"} for request`);
  }
}

/**
 * How the message names a value the response model refused: numbers,
 * booleans and null as they are, anything else by its kind only. Response
 * values are the app's own data (emails, names), so the one-line message
 * never quotes a string; `errors` keeps the inputs, bounded and with
 * sensitive keys redacted as in 422 bodies, for structured logs.
 */
function describeInput(input: unknown): string {
  if (input === undefined) return "nothing";
  if (input === null || typeof input === "number" || typeof input === "boolean") return String(input);
  if (typeof input === "string") return `a string of ${input.length} character${input.length === 1 ? "" : "s"}`;
  if (Array.isArray(input)) return `a list of ${input.length}`;
  if (input instanceof Date) return "a Date";
  return typeof input === "object" ? "an object" : `a ${typeof input}`;
}

/**
 * The handler returned something its response model rejects. A server bug,
 * not the client's: 500, with the details logged but never sent. As in
 * FastAPI, each error's `loc` starts with "response"; the message lists them
 * as `field.path: msg [type], got <kind of input>`.
 */
export class ResponseValidationError extends Error {
  override readonly name = "ResponseValidationError";
  readonly errors: ValidationDetail[];

  constructor(errors: ValidationDetail[]) {
    const located = errors.map((e) => ({ ...e, loc: ["response", ...e.loc.slice(1)] }));
    const lines = located.slice(0, 5).map((e) => `${e.loc.slice(1).join(".") || "(the whole value)"}: ${e.msg} [${e.type}], got ${describeInput(e.input)}`);
    const more = located.length > 5 ? `; and ${located.length - 5} more` : "";
    super(`${located.length} validation error${located.length === 1 ? "" : "s"} for the response: ${lines.join("; ")}${more}`);
    this.errors = located;
  }
}
