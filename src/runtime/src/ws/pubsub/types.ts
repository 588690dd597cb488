/** Stops a subscription. */
export type Unsubscribe = () => Promise<void>;

/**
 * Fan-out between app instances. ConnectionManager publishes every
 * broadcast here so that the clients of other instances receive it; the
 * in-process implementation serves a single instance, a Redis one
 * (REDIS_URL) several. Messages are strings, as Redis carries them.
 *
 * Delivery is asynchronous and at most once; a subscriber also receives
 * its own instance's messages (Redis does), which is why ConnectionManager
 * tags every message with its instance id.
 */
export interface PubSub {
  publish(channel: string, message: string): Promise<void>;
  /** Resolves once the subscription is active. */
  subscribe(channel: string, handler: (message: string) => void): Promise<Unsubscribe>;
  /** Releases connections; publishing afterwards rejects. */
  close(): Promise<void>;
}
