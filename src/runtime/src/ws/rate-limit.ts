import { TrellisConfigError } from "../errors/config-error.js";

/** At most `messages` inbound messages per `windowMs` on one connection. */
export interface MessageRateLimit {
  messages: number;
  windowMs: number;
}

/** HARDENING.md D14: about 100 messages a minute per connection. */
export const DEFAULT_RATE_LIMIT: MessageRateLimit = Object.freeze({ messages: 100, windowMs: 60_000 });

/**
 * A token bucket: a connection may burst up to `messages`, then earns one
 * message back every `windowMs / messages`. Constant memory per connection,
 * unlike a list of timestamps.
 */
export class TokenBucket {
  #tokens: number;
  #last: number;
  readonly #capacity: number;
  readonly #perMs: number;

  constructor(limit: MessageRateLimit, private readonly now: () => number = Date.now) {
    this.#capacity = limit.messages;
    this.#perMs = limit.messages / limit.windowMs;
    this.#tokens = limit.messages;
    this.#last = now();
  }

  /** Takes one token; false when the connection is over its limit. */
  take(): boolean {
    const now = this.now();
    this.#tokens = Math.min(this.#capacity, this.#tokens + (now - this.#last) * this.#perMs);
    this.#last = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }
}

export function checkRateLimit(limit: MessageRateLimit | false, where: string): void {
  if (limit === false) return;
  const ok = Number.isInteger(limit.messages) && limit.messages > 0 && Number.isFinite(limit.windowMs) && limit.windowMs > 0;
  if (!ok) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `${where}: rateLimit needs a positive integer \`messages\` and a positive \`windowMs\`, or false`);
}
