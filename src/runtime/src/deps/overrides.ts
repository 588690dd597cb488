import type { DependencyFn } from "./define.js";

/**
 * `app.dependencyOverrides`: a Map that counts its changes, so routes can
 * re-plan their dependency graph once after a change instead of walking
 * the overrides on every request. Apps set overrides in production too
 * (settings, the database handle), so this path must stay fast.
 */
export class DependencyOverrides extends Map<DependencyFn, DependencyFn> {
  #version = 0;

  get version(): number {
    return this.#version;
  }

  override set(original: DependencyFn, replacement: DependencyFn): this {
    this.#version++;
    return super.set(original, replacement);
  }

  override delete(original: DependencyFn): boolean {
    this.#version++;
    return super.delete(original);
  }

  override clear(): void {
    this.#version++;
    super.clear();
  }
}
