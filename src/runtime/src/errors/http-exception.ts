/**
 * An error that becomes an HTTP response: `{"detail": detail}` with `status`,
 * as FastAPI's HTTPException. Throw it from handlers and dependencies.
 */
export class HTTPException extends Error {
  override readonly name: string = "HTTPException";

  constructor(
    readonly status: number,
    readonly detail: unknown = defaultReason(status),
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(typeof detail === "string" ? detail : defaultReason(status));
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(`HTTPException status must be an integer in 400..599, got ${status}`);
    }
  }
}

const REASONS: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  410: "Gone",
  411: "Length Required",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout",
};

/** The standard reason phrase, used as the default detail (FastAPI does the same). */
export function defaultReason(status: number): string {
  return REASONS[status] ?? "Error";
}
