/** The limit a hit is counted against. */
export interface RateLimitPolicy {
  /** Requests allowed per window. */
  limit: number;
  windowMs: number;
}

/** What a store answers for one hit. */
export interface RateLimitHit {
  /** Whether the request may go on; a refused hit is not counted. */
  allowed: boolean;
  /** Requests left in the window after this one (0 when refused). */
  remaining: number;
  /**
   * Milliseconds until the client may send again when refused (Retry-After);
   * when allowed, until the current window ends.
   */
  resetMs: number;
}

/**
 * Where rate-limit counters live. `hit` counts one request for `key` and
 * decides, as one atomic step: two instances of an app that share a store
 * (Redis, with the algorithm in a Lua script) must never both let the
 * last request of a window through. Stores must bound their own latency
 * (a timeout on the connection): a hit that never settles holds the request.
 * Any store must pass the suite in test/runtime/middleware/rate-limit-store-suite.ts.
 */
export interface RateLimitStore {
  hit(key: string, policy: RateLimitPolicy): RateLimitHit | Promise<RateLimitHit>;
  /** Forgets a key (an admin unblocking a client, a test). */
  reset?(key: string): void | Promise<void>;
  /** Releases timers and connections. */
  close?(): void | Promise<void>;
}
