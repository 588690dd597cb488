import type { OutgoingHttpHeaders } from "node:http";
import { TrellisConfigError } from "../errors/config-error.js";
import type { Request } from "../http/request.js";
import { Response } from "../http/response.js";
import type { Middleware } from "./types.js";

export interface CorsOptions {
  /**
   * Allowed origins, compared exactly ("https://app.example.com", no path,
   * no trailing slash), or anchored RegExps (/^https:\/\/[a-z0-9-]+\.example\.com$/);
   * "*" allows any origin, without credentials only.
   */
  origins: "*" | readonly (string | RegExp)[];
  /** Send Access-Control-Allow-Credentials (cookies, Authorization from browsers); default false. */
  credentials?: boolean;
  /** Default GET, HEAD, POST, PUT, PATCH, DELETE. */
  methods?: readonly string[];
  /** Request headers a browser may send; "*" allows whatever the preflight asks for. Default Accept, Accept-Language, Authorization, Content-Language, Content-Type, X-Request-ID. */
  allowHeaders?: "*" | readonly string[];
  /** Response headers a browser lets scripts read; default X-Request-ID, X-Process-Time, Retry-After, RateLimit, RateLimit-Policy. */
  exposeHeaders?: readonly string[];
  /** Seconds a browser may cache a preflight; default 600. */
  maxAge?: number;
}

export interface CorsMiddleware extends Middleware {
  /** The same origin check, for WebSocket upgrades (HARDENING.md D12). */
  isOriginAllowed(origin: string | undefined): boolean;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const ORIGIN = /^[a-z][a-z0-9+.-]*:\/\/[^/?#\s@]+$/;
// CORS-safelisted request headers never need to be allowed explicitly.
const SAFELISTED = ["accept", "accept-language", "content-language", "content-type"];

/**
 * CORS with explicit origins (HARDENING.md D12). Preflights (OPTIONS with
 * Origin and Access-Control-Request-Method) are answered here, before
 * routing to a handler or to Express: 204 with the CORS headers for an
 * allowed origin, method and headers; 400 without them otherwise, as
 * Starlette does. Other responses get Access-Control-Allow-Origin for an
 * allowed origin, and `Vary: Origin` whenever the answer depends on it.
 */
export function cors(options: CorsOptions): CorsMiddleware {
  const { wildcard, exact, patterns } = compileOrigins(options.origins);
  const credentials = options.credentials ?? false;
  if (wildcard && credentials) {
    throw new TrellisConfigError(
      "TRELLIS_E_INVALID_OPTION",
      'cors: origins "*" with credentials: true would let every website send authenticated requests as your users; list the allowed origins instead',
    );
  }
  const methods = (options.methods ?? ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]).map((m) => token(m, "methods").toUpperCase());
  const reflectHeaders = options.allowHeaders === "*";
  const allowHeaders = reflectHeaders ? [] : (options.allowHeaders ?? ["Accept", "Accept-Language", "Authorization", "Content-Language", "Content-Type", "X-Request-ID"]) as readonly string[];
  const allowed = new Set([...SAFELISTED, ...allowHeaders.map((h) => token(h, "allowHeaders").toLowerCase())]);
  const expose = (options.exposeHeaders ?? ["X-Request-ID", "X-Process-Time", "Retry-After", "RateLimit", "RateLimit-Policy"]).map((h) => token(h, "exposeHeaders"));
  const maxAge = options.maxAge ?? 600;
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `cors: maxAge must be a non-negative integer of seconds, got ${String(maxAge)}`);

  // Everything that does not depend on the request, once.
  const methodSet = new Set(methods);
  const allowMethods = methods.join(", ");
  const allowHeadersValue = allowHeaders.join(", ");
  const exposeValue = expose.join(", ");
  const maxAgeValue = String(maxAge);

  const isOriginAllowed = (origin: string | undefined): boolean => {
    if (origin === undefined) return false;
    if (wildcard || exact.has(origin)) return true;
    for (const re of patterns) if (re.test(origin)) return true;
    return false;
  };
  const allowOrigin = (origin: string): string => (wildcard ? "*" : origin);

  const preflight = (request: Request, origin: string, method: string): Response => {
    const failures: string[] = [];
    if (!isOriginAllowed(origin)) failures.push("origin");
    if (!methodSet.has(method)) failures.push("method");
    const requested = request.header("access-control-request-headers");
    const names = requested === undefined ? [] : requested.split(",").map((h) => h.trim().toLowerCase()).filter((h) => h !== "");
    if (names.some((h) => !TOKEN.test(h) || (!reflectHeaders && !allowed.has(h)))) failures.push("headers");
    if (failures.length > 0) {
      return new Response(JSON.stringify({ detail: `Disallowed CORS ${failures.join(", ")}` }), { status: 400, headers: { vary: "Origin" } }, "application/json");
    }
    const headers: Record<string, string> = {
      "access-control-allow-origin": allowOrigin(origin),
      "access-control-allow-methods": allowMethods,
      "access-control-max-age": maxAgeValue,
      vary: "Origin",
    };
    const allowValue = reflectHeaders ? names.join(", ") : allowHeadersValue;
    if (allowValue !== "") headers["access-control-allow-headers"] = allowValue;
    if (credentials) headers["access-control-allow-credentials"] = "true";
    return new Response(null, { status: 204, headers });
  };

  return {
    name: "cors",
    isOriginAllowed,
    onRequest(request) {
      if (!isPreflight(request)) return undefined;
      return preflight(request, request.header("origin")!, request.header("access-control-request-method")!.trim());
    },
    onSend(request: Request, _status: number, headers: OutgoingHttpHeaders) {
      // Preflights were answered in onRequest with their own headers; keep a handler's own CORS headers too.
      if (headers["access-control-allow-origin"] !== undefined || isPreflight(request)) return;
      if (!wildcard) headers.vary = addVary(headers.vary);
      const origin = request.header("origin");
      if (!isOriginAllowed(origin)) return;
      headers["access-control-allow-origin"] = allowOrigin(origin!);
      if (credentials) headers["access-control-allow-credentials"] = "true";
      if (exposeValue !== "") headers["access-control-expose-headers"] = exposeValue;
    },
  };
}

function isPreflight(request: Request): boolean {
  return request.method === "OPTIONS" && request.raw.headers.origin !== undefined && request.raw.headers["access-control-request-method"] !== undefined;
}

function compileOrigins(origins: CorsOptions["origins"]): { wildcard: boolean; exact: Set<string>; patterns: RegExp[] } {
  if (origins === "*") return { wildcard: true, exact: new Set(), patterns: [] };
  if (!Array.isArray(origins)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", 'cors: origins must be "*" or a list of origins');
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const origin of origins as readonly (string | RegExp)[]) {
    if (origin instanceof RegExp) {
      if (!origin.source.startsWith("^") || !origin.source.endsWith("$")) {
        throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `cors: origin pattern ${String(origin)} must be anchored with ^ and $, or "https://example.com.evil.net" matches it`);
      }
      if (origin.global || origin.sticky) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `cors: origin pattern ${String(origin)} must not have the g or y flag`);
      patterns.push(origin);
      continue;
    }
    if (origin === "*") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", 'cors: "*" cannot be mixed with other origins; pass origins: "*" alone');
    const lower = String(origin).toLowerCase();
    if (lower === "null") throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", 'cors: the "null" origin is sent by sandboxed iframes and local files, which any site can create; it cannot be allowed');
    if (!ORIGIN.test(lower)) {
      throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `cors: "${origin}" is not an origin: write scheme://host[:port], with no path and no trailing slash`);
    }
    // Browsers send origins in lower case.
    exact.add(lower);
  }
  return { wildcard: false, exact, patterns };
}

function token(value: string, option: string): string {
  if (!TOKEN.test(value)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `cors: ${option} entry "${value}" is not a valid HTTP token`);
  return value;
}

function addVary(current: OutgoingHttpHeaders[string]): string {
  if (current === undefined || current === "") return "Origin";
  const value = Array.isArray(current) ? current.join(", ") : String(current);
  return /(^|,)\s*(origin|\*)\s*(,|$)/i.test(value) ? value : `${value}, Origin`;
}
