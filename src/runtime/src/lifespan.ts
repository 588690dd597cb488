import type { Logger } from "./logger.js";

export type LifecycleHook = () => unknown;

/**
 * Startup and shutdown hooks. Startup runs in order and rethrows the first
 * failure, so the server never listens half-initialised; shutdown runs in
 * reverse order and runs every hook even if one fails.
 */
export class Lifespan {
  readonly #startup: LifecycleHook[] = [];
  readonly #shutdown: LifecycleHook[] = [];
  #started = false;

  onStartup(hook: LifecycleHook): void {
    this.#startup.push(hook);
  }

  onShutdown(hook: LifecycleHook): void {
    this.#shutdown.push(hook);
  }

  async startup(): Promise<void> {
    if (this.#started) return;
    for (const hook of this.#startup) await hook();
    this.#started = true;
  }

  async shutdown(logger: Logger): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    for (let i = this.#shutdown.length - 1; i >= 0; i--) {
      try {
        await this.#shutdown[i]!();
      } catch (err) {
        logger.error({ err }, "Shutdown hook failed");
      }
    }
  }
}
