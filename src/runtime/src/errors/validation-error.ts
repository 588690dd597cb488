import type { ValidationDetail } from "../validation/detail.js";

/** The request did not match the route's schemas: 422 `{"detail": [...]}`. */
export class RequestValidationError extends Error {
  override readonly name = "RequestValidationError";

  constructor(readonly errors: ValidationDetail[]) {
    super(`${errors.length} validation error${errors.length === 1 ? "" : "s"} for request`);
  }
}

/**
 * The handler returned something its response model rejects. A server bug,
 * not the client's: 500, with the details logged but never sent.
 */
export class ResponseValidationError extends Error {
  override readonly name = "ResponseValidationError";

  constructor(readonly errors: ValidationDetail[]) {
    super(`${errors.length} validation error${errors.length === 1 ? "" : "s"} for the response: ${JSON.stringify(errors.slice(0, 5).map((e) => ({ type: e.type, loc: e.loc })))}`);
  }
}
