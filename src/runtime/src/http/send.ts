import type { OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { HeaderMap } from "./response.js";

/**
 * Writes status, headers and body in one go: `writeHead` with an object
 * plus `end(body)` lets node put it all in one packet, which Express's
 * setHeader-per-header path does not.
 */
export function sendRaw(res: ServerResponse, status: number, headers: OutgoingHttpHeaders, body: string | Buffer | null): void {
  if (body !== null) headers["content-length"] = typeof body === "string" ? Buffer.byteLength(body) : body.length;
  else if (status !== 204 && status !== 304 && status >= 200) headers["content-length"] = 0;
  res.writeHead(status, headers);
  res.end(body ?? undefined);
}

/** Adds `extra` onto `headers`; names are compared case-insensitively by lower-casing. */
export function mergeHeaders(headers: OutgoingHttpHeaders, extra: HeaderMap): OutgoingHttpHeaders {
  for (const name in extra) headers[name.toLowerCase()] = extra[name] as string | number | string[];
  return headers;
}
