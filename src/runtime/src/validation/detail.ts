/** One item of a 422 body, in pydantic v2's shape. */
export interface ValidationDetail {
  type: string;
  loc: (string | number)[];
  msg: string;
  input: unknown;
  ctx?: Record<string, unknown>;
}

/** Where a value came from: the first element of every `loc`. */
export type ValueSource = "body" | "query" | "path" | "header" | "cookie";

/** Hostile input can produce thousands of issues; the response stays small. */
export const MAX_DETAILS = 50;
