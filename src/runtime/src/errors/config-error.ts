/**
 * Misuse of the runtime's API, detected at registration time (never per
 * request): a duplicate route, a path parameter missing from the params
 * schema, a dependency cycle... Each has a stable code and a hint.
 */
export const CONFIG_ERRORS = {
  TRELLIS_E_DUPLICATE_ROUTE: "Each method and path may be registered once.",
  TRELLIS_E_PATH_PARAM_MISMATCH: "Every {name} in the path needs a key in `params`, and every key in `params` a {name} in the path.",
  TRELLIS_E_INVALID_PATH: "Paths are static strings that start with '/'; parameters are written {name} or :name.",
  TRELLIS_E_NOT_A_SCHEMA: "params, query, headers, body and response take zod schemas (z.object for params, query and headers).",
  TRELLIS_E_DEPENDENCY_CYCLE: "A dependency may not depend on itself, directly or through others.",
  TRELLIS_E_NOT_A_DEPENDENCY: "A dependency is a function of the request context, optionally wrapped with depends().",
  TRELLIS_E_INVALID_STATUS: "A route's status must be an integer between 100 and 599.",
  TRELLIS_E_BODY_ON_GET: "GET, HEAD and DELETE routes take no request body schema.",
  TRELLIS_E_INVALID_OPTION: "An option of createApp or of a route has an invalid value.",
} as const;

export type ConfigErrorCode = keyof typeof CONFIG_ERRORS;

export class TrellisConfigError extends Error {
  override readonly name = "TrellisConfigError";
  readonly hint: string;
  /** Where the offending route was written ("src/domains/orders/router.ts:12:8"), when known. */
  definedAt: string | undefined;

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
  ) {
    super(`${message} [${code}]`);
    this.hint = CONFIG_ERRORS[code];
    this.definedAt = undefined;
  }
}
