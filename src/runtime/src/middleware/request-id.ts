import { randomUUID } from "node:crypto";
import type { OutgoingHttpHeaders } from "node:http";
import { TrellisConfigError } from "../errors/config-error.js";
import type { Request } from "../http/request.js";
import type { Middleware } from "./types.js";

export interface RequestIdOptions {
  /** The header read and echoed; default "X-Request-ID". */
  header?: string;
  /** Honour an inbound id that passes `pattern`; default true. Turn off when clients are not trusted to pick ids. */
  trustInbound?: boolean;
  /** What an inbound id must match; default /^[A-Za-z0-9._:-]{1,128}$/ (HARDENING.md D9: safe in logs and headers). */
  pattern?: RegExp;
  /** Makes a new id; default crypto.randomUUID. */
  generate?: () => string;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Gives every request an id (request.id, and so request.log's lines) and
 * echoes it on every response, errors and Express-written ones included.
 * Add it first, so the hooks after it see the id; the id is still made in
 * onSend for a response that an earlier middleware sent on its own.
 */
export function requestId(options: RequestIdOptions = {}): Middleware {
  const header = (options.header ?? "X-Request-ID").toLowerCase();
  if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(header)) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `requestId: header "${options.header}" is not a valid header name`);
  }
  const pattern = options.pattern ?? SAFE_ID;
  if (pattern.global || pattern.sticky) {
    throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", "requestId: pattern must not have the g or y flag (test() would then depend on the previous call)");
  }
  const trustInbound = options.trustInbound ?? true;
  const generate = options.generate ?? randomUUID;

  const assign = (request: Request): string => {
    if (request.id !== undefined) return request.id;
    const inbound = trustInbound ? request.raw.headers[header] : undefined;
    request.id = typeof inbound === "string" && pattern.test(inbound) ? inbound : generate();
    return request.id;
  };

  return {
    name: "requestId",
    onRequest(request) {
      assign(request);
    },
    onSend(request: Request, _status: number, headers: OutgoingHttpHeaders) {
      headers[header] = assign(request);
    },
  };
}
