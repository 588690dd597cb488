import { TrellisConfigError } from "../../errors/config-error.js";
import { slidingWindowHit, type WindowState } from "./sliding-window.js";
import type { RateLimitHit, RateLimitPolicy, RateLimitStore } from "./store.js";

export interface MemoryStoreOptions {
  /**
   * Most keys kept at once; past it the key whose window started longest
   * ago is dropped (its client starts afresh). Default 100,000, about
   * 20 MB at worst.
   */
  maxKeys?: number;
  /** How often keys idle for two windows are dropped (checked on hits); default 60 s. */
  sweepIntervalMs?: number;
  /** The clock, for tests; default Date.now. */
  now?: () => number;
}

interface Entry extends WindowState {
  windowMs: number;
}

/**
 * Counters in this process's memory: right for one instance. Several
 * instances behind a load balancer each count alone, so a client gets the
 * limit once per instance; use a shared store (Redis) there. Memory is
 * bounded twice: a sweep drops keys idle for two windows, and `maxKeys`
 * caps what a flood of distinct addresses can allocate in between.
 */
export class MemoryStore implements RateLimitStore {
  // A Map, not an object: keys come from clients (D18), and its insertion order makes eviction cheap.
  readonly #entries = new Map<string, Entry>();
  readonly #maxKeys: number;
  readonly #now: () => number;
  readonly #sweepIntervalMs: number;
  #lastSweep: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.#maxKeys = options.maxKeys ?? 100_000;
    const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (!Number.isInteger(this.#maxKeys) || this.#maxKeys < 1) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `MemoryStore: maxKeys must be a positive integer, got ${String(options.maxKeys)}`);
    if (!Number.isInteger(sweepIntervalMs) || sweepIntervalMs < 1) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `MemoryStore: sweepIntervalMs must be a positive integer, got ${String(options.sweepIntervalMs)}`);
    this.#now = options.now ?? Date.now;
    this.#sweepIntervalMs = sweepIntervalMs;
    this.#lastSweep = this.#now();
  }

  /** Synchronous: one step of the event loop is atomic, and no promise is allocated per request. */
  hit(key: string, policy: RateLimitPolicy): RateLimitHit {
    const now = this.#now();
    // Swept from hits rather than a timer: nothing to close, and an idle process does no work.
    if (now - this.#lastSweep >= this.#sweepIntervalMs) this.sweep();
    let entry = this.#entries.get(key);
    if (entry === undefined || entry.windowMs !== policy.windowMs) {
      if (entry === undefined && this.#entries.size >= this.#maxKeys) this.#evictOldest();
      entry = { start: now, previous: 0, current: 0, windowMs: policy.windowMs };
      this.#entries.set(key, entry);
    }
    const start = entry.start;
    const result = slidingWindowHit(entry, now, policy);
    if (entry.start !== start) {
      // Re-insert on a new window, so the Map stays ordered by window start: the oldest is first.
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return result;
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Keys currently held (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every key whose counts can no longer matter (idle for two windows). */
  sweep(): void {
    const now = this.#now();
    this.#lastSweep = now;
    for (const [key, entry] of this.#entries) if (now - entry.start >= 2 * entry.windowMs) this.#entries.delete(key);
  }

  close(): void {
    this.#entries.clear();
  }

  #evictOldest(): void {
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
  }
}

export function createMemoryStore(options?: MemoryStoreOptions): MemoryStore {
  return new MemoryStore(options);
}
