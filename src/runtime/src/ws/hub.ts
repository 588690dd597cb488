import { STATUS_CODES, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import FindMyWay from "find-my-way";
import { WebSocketServer, type WebSocket as WsSocket } from "ws";
import type { DependencyFn } from "../deps/define.js";
import { TrellisConfigError } from "../errors/config-error.js";
import { Request, splitUrl } from "../http/request.js";
import { CloseCode } from "./close-codes.js";
import { compileWebSocketRoute, type CompiledWebSocketRoute } from "./compile.js";
import { WebSocketConnection } from "./connection.js";
import type { OriginPolicy } from "./origin.js";
import type { PubSub } from "./pubsub/types.js";
import { DEFAULT_RATE_LIMIT, TokenBucket, type MessageRateLimit } from "./rate-limit.js";
import { runConnection, type WebSocketHost } from "./run.js";
import type { WebSocketRouteDefinition, WebSocketRouteInfo } from "./types.js";

/** App-wide WebSocket settings (`createApp({ websocket: {...} })`); defaults from HARDENING.md D10/D14. */
export interface WebSocketOptions {
  /** Largest message accepted, in bytes; a bigger frame closes the connection with 1009. Default 64 KiB. */
  maxPayload?: number;
  /** Ping every this many ms; a peer that missed the previous pong is terminated. Default 30 000; false disables. */
  heartbeatInterval?: number | false;
  /** Bytes that may wait for a slow peer before it is terminated. Default 1 MiB. */
  maxBufferedAmount?: number;
  /** Inbound messages per connection. Default 100 per minute; false disables. */
  rateLimit?: MessageRateLimit | false;
  /** Browser origins allowed to connect (HARDENING.md D12). Default "same-origin". */
  origins?: OriginPolicy;
  /**
   * The pub/sub that ConnectionManagers used by this app's routes broadcast
   * through when they were made without one (a RedisPubSub shares them
   * between instances). Default: each manager's own in-process one.
   */
  pubsub?: PubSub;
}

interface ResolvedOptions {
  pubsub: PubSub | undefined;
  maxPayload: number;
  heartbeatInterval: number | false;
  maxBufferedAmount: number;
  rateLimit: MessageRateLimit | false;
  origins: OriginPolicy;
}

interface Live {
  socket: WebSocketConnection;
  /** Settles once the handler, the close and the teardowns are done. */
  done: Promise<void>;
}

type Store = { route: CompiledWebSocketRoute };

const positiveInt = (value: unknown): boolean => Number.isInteger(value) && (value as number) > 0;

/** Subprotocols always understood: "bearer" carries a token (see websocketToken). */
const BEARER = "bearer";

/**
 * The WebSocket side of an app: routes on their own radix router, the
 * upgrade handler for the app's HTTP server (ws in noServer mode), every
 * live connection (for heartbeats and shutdown).
 */
export class WebSocketHub {
  readonly #host: WebSocketHost & { readonly closing: boolean };
  readonly #options: ResolvedOptions;
  readonly #appDependencies: readonly DependencyFn[];
  readonly #router = FindMyWay({ ignoreTrailingSlash: true, caseSensitive: true, maxParamLength: 500 });
  readonly #routes: CompiledWebSocketRoute[] = [];
  readonly #live = new Set<Live>();
  /** The route chosen for each upgrade request, read by ws's handleProtocols. */
  readonly #pending = new WeakMap<IncomingMessage, CompiledWebSocketRoute>();
  #wss: WebSocketServer | undefined;
  #heartbeat: NodeJS.Timeout | undefined;

  constructor(host: WebSocketHost & { readonly closing: boolean }, options: WebSocketOptions = {}, appDependencies: readonly DependencyFn[] = []) {
    this.#host = host;
    this.#appDependencies = appDependencies;
    this.#options = {
      pubsub: options.pubsub,
      maxPayload: options.maxPayload ?? 64 * 1024,
      heartbeatInterval: options.heartbeatInterval ?? 30_000,
      maxBufferedAmount: options.maxBufferedAmount ?? 1024 * 1024,
      rateLimit: options.rateLimit ?? DEFAULT_RATE_LIMIT,
      origins: options.origins ?? "same-origin",
    };
    const o = this.#options;
    if (!positiveInt(o.maxPayload)) throw invalid("maxPayload", o.maxPayload);
    if (!positiveInt(o.maxBufferedAmount)) throw invalid("maxBufferedAmount", o.maxBufferedAmount);
    if (o.heartbeatInterval !== false && !positiveInt(o.heartbeatInterval)) throw invalid("heartbeatInterval", o.heartbeatInterval);
  }

  add(def: WebSocketRouteDefinition): void {
    const route = compileWebSocketRoute(def, { origins: this.#options.origins, rateLimit: this.#options.rateLimit, dependencies: this.#appDependencies });
    if (this.#router.hasRoute("GET", route.pattern)) {
      throw new TrellisConfigError("TRELLIS_E_DUPLICATE_ROUTE", `WS ${route.info.path} is already registered`);
    }
    this.#router.on("GET", route.pattern, noop, { route } satisfies Store);
    this.#routes.push(route);
    if (this.#options.pubsub) route.options.manager?.adoptPubSub(this.#options.pubsub);
  }

  get routes(): readonly WebSocketRouteInfo[] {
    return this.#routes.map((r) => r.info);
  }

  /** Open connections. */
  get size(): number {
    return this.#live.size;
  }

  /**
   * The server's "upgrade" listener. Refusals before the handshake are
   * plain HTTP answers (the socket is then destroyed): 404 for an unknown
   * path, 403 for a refused Origin, 503 while shutting down, 400 for an
   * upgrade to something other than WebSocket. Everything else is accepted
   * first and refused with a close frame (1008), which browsers can see.
   */
  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    // A peer that resets before the handshake must not crash the process.
    socket.on("error", noop);
    if (this.#host.closing) return refuse(socket, 503);
    if (req.headers.upgrade?.toLowerCase() !== "websocket") return refuse(socket, 400, "Unsupported upgrade");
    const [path, rawQuery] = splitUrl(req.url ?? "/");
    const found = this.#router.find("GET", path);
    if (found === null) return refuse(socket, 404);
    const { route } = found.store as Store;
    if (!route.allowsOrigin(req)) return refuse(socket, 403, "Origin not allowed");

    this.#pending.set(req, route);
    this.#server().handleUpgrade(req, socket, head, (ws) => {
      const request = new Request(req, "GET", path, rawQuery, found.params, undefined, this.#host.logger);
      this.#accept(ws, request, route);
    });
  };

  /**
   * Shutdown: every connection is closed with 1001 (Going Away); those
   * still open after `timeout` ms are terminated. Resolves once handlers
   * have finished (their teardowns handed to the app's drain) or the
   * deadline passed; then the managers of these routes are closed too.
   */
  async close(timeout: number): Promise<void> {
    this.#stopHeartbeat();
    for (const live of this.#live) live.socket.close(CloseCode.GOING_AWAY, "Server shutting down");
    const managers = new Set(this.#routes.map((r) => r.options.manager).filter((m) => m !== undefined));
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeout);
      timer.unref();
    });
    await Promise.race([Promise.all([...this.#live].map((l) => l.done)), deadline]);
    clearTimeout(timer);
    for (const live of this.#live) live.socket.terminate();
    // Only the sockets: a handler stuck on something else must not hold shutdown past its deadline.
    await Promise.all([...this.#live].map((l) => l.socket.closed));
    await Promise.all([...managers].map((m) => m.close()));
    const wss = this.#wss;
    this.#wss = undefined;
    if (wss) await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  #server(): WebSocketServer {
    this.#wss ??= new WebSocketServer({
      noServer: true,
      clientTracking: false,
      // D14: compression costs CPU and memory per socket and has had zip-bomb style issues.
      perMessageDeflate: false,
      maxPayload: this.#options.maxPayload,
      handleProtocols: (offered, req) => selectProtocol(offered, this.#pending.get(req)?.protocols ?? []),
    });
    return this.#wss;
  }

  #accept(ws: WsSocket, request: Request, route: CompiledWebSocketRoute): void {
    const socket = new WebSocketConnection(ws, request, {
      maxBufferedAmount: this.#options.maxBufferedAmount,
      maxQueuedBytes: this.#options.maxBufferedAmount,
      rateLimit: route.rateLimit === false ? undefined : new TokenBucket(route.rateLimit),
      logger: this.#host.logger,
    });
    const live: Live = { socket, done: Promise.resolve() };
    live.done = runConnection(this.#host, route, socket)
      .catch((err: unknown) => this.#host.logger.error({ err, path: request.path }, "WebSocket connection failed"))
      .finally(() => {
        this.#live.delete(live);
        if (this.#live.size === 0) this.#stopHeartbeat();
      });
    this.#live.add(live);
    this.#startHeartbeat();
  }

  #startHeartbeat(): void {
    const interval = this.#options.heartbeatInterval;
    if (interval === false || this.#heartbeat) return;
    // One timer for every connection (the ws README's pattern), not one per socket.
    this.#heartbeat = setInterval(() => {
      for (const live of this.#live) live.socket.heartbeat();
    }, interval);
    this.#heartbeat.unref();
  }

  #stopHeartbeat(): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = undefined;
  }
}

/**
 * The route's own subprotocols in its order of preference, then "bearer".
 * Never one the route does not know: ws's default would echo the first
 * offered value, which for "<token>, bearer" would be the token.
 */
function selectProtocol(offered: Set<string>, supported: readonly string[]): string | false {
  for (const protocol of supported) if (offered.has(protocol)) return protocol;
  return offered.has(BEARER) ? BEARER : false;
}

/** An HTTP answer on a socket that will never become a WebSocket. */
function refuse(socket: Duplex, status: number, detail: string = STATUS_CODES[status] ?? "Error"): void {
  const body = JSON.stringify({ detail });
  socket.once("finish", () => socket.destroy());
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

function invalid(name: string, value: unknown): TrellisConfigError {
  return new TrellisConfigError("TRELLIS_E_INVALID_OPTION", `websocket.${name} must be a positive integer, got ${String(value)}`);
}

function noop(): void {}
