import { randomUUID } from "node:crypto";
import sjson from "secure-json-parse";
import { WebSocket as WsSocket, type RawData } from "ws";
import type { Request } from "../http/request.js";
import type { Logger } from "../logger.js";
import { CloseCode, closeReason } from "./close-codes.js";
import { WebSocketDisconnect, WebSocketException } from "./errors.js";
import type { TokenBucket } from "./rate-limit.js";

/** A text frame arrives as a string, a binary frame as a Buffer. */
export type WebSocketMessage = string | Buffer;

export interface CloseInfo {
  code: number;
  reason: string;
}

export interface ReceiveOptions {
  /** Give up after this many milliseconds: rejects with WebSocketException 1008. */
  timeoutMs?: number;
}

/** The limits one connection enforces (HARDENING.md D14). */
export interface ConnectionLimits {
  /** Above this many bytes queued for the peer, the peer is too slow and is terminated. */
  maxBufferedAmount: number;
  /** Unread inbound bytes kept for receive(); beyond it the connection closes with 1008. */
  maxQueuedBytes: number;
  rateLimit: TokenBucket | undefined;
  logger: Logger;
}

interface Waiter {
  resolve: (message: WebSocketMessage) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

type Listener<T> = (value: T) => void;

// Read once: ws defines the ready states as properties of its constructor.
const OPEN = WsSocket.OPEN;

/**
 * One accepted WebSocket, as handlers see it (Starlette's WebSocket):
 * pull messages with `receive()`/`receiveText()`/`receiveJson()` or
 * `for await (const message of socket)`, or push-style with `onMessage`;
 * send with `send()`/`sendJson()`; `closed` settles when the connection ends.
 *
 * Messages that arrive before anyone reads them are queued (bounded), so a
 * handler that awaits its dependencies first loses nothing.
 */
export class WebSocketConnection {
  /** Unique per connection; ConnectionManager addresses sockets by it. */
  readonly id: string = randomUUID();
  /** Settles (never rejects) with the close code and reason, whoever closed. */
  readonly closed: Promise<CloseInfo>;
  readonly #ws: WsSocket;
  readonly #limits: ConnectionLimits;
  readonly #queue: WebSocketMessage[] = [];
  #queuedBytes = 0;
  readonly #waiters: Waiter[] = [];
  readonly #messageListeners = new Set<Listener<WebSocketMessage>>();
  readonly #closeListeners = new Set<Listener<CloseInfo>>();
  #closeInfo: CloseInfo | undefined;
  #resolveClosed!: (info: CloseInfo) => void;
  #alive = true;

  constructor(ws: WsSocket, readonly request: Request, limits: ConnectionLimits) {
    this.#ws = ws;
    this.#limits = limits;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    ws.on("message", (data: RawData, isBinary: boolean) => this.#onMessage(data, isBinary));
    ws.on("pong", () => (this.#alive = true));
    ws.on("close", (code: number, reason: Buffer) => this.#onClose(code, reason.toString("utf8")));
    // ws emits "error" for protocol faults (an oversized frame, invalid UTF-8) after
    // starting the close itself; without a listener the process would crash.
    ws.on("error", (err: Error) => limits.logger.debug({ err, path: request.path }, "WebSocket protocol error"));
  }

  /** The subprotocol selected at the handshake ("" when none). */
  get protocol(): string {
    return this.#ws.protocol;
  }

  /** True until a close frame was sent or received. */
  get isOpen(): boolean {
    return this.#ws.readyState === OPEN;
  }

  /** Bytes queued for the peer and not yet handed to the kernel. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** How the connection ended, once it has. */
  get closeInfo(): CloseInfo | undefined {
    return this.#closeInfo;
  }

  /**
   * Sends a text (string) or binary (Buffer) message. Returns false when
   * the message was not sent: the connection is closing, or the peer reads
   * too slowly and was just terminated (backpressure bound, D14).
   *
   * `{ binary: false }` sends bytes that already hold UTF-8 text as a text
   * frame: a broadcast encodes its message once instead of once per peer.
   */
  send(data: string | Buffer | Uint8Array, options?: { binary?: boolean }): boolean {
    // Called once per peer per broadcast: no allocation here beyond what ws itself makes.
    const ws = this.#ws;
    if (ws.readyState !== OPEN) return false;
    // ws spreads options over its defaults: `{ binary: undefined }` would turn bytes into a text frame.
    if (options === undefined || options.binary === undefined) ws.send(data);
    else ws.send(data, options);
    if (ws.bufferedAmount > this.#limits.maxBufferedAmount) {
      this.#limits.logger.warn({ path: this.request.path, bufferedAmount: ws.bufferedAmount }, "Terminating a WebSocket peer that reads too slowly");
      ws.terminate();
      return false;
    }
    return true;
  }

  sendJson(value: unknown): boolean {
    return this.send(JSON.stringify(value));
  }

  /** Starts the closing handshake; the reason is cut to what a close frame can carry. */
  close(code: number = CloseCode.NORMAL, reason = ""): void {
    const state = this.#ws.readyState;
    if (state === WsSocket.CLOSING || state === WsSocket.CLOSED) return;
    this.#ws.close(code, closeReason(reason));
  }

  /** Drops the connection without a closing handshake. */
  terminate(): void {
    this.#ws.terminate();
  }

  /** The next message; rejects with WebSocketDisconnect once the peer has gone. */
  receive(options: ReceiveOptions = {}): Promise<WebSocketMessage> {
    const next = this.#queue.shift();
    if (next !== undefined) {
      this.#queuedBytes -= byteSize(next);
      return Promise.resolve(next);
    }
    if (this.#closeInfo) return Promise.reject(new WebSocketDisconnect(this.#closeInfo.code, this.#closeInfo.reason));
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, timer: undefined };
      if (options.timeoutMs !== undefined) {
        waiter.timer = setTimeout(() => {
          this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
          reject(new WebSocketException(CloseCode.POLICY_VIOLATION, "Timed out waiting for a message"));
        }, options.timeoutMs);
      }
      this.#waiters.push(waiter);
    });
  }

  /** The next message as text; a binary message is refused with 1003 (unsupported data). */
  async receiveText(options?: ReceiveOptions): Promise<string> {
    const message = await this.receive(options);
    if (typeof message !== "string") throw new WebSocketException(CloseCode.UNSUPPORTED_DATA, "Expected a text message");
    return message;
  }

  /** The next message parsed as JSON (`__proto__` and `constructor` keys dropped, as for bodies); invalid JSON closes with 1007. */
  async receiveJson<T = unknown>(options?: ReceiveOptions): Promise<T> {
    const text = await this.receiveText(options);
    try {
      return sjson.parse(text, undefined, { protoAction: "remove", constructorAction: "remove" }) as T;
    } catch {
      throw new WebSocketException(CloseCode.INVALID_DATA, "Invalid JSON");
    }
  }

  /** Every message until the connection closes; the loop then simply ends. */
  async *[Symbol.asyncIterator](): AsyncGenerator<WebSocketMessage, void, undefined> {
    for (;;) {
      try {
        yield await this.receive();
      } catch (err) {
        if (err instanceof WebSocketDisconnect) return;
        throw err;
      }
    }
  }

  /** Every text message until the connection closes; a binary one closes it with 1003. */
  async *texts(): AsyncGenerator<string, void, undefined> {
    for await (const message of this) {
      if (typeof message !== "string") throw new WebSocketException(CloseCode.UNSUPPORTED_DATA, "Expected a text message");
      yield message;
    }
  }

  /**
   * Push-style delivery: while at least one listener is registered,
   * messages go to listeners instead of the receive() queue.
   */
  onMessage(listener: Listener<WebSocketMessage>): () => void {
    this.#messageListeners.add(listener);
    return () => this.#messageListeners.delete(listener);
  }

  onClose(listener: Listener<CloseInfo>): () => void {
    if (this.#closeInfo) {
      listener(this.#closeInfo);
      return () => {};
    }
    this.#closeListeners.add(listener);
    return () => this.#closeListeners.delete(listener);
  }

  /**
   * One heartbeat tick: a peer that has not answered the previous ping is
   * terminated (returns false); otherwise it is pinged again.
   */
  heartbeat(): boolean {
    if (!this.#alive) {
      this.#ws.terminate();
      return false;
    }
    this.#alive = false;
    if (this.isOpen) this.#ws.ping();
    return true;
  }

  #onMessage(data: RawData, isBinary: boolean): void {
    if (!this.isOpen) return;
    if (this.#limits.rateLimit && !this.#limits.rateLimit.take()) {
      this.close(CloseCode.POLICY_VIOLATION, "Rate limit exceeded");
      return;
    }
    const message: WebSocketMessage = isBinary ? toBuffer(data) : toBuffer(data).toString("utf8");
    if (this.#messageListeners.size > 0) {
      for (const listener of this.#messageListeners) this.#call(listener, message);
      return;
    }
    const waiter = this.#waiters.shift();
    if (waiter) {
      clearTimeout(waiter.timer);
      waiter.resolve(message);
      return;
    }
    const size = byteSize(message);
    if (this.#queuedBytes + size > this.#limits.maxQueuedBytes) {
      this.close(CloseCode.POLICY_VIOLATION, "Too many unread messages");
      return;
    }
    this.#queue.push(message);
    this.#queuedBytes += size;
  }

  #onClose(code: number, reason: string): void {
    const info: CloseInfo = { code, reason };
    this.#closeInfo = info;
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(new WebSocketDisconnect(code, reason));
    }
    for (const listener of this.#closeListeners) this.#call(listener, info);
    this.#closeListeners.clear();
    this.#messageListeners.clear();
    this.#resolveClosed(info);
  }

  /** A throwing listener must not break delivery to the others or crash the process. */
  #call<T>(listener: Listener<T>, value: T): void {
    try {
      listener(value);
    } catch (err) {
      this.#limits.logger.error({ err, path: this.request.path }, "WebSocket listener failed");
    }
  }
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}

function byteSize(message: WebSocketMessage): number {
  return typeof message === "string" ? Buffer.byteLength(message) : message.length;
}
