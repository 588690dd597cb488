import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { parse as parseQueryString, type ParsedUrlQuery } from "node:querystring";
import { performance } from "node:perf_hooks";
import { childLogger, silentLogger, type Logger } from "../logger.js";
import type { CompiledRoute } from "../route/compile.js";

/**
 * The request as handlers and dependencies see it: the raw node request
 * plus what routing already worked out. Query parsing is lazy, since most
 * routes never look at the raw query.
 */
export class Request {
  /** Raw path parameters, as strings, before validation. */
  params: Record<string, string | undefined>;
  /** Per-request scratch space for middleware and dependencies. */
  readonly state: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  /** The parsed body before validation (set once read). */
  body: unknown = undefined;
  /** The request id, set by the request-id middleware. */
  id: string | undefined = undefined;
  /** When the request reached the app (performance.now()), for timing and logs. */
  readonly startTime = performance.now();
  /** Set once onSend hooks have run, so they run once whoever writes the response. */
  headersFinalized = false;
  #query: ParsedUrlQuery | undefined;
  #log: Logger | undefined;

  constructor(
    readonly raw: IncomingMessage,
    readonly method: string,
    readonly path: string,
    readonly rawQuery: string,
    params: Record<string, string | undefined>,
    /** The matched trellis route; undefined when the request falls through to Express. */
    readonly route: CompiledRoute | undefined,
    /** The app's logger, parent of `log`. */
    readonly logger: Logger = silentLogger,
  ) {
    this.params = params;
  }

  /**
   * The app's logger with this request's id on every line. Made on first
   * use, so a request that never logs pays nothing; not kept while the id
   * is unknown, so a line logged before the request-id middleware ran does
   * not pin a child without it.
   */
  get log(): Logger {
    if (this.#log) return this.#log;
    if (this.id === undefined) return this.logger;
    this.#log = childLogger(this.logger, { requestId: this.id });
    return this.#log;
  }

  get url(): string {
    return this.raw.url ?? this.path;
  }

  get headers(): IncomingHttpHeaders {
    return this.raw.headers;
  }

  /** The query string as a null-prototype object; repeated keys become arrays. */
  get query(): ParsedUrlQuery {
    this.#query ??= parseQueryString(this.rawQuery);
    return this.#query;
  }

  /** The peer's address. Proxy headers are honoured only by the middleware configured to trust them. */
  get ip(): string | undefined {
    return this.raw.socket.remoteAddress;
  }

  header(name: string): string | undefined {
    const value = this.raw.headers[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }
}

/** Splits a request target into path and query without allocating a URL object. */
export function splitUrl(url: string): [path: string, query: string] {
  const q = url.indexOf("?");
  if (q === -1) return [url, ""];
  return [url.slice(0, q), url.slice(q + 1)];
}
