import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import { TrellisConfigError } from "../errors/config-error.js";
import { createConsoleLogger, type Logger } from "../logger.js";
import type { PubSub, Unsubscribe } from "../ws/pubsub/types.js";
import { decodeFrame, encodeFrame, validOrigin } from "./frame.js";
import { LogThrottle } from "../log-throttle.js";

export interface RedisPubSubOptions {
  /** Tags this instance's messages (unique per instance: messages with its id are dropped as echoes); default a random UUID. */
  instanceId?: string;
  logger?: Logger;
  /** Each kind of failure (publish, subscriber connection) is logged at most once per this; default 10,000 ms. */
  logIntervalMs?: number;
  /** How long subscribe() waits for a connection that is not ready yet before resolving anyway; default 2,000 ms. */
  subscribeTimeoutMs?: number;
}

type Handler = (message: string) => void;

/**
 * PubSub between app instances through Redis. Two connections per
 * instance whatever the number of sockets and channels: `publisher` (the
 * caller's, also usable for other commands) and one subscriber made with
 * `publisher.duplicate()`, since a subscribed connection can do nothing else.
 *
 * A message is delivered to this instance's subscribers at once (in a
 * microtask) and published with this instance's id; the echo Redis sends
 * back is dropped, so nothing is delivered twice. While Redis is away,
 * local delivery goes on, messages for other instances are dropped (never
 * queued) and the failure is logged, throttled; when it is back the
 * subscriber reconnects and subscribes to every channel again.
 */
export class RedisPubSub implements PubSub {
  readonly instanceId: string;
  readonly #publisher: Redis;
  readonly #subscriber: Redis;
  readonly #channels = new Map<string, Set<Handler>>();
  readonly #logger: Logger;
  readonly #throttle: LogThrottle;
  readonly #subscribeTimeoutMs: number;
  readonly #readyWaiters = new Set<() => void>();
  #closed = false;
  #lost = false;

  constructor(publisher: Redis, options: RedisPubSubOptions = {}) {
    this.instanceId = options.instanceId ?? randomUUID();
    if (!validOrigin(this.instanceId)) throw new TrellisConfigError("TRELLIS_E_INVALID_OPTION", "RedisPubSub: instanceId must be 1-200 characters without a newline");
    this.#publisher = publisher;
    this.#logger = options.logger ?? createConsoleLogger();
    this.#throttle = new LogThrottle(options.logIntervalMs ?? 10_000);
    this.#subscribeTimeoutMs = options.subscribeTimeoutMs ?? 2_000;
    // Named, so that operators (and tests) find it in CLIENT LIST.
    const connectionName = `trellis-pubsub-${this.instanceId.replace(/[^\x21-\x7e]/g, "_")}`;
    // Re-subscribing is ours (on "ready"), and subscribe commands are never queued while disconnected.
    // lazyConnect off: a lazy publisher's subscriber would otherwise wait for a command that never comes.
    this.#subscriber = publisher.duplicate({ autoResubscribe: false, enableOfflineQueue: false, lazyConnect: false, connectionName });
    this.#subscriber.on("message", (channel: string, raw: string) => this.#onMessage(channel, raw));
    const lost = (err: Error | undefined): void => {
      if (this.#closed) return;
      this.#lost = true;
      this.#throttle.log("subscriber", (suppressed) =>
        this.#logger.error({ err: err?.message ?? "connection closed", suppressed }, "Redis pub/sub subscriber lost its connection; broadcasts from other instances are not received until it reconnects"),
      );
    };
    this.#subscriber.on("error", (err: Error) => lost(err));
    this.#subscriber.on("close", () => lost(undefined));
    this.#subscriber.on("ready", () => this.#resubscribe());
  }

  async publish(channel: string, message: string): Promise<void> {
    if (this.#closed) throw new Error("RedisPubSub is closed");
    this.#deliverLocally(channel, message);
    if (this.#publisher.status !== "ready") {
      this.#publishFailed(new Error(`Redis connection is ${this.#publisher.status}`));
      return;
    }
    try {
      await this.#publisher.publish(channel, encodeFrame(this.instanceId, message));
    } catch (err) {
      this.#publishFailed(err);
    }
  }

  async subscribe(channel: string, handler: Handler): Promise<Unsubscribe> {
    if (this.#closed) throw new Error("RedisPubSub is closed");
    // A wrapper per subscription, so the same function subscribed twice is two subscriptions.
    const own: Handler = (message) => handler(message);
    let handlers = this.#channels.get(channel);
    const first = handlers === undefined;
    if (!handlers) this.#channels.set(channel, (handlers = new Set()));
    handlers.add(own);
    if (first) await this.#subscribeRedis(channel);
    return async () => {
      handlers.delete(own);
      if (handlers.size > 0 || this.#channels.get(channel) !== handlers) return;
      this.#channels.delete(channel);
      if (this.#subscriber.status === "ready") await this.#subscriber.unsubscribe(channel).catch(() => undefined);
    };
  }

  /** Closes the subscriber connection; the publisher is the caller's to close. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#channels.clear();
    await this.#subscriber.quit().then(
      () => undefined,
      () => this.#subscriber.disconnect(),
    );
  }

  async #subscribeRedis(channel: string): Promise<void> {
    if (this.#subscriber.status !== "ready") {
      const ready = await this.#whenReady();
      // The "ready" listener subscribes every channel; nothing more to do here.
      if (ready) return;
      this.#logger.warn({ channel }, "Redis is not reachable: subscribed on this instance only until it is");
      return;
    }
    try {
      await this.#subscriber.subscribe(channel);
    } catch (err) {
      this.#logger.warn({ err: err instanceof Error ? err.message : String(err), channel }, "Redis SUBSCRIBE failed; retried when the connection is back");
    }
  }

  /** Resolves true once the subscriber is connected and subscribed again, false after subscribeTimeoutMs. */
  #whenReady(): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (ready: boolean): void => {
        clearTimeout(timer);
        this.#readyWaiters.delete(onReady);
        resolve(ready);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), this.#subscribeTimeoutMs);
      this.#readyWaiters.add(onReady);
    });
  }

  #resubscribe(): void {
    const channels = [...this.#channels.keys()];
    const wasLost = this.#lost;
    this.#lost = false;
    void (async () => {
      try {
        if (channels.length > 0) await this.#subscriber.subscribe(...channels);
      } catch (err) {
        this.#logger.warn({ err: err instanceof Error ? err.message : String(err) }, "Redis re-SUBSCRIBE failed; retried on the next reconnection");
        return;
      }
      for (const wake of [...this.#readyWaiters]) wake();
      if (wasLost) {
        this.#throttle.clear("subscriber");
        this.#logger.info({ channels: channels.length }, "Redis pub/sub subscriber reconnected and subscribed again");
      }
    })();
  }

  #onMessage(channel: string, raw: string): void {
    const { origin, message } = decodeFrame(raw);
    if (origin === this.instanceId) return;
    this.#dispatch(channel, message);
  }

  #deliverLocally(channel: string, message: string): void {
    const handlers = this.#channels.get(channel);
    if (!handlers) return;
    // Deferred, as Redis's delivery is: code that works here does not rely on delivery inside publish().
    queueMicrotask(() => this.#dispatch(channel, message));
  }

  #dispatch(channel: string, message: string): void {
    const handlers = this.#channels.get(channel);
    if (!handlers) return;
    for (const handler of [...handlers]) {
      try {
        handler(message);
      } catch (err) {
        this.#logger.error({ err, channel }, "A pub/sub subscriber failed");
      }
    }
  }

  #publishFailed(err: unknown): void {
    this.#throttle.log("publish", (suppressed) =>
      this.#logger.error({ err: err instanceof Error ? err.message : String(err), suppressed }, "Redis PUBLISH failed; the message reached this instance's subscribers only"),
    );
  }
}
