import type { OutgoingHttpHeaders } from "node:http";
import { TrellisConfigError } from "../errors/config-error.js";
import type { Request } from "../http/request.js";
import { compileCsp, type ContentSecurityPolicyOptions } from "./content-security-policy.js";
import type { Middleware } from "./types.js";

export interface StrictTransportSecurityOptions {
  /** Seconds; default 31536000 (a year). */
  maxAge?: number;
  /** Default true. */
  includeSubDomains?: boolean;
  /** Default false: only add it once the domain is submitted to the preload list. */
  preload?: boolean;
}

/** Each header's value, or false to leave it out. Defaults are helmet's. */
export interface SecurityHeadersOptions {
  contentSecurityPolicy?: ContentSecurityPolicyOptions | false;
  /** Default "same-origin". */
  crossOriginOpenerPolicy?: "same-origin" | "same-origin-allow-popups" | "unsafe-none" | false;
  /** Default "same-origin". */
  crossOriginResourcePolicy?: "same-origin" | "same-site" | "cross-origin" | false;
  /** Off by default, as in helmet: it breaks loading cross-origin images and scripts. */
  crossOriginEmbedderPolicy?: "require-corp" | "credentialless" | "unsafe-none" | false;
  /** Origin-Agent-Cluster: ?1; default true. */
  originAgentCluster?: boolean;
  /** Default "no-referrer". */
  referrerPolicy?: string | readonly string[] | false;
  strictTransportSecurity?: StrictTransportSecurityOptions | false;
  /** X-Content-Type-Options: nosniff; default true. */
  xContentTypeOptions?: boolean;
  /** Default "off". */
  xDnsPrefetchControl?: "on" | "off" | false;
  /** X-Download-Options: noopen (old IE); default true. */
  xDownloadOptions?: boolean;
  /** Default "SAMEORIGIN". */
  xFrameOptions?: "SAMEORIGIN" | "DENY" | false;
  /** Default "none". */
  xPermittedCrossDomainPolicies?: "none" | "master-only" | "by-content-type" | "all" | false;
  /** X-XSS-Protection: 0 turns off the old filter, which itself enabled attacks; default true. */
  xXssProtection?: boolean;
}

const REFERRER_POLICIES = new Set(["no-referrer", "no-referrer-when-downgrade", "same-origin", "origin", "strict-origin", "origin-when-cross-origin", "strict-origin-when-cross-origin", "unsafe-url"]);

/**
 * helmet's defaults, written without helmet (HARDENING.md D8). The values
 * are built once; each response gets the ones it does not set itself
 * (a route may send its own CSP). The CSP differs per path prefix so
 * that /docs and /redoc work under it (see ContentSecurityPolicyOptions.paths).
 */
export function securityHeaders(options: SecurityHeadersOptions = {}): Middleware {
  const fixed = compileFixedHeaders(options);
  const csp = options.contentSecurityPolicy === false ? undefined : compileCsp(options.contentSecurityPolicy ?? {});
  return {
    name: "securityHeaders",
    onSend(request: Request, _status: number, headers: OutgoingHttpHeaders) {
      for (const [name, value] of fixed) if (headers[name] === undefined) headers[name] = value;
      if (csp && headers[csp.header] === undefined) headers[csp.header] = csp.valueFor(request.path);
    },
  };
}

function compileFixedHeaders(o: SecurityHeadersOptions): [string, string][] {
  const on = (flag: boolean | undefined, value: string): string | false => (flag === false ? false : value);
  const headers: [string, string | false][] = [
    ["cross-origin-opener-policy", o.crossOriginOpenerPolicy ?? "same-origin"],
    ["cross-origin-resource-policy", o.crossOriginResourcePolicy ?? "same-origin"],
    ["cross-origin-embedder-policy", o.crossOriginEmbedderPolicy ?? false],
    ["origin-agent-cluster", on(o.originAgentCluster, "?1")],
    ["referrer-policy", referrerPolicy(o.referrerPolicy ?? "no-referrer")],
    ["strict-transport-security", o.strictTransportSecurity === false ? false : strictTransportSecurity(o.strictTransportSecurity ?? {})],
    ["x-content-type-options", on(o.xContentTypeOptions, "nosniff")],
    ["x-dns-prefetch-control", o.xDnsPrefetchControl ?? "off"],
    ["x-download-options", on(o.xDownloadOptions, "noopen")],
    ["x-frame-options", o.xFrameOptions ?? "SAMEORIGIN"],
    ["x-permitted-cross-domain-policies", o.xPermittedCrossDomainPolicies ?? "none"],
    ["x-xss-protection", on(o.xXssProtection, "0")],
  ];
  const out: [string, string][] = [];
  for (const [name, value] of headers) {
    if (value === false) continue;
    // Values reach the wire as they are; a typo with a newline must fail here, not per response.
    if (typeof value !== "string" || !/^[\x20-\x7e]+$/.test(value)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: invalid ${name} value ${JSON.stringify(value)}`);
    out.push([name, value]);
  }
  return out;
}

function referrerPolicy(value: string | readonly string[] | false): string | false {
  if (value === false) return false;
  const list = typeof value === "string" ? [value] : value;
  for (const v of list) if (!REFERRER_POLICIES.has(v)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: "${v}" is not a Referrer-Policy`);
  return list.join(",");
}

function strictTransportSecurity({ maxAge = 31_536_000, includeSubDomains = true, preload = false }: StrictTransportSecurityOptions): string {
  if (!Number.isInteger(maxAge) || maxAge < 0) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `securityHeaders: strictTransportSecurity.maxAge must be a non-negative integer of seconds, got ${String(maxAge)}`);
  return `max-age=${maxAge}${includeSubDomains ? "; includeSubDomains" : ""}${preload ? "; preload" : ""}`;
}
