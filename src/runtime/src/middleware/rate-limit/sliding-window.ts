import type { RateLimitHit, RateLimitPolicy } from "./store.js";

/**
 * One key's state for the sliding window counter: the counts of the
 * current window and of the one before it. The window starts at the key's
 * first hit (not at a wall-clock boundary), so a burst never straddles two
 * windows by accident. Three numbers per key, whatever the traffic.
 */
export interface WindowState {
  start: number;
  previous: number;
  current: number;
}

// Float slack: 0.1 * 30 + 27 must still count as 30.
const EPSILON = 1e-9;

/**
 * Counts a hit at `now` (Cloudflare's sliding window counter): the
 * previous window's count, weighted by how much of it still overlaps the
 * last `windowMs`, plus the current count, must stay within the limit.
 * Refused hits are not counted, so a client that waits for Retry-After is
 * let through then. Mutates `state`; a Lua port does the same on a hash.
 */
export function slidingWindowHit(state: WindowState, now: number, { limit, windowMs }: RateLimitPolicy): RateLimitHit {
  let elapsed = now - state.start;
  if (elapsed >= windowMs) {
    if (elapsed < 2 * windowMs) {
      state.previous = state.current;
      state.start += windowMs;
    } else {
      state.previous = 0;
      state.start = now;
    }
    state.current = 0;
    elapsed = now - state.start;
  }
  const untilWindowEnd = windowMs - elapsed;
  const estimate = (state.previous * untilWindowEnd) / windowMs + state.current;
  if (estimate + 1 <= limit + EPSILON) {
    state.current += 1;
    return { allowed: true, remaining: Math.max(0, Math.floor(limit - estimate - 1 + EPSILON)), resetMs: untilWindowEnd };
  }
  return { allowed: false, remaining: 0, resetMs: Math.max(1, Math.ceil(waitMs(state, elapsed, limit, windowMs) - EPSILON)) };
}

/** How long until estimate + 1 <= limit, given no further counted hits. */
function waitMs({ previous, current }: WindowState, elapsed: number, limit: number, windowMs: number): number {
  const room = limit - 1 - current;
  const untilWindowEnd = windowMs - elapsed;
  if (room >= 0) {
    // The previous window's weight decays within this window; previous > 0 here, or the hit was allowed.
    return Math.min(untilWindowEnd, untilWindowEnd - (room * windowMs) / previous);
  }
  // This window alone is over the limit: wait until it, as the previous window, has decayed enough.
  return untilWindowEnd + windowMs * (1 - (limit - 1) / current);
}
