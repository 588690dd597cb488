/**
 * At most one log line per `intervalMs` for a kind of failure, whatever
 * the request rate: while Redis is away every request would otherwise log
 * the same error. The line that gets through says how many were held back.
 */
export class LogThrottle {
  readonly #intervalMs: number;
  readonly #now: () => number;
  readonly #last = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();

  constructor(intervalMs: number, now: () => number = Date.now) {
    this.#intervalMs = intervalMs;
    this.#now = now;
  }

  /** Calls `write` with the count suppressed since the last line, or counts this one as suppressed. */
  log(kind: string, write: (suppressed: number) => void): void {
    const now = this.#now();
    const last = this.#last.get(kind);
    if (last !== undefined && now - last < this.#intervalMs) {
      this.#suppressed.set(kind, (this.#suppressed.get(kind) ?? 0) + 1);
      return;
    }
    this.#last.set(kind, now);
    const suppressed = this.#suppressed.get(kind) ?? 0;
    this.#suppressed.delete(kind);
    write(suppressed);
  }

  /** Forgets a kind, so that its next failure is logged at once (after a recovery). */
  clear(kind: string): void {
    this.#last.delete(kind);
    this.#suppressed.delete(kind);
  }
}
