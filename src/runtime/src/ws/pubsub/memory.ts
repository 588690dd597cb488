import type { PubSub, Unsubscribe } from "./types.js";

export interface MemoryPubSubOptions {
  /** Called when a subscriber's handler throws; default: ignored after reporting to stderr. */
  onError?: (err: unknown, channel: string) => void;
}

/**
 * PubSub inside one process: what an app uses without REDIS_URL. Delivery
 * is deferred to a microtask, as a network broker's would be, so code that
 * works here does not rely on synchronous delivery that Redis cannot give.
 */
export class MemoryPubSub implements PubSub {
  readonly #channels = new Map<string, Set<(message: string) => void>>();
  readonly #onError: (err: unknown, channel: string) => void;
  #closed = false;

  constructor(options: MemoryPubSubOptions = {}) {
    this.#onError = options.onError ?? ((err, channel) => process.stderr.write(`MemoryPubSub: a subscriber of "${channel}" failed: ${String(err)}\n`));
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new Error("MemoryPubSub is closed");
    const handlers = this.#channels.get(channel);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      queueMicrotask(() => {
        // Unsubscribed between publish and delivery: Redis would not deliver either.
        if (!this.#channels.get(channel)?.has(handler)) return;
        try {
          handler(message);
        } catch (err) {
          this.#onError(err, channel);
        }
      });
    }
  }

  async subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe> {
    if (this.#closed) throw new Error("MemoryPubSub is closed");
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const own = (message: string): void => handler(message);
    let handlers = this.#channels.get(channel);
    if (!handlers) this.#channels.set(channel, (handlers = new Set()));
    handlers.add(own);
    return async () => {
      handlers.delete(own);
      if (handlers.size === 0 && this.#channels.get(channel) === handlers) this.#channels.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#channels.clear();
  }
}
