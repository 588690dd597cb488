import type { OutgoingHttpHeaders } from "node:http";
import { LogThrottle } from "../../log-throttle.js";
import { TrellisConfigError } from "../../errors/config-error.js";
import type { Request } from "../../http/request.js";
import { Response } from "../../http/response.js";
import type { CompiledRoute } from "../../route/compile.js";
import { compileTrustProxy, type TrustProxy } from "../trust-proxy.js";
import type { Middleware } from "../types.js";
import { addressKey } from "./client-key.js";
import { MemoryStore } from "./memory-store.js";
import { compilePolicy, compileRoutePolicy, type CompiledPolicy } from "./policy.js";
import type { RateLimitHit, RateLimitStore } from "./store.js";

export interface RateLimitOptions {
  /** Requests per window per client; default 60 (RATE_LIMIT_PER_MINUTE). */
  limit?: number;
  /** Default 60,000 (one minute). */
  windowMs?: number;
  /** Where counters live; default a MemoryStore (one process only: use a shared store with several instances). */
  store?: RateLimitStore;
  /** Proxies allowed to name the client through X-Forwarded-For; default none (see TrustProxy). */
  trustProxy?: TrustProxy;
  /** IPv6 clients are keyed by this prefix length; default 56; false keys each address. */
  ipv6Subnet?: number | false;
  /** The client key; default the client address (after trustProxy). Return undefined to skip limiting. */
  key?: (request: Request) => string | undefined;
  /** Requests that are never limited, besides routes with `rateLimit: false`. */
  exempt?: (request: Request) => boolean;
  /**
   * When the store fails (Redis down): "open" (default) lets requests
   * through, "closed" answers 503. Either way it is logged, at most every 10 s.
   */
  onStoreError?: "open" | "closed";
  /** The app-wide policy's name in the RateLimit headers; default "default". */
  name?: string;
}

/** What the limiter decided for a request, at `request.state.rateLimit`. */
export class RateLimitInfo {
  constructor(
    readonly policy: CompiledPolicy,
    readonly hit: RateLimitHit,
  ) {}
}

export interface RateLimitMiddleware extends Middleware {
  readonly store: RateLimitStore;
}

const LIMITED_BODY = '{"detail":"Rate limit exceeded"}';
const UNAVAILABLE_BODY = '{"detail":"Service Unavailable"}';
const ERROR_LOG_INTERVAL_MS = 10_000;

/**
 * Per-client rate limiting with a sliding window counter (see
 * sliding-window.ts). Over the limit: 429 {"detail":"Rate limit exceeded"}
 * with Retry-After. Every limited response carries the IETF draft-08
 * fields `RateLimit-Policy: "default";q=60;w=60` and
 * `RateLimit: "default";r=<remaining>;t=<seconds>`, where t is Retry-After
 * when refused and the end of the current window otherwise. Routes and
 * routers override the limit or opt out with their `rateLimit` option.
 */
export function rateLimit(options: RateLimitOptions = {}): RateLimitMiddleware {
  const limit = options.limit ?? 60;
  const windowMs = options.windowMs ?? 60_000;
  const ipv6Subnet = options.ipv6Subnet ?? 56;
  const onStoreError = options.onStoreError ?? "open";
  if (!Number.isInteger(limit) || limit < 1) invalid(`limit must be a positive integer, got ${String(limit)}`);
  if (!Number.isInteger(windowMs) || windowMs < 1) invalid(`windowMs must be a positive integer of milliseconds, got ${String(windowMs)}`);
  if (ipv6Subnet !== false && (!Number.isInteger(ipv6Subnet) || ipv6Subnet < 1 || ipv6Subnet > 128)) invalid(`ipv6Subnet must be 1-128 or false, got ${String(ipv6Subnet)}`);
  if (options.name !== undefined && (typeof options.name !== "string" || options.name === "")) invalid("name must be a non-empty string");
  if (onStoreError !== "open" && onStoreError !== "closed") invalid(`onStoreError must be "open" or "closed", got ${String(onStoreError)}`);
  const store = options.store ?? new MemoryStore();
  if (typeof store.hit !== "function") invalid("store must have a hit(key, policy) method");

  const base = { limit, windowMs };
  const appPolicy = compilePolicy(options.name ?? "default", base);
  const routePolicies = new WeakMap<CompiledRoute, CompiledPolicy>();
  const address = compileTrustProxy(options.trustProxy, "rateLimit.trustProxy");
  const key = options.key ?? ((request: Request) => {
    const ip = address(request);
    return ip === undefined ? undefined : addressKey(ip, ipv6Subnet);
  });
  const exempt = options.exempt;
  const errorLog = new LogThrottle(ERROR_LOG_INTERVAL_MS);

  // A route's policy is compiled on its first request, then looked up.
  const policyFor = (route: CompiledRoute | undefined): CompiledPolicy | undefined => {
    if (route === undefined) return appPolicy;
    const override = route.options.rateLimit;
    if (override === undefined) return appPolicy;
    if (override === false) return undefined;
    let policy = routePolicies.get(route);
    if (policy === undefined) {
      policy = compileRoutePolicy(route, override, base);
      routePolicies.set(route, policy);
    }
    return policy;
  };

  const decide = (request: Request, policy: CompiledPolicy, hit: RateLimitHit): Response | undefined => {
    request.state.rateLimit = new RateLimitInfo(policy, hit);
    if (hit.allowed) return undefined;
    const retryAfter = String(Math.max(1, Math.ceil(hit.resetMs / 1000)));
    return new Response(LIMITED_BODY, { status: 429, headers: { "retry-after": retryAfter } }, "application/json");
  };

  const failed = (request: Request, err: unknown): Response | undefined => {
    errorLog.log("store", (suppressed) =>
      request.log.error({ err, onStoreError, suppressed }, `Rate limit store failed; requests are ${onStoreError === "open" ? "let through" : "refused with 503"} until it recovers`),
    );
    return onStoreError === "open" ? undefined : new Response(UNAVAILABLE_BODY, { status: 503 }, "application/json");
  };

  return {
    name: "rateLimit",
    store,
    onRequest(request) {
      const policy = policyFor(request.route);
      if (policy === undefined || exempt?.(request)) return undefined;
      const client = key(request);
      if (client === undefined) return undefined;
      let hit: RateLimitHit | Promise<RateLimitHit>;
      try {
        hit = store.hit(`${policy.bucket}:${client}`, policy.policy);
      } catch (err) {
        return failed(request, err);
      }
      if (hit instanceof Promise) return hit.then((h) => decide(request, policy, h), (err: unknown) => failed(request, err));
      return decide(request, policy, hit);
    },
    onSend(request: Request, _status: number, headers: OutgoingHttpHeaders) {
      const info = request.state.rateLimit;
      if (!(info instanceof RateLimitInfo)) return;
      headers["ratelimit-policy"] = info.policy.policyHeader;
      headers.ratelimit = `${info.policy.id};r=${info.hit.remaining};t=${Math.ceil(info.hit.resetMs / 1000)}`;
    },
  };
}

function invalid(message: string): never {
  throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `rateLimit: ${message}`);
}

export { MemoryStore, createMemoryStore, type MemoryStoreOptions } from "./memory-store.js";
export { slidingWindowHit, type WindowState } from "./sliding-window.js";
export type { RateLimitHit, RateLimitPolicy, RateLimitStore } from "./store.js";
export type { CompiledPolicy } from "./policy.js";
