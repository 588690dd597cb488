import type { HeaderMap } from "./response.js";

/**
 * The mutable part of the response that handlers, dependencies and
 * middleware share before the body is written once.
 */
export class ResponseState {
  /** Overrides the route's status when set. */
  status: number | undefined = undefined;
  readonly headers: HeaderMap = Object.create(null) as HeaderMap;

  setHeader(name: string, value: string | number | readonly string[]): void {
    this.headers[name.toLowerCase()] = value;
  }
}
