import type { CompiledRoute } from "../../route/compile.js";
import type { RateLimitOverride } from "../../route/types.js";
import type { RateLimitPolicy } from "./store.js";

/**
 * A limit as the middleware uses it, built once: the store's policy, the
 * bucket its keys live in, and the RateLimit-Policy header (IETF
 * draft-ietf-httpapi-ratelimit-headers-08: `"name";q=<limit>;w=<seconds>`).
 */
export interface CompiledPolicy {
  readonly policy: RateLimitPolicy;
  /** Key prefix: routes with their own limit count apart from the app's. */
  readonly bucket: string;
  /** The policy's name as a structured-field string, for the RateLimit header. */
  readonly id: string;
  readonly policyHeader: string;
}

export function compilePolicy(name: string, policy: RateLimitPolicy): CompiledPolicy {
  const id = sfString(name);
  return {
    policy,
    bucket: name,
    id,
    // w is an integer of seconds; a sub-second window shows as 1.
    policyHeader: `${id};q=${policy.limit};w=${Math.max(1, Math.ceil(policy.windowMs / 1000))}`,
  };
}

/** A route's own policy: its limit and window over the app's, in a bucket named after it (or its `name`). */
export function compileRoutePolicy(route: CompiledRoute, override: RateLimitOverride, base: RateLimitPolicy): CompiledPolicy {
  return compilePolicy(override.name ?? `${route.method} ${route.template}`, {
    limit: override.limit ?? base.limit,
    windowMs: override.windowMs ?? base.windowMs,
  });
}

/** An RFC 8941 sf-string: printable ASCII, with `"` and `\` escaped. */
function sfString(text: string): string {
  return `"${text.replace(/[^\x20-\x7e]/g, "?").replace(/["\\]/g, "\\$&")}"`;
}
