import type { IncomingHttpHeaders } from "node:http";
import { WebSocket as WsSocket, type RawData } from "ws";
import type { CloseInfo, WebSocketMessage } from "./connection.js";

export interface TestWebSocketOptions {
  headers?: Record<string, string>;
  /** Offered in Sec-WebSocket-Protocol: `["bearer", token]`. */
  protocols?: readonly string[];
  /** false: do not answer pings, to play a dead peer. Default true. */
  autoPong?: boolean;
  /** How long the handshake may take; default 5000 ms. */
  timeoutMs?: number;
}

/** The server refused the upgrade with an HTTP response (404, 403, 503...). */
export class WebSocketHandshakeError extends Error {
  override readonly name = "WebSocketHandshakeError";

  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: string,
  ) {
    super(`WebSocket handshake refused with HTTP ${status}: ${body.slice(0, 200)}`);
  }
}

const DEFAULT_RECEIVE_TIMEOUT = 2_000;

/**
 * The client end of a WebSocket in tests, over a real loopback socket.
 * Every wait is bounded: receive() rejects after `timeoutMs` (default 2 s).
 */
export class TestWebSocket {
  /** Settles with the close code and reason, whoever closed (1006 when the connection dropped). */
  readonly closed: Promise<CloseInfo>;
  readonly #queue: WebSocketMessage[] = [];
  readonly #waiters: ((message: WebSocketMessage | undefined) => void)[] = [];
  #closeInfo: CloseInfo | undefined;

  constructor(readonly raw: WsSocket) {
    raw.on("message", (data: RawData, isBinary: boolean) => {
      const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      const message = isBinary ? buf : buf.toString("utf8");
      const waiter = this.#waiters.shift();
      if (waiter) waiter(message);
      else this.#queue.push(message);
    });
    this.closed = new Promise((resolve) => {
      raw.on("close", (code: number, reason: Buffer) => {
        this.#closeInfo = { code, reason: reason.toString("utf8") };
        for (const waiter of this.#waiters.splice(0)) waiter(undefined);
        resolve(this.#closeInfo);
      });
    });
    // Errors end in "close" (code 1006); the listener keeps them from being thrown.
    raw.on("error", () => {});
  }

  /** The subprotocol the server selected. */
  get protocol(): string {
    return this.raw.protocol;
  }

  send(data: string | Buffer): void {
    this.raw.send(data);
  }

  sendJson(value: unknown): void {
    this.raw.send(JSON.stringify(value));
  }

  /** The next message; rejects on timeout or when the socket closed first. */
  receive(options: { timeoutMs?: number } = {}): Promise<WebSocketMessage> {
    const next = this.#queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    if (this.#closeInfo) return Promise.reject(new Error(`WebSocket closed (${this.#closeInfo.code} ${this.#closeInfo.reason})`));
    const timeoutMs = options.timeoutMs ?? DEFAULT_RECEIVE_TIMEOUT;
    return new Promise((resolve, reject) => {
      const waiter = (message: WebSocketMessage | undefined): void => {
        clearTimeout(timer);
        if (message !== undefined) resolve(message);
        else reject(new Error(`WebSocket closed (${this.#closeInfo?.code} ${this.#closeInfo?.reason})`));
      };
      const timer = setTimeout(() => {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        reject(new Error(`No WebSocket message within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(waiter);
    });
  }

  async receiveText(options?: { timeoutMs?: number }): Promise<string> {
    const message = await this.receive(options);
    if (typeof message !== "string") throw new Error("Expected a text message, got a binary one");
    return message;
  }

  async receiveJson<T = unknown>(options?: { timeoutMs?: number }): Promise<T> {
    return JSON.parse(await this.receiveText(options)) as T;
  }

  /** Resolves when no message arrives within `ms`; rejects with the message otherwise. */
  async expectNoMessage(ms = 100): Promise<void> {
    const next = this.#queue[0];
    if (next !== undefined) throw new Error(`Unexpected WebSocket message: ${String(next).slice(0, 200)}`);
    let message: WebSocketMessage;
    try {
      message = await this.receive({ timeoutMs: ms });
    } catch {
      return;
    }
    throw new Error(`Unexpected WebSocket message: ${String(message).slice(0, 200)}`);
  }

  /** Closes and waits (bounded) for the server's answer. */
  async close(code = 1000, reason = "", timeoutMs = DEFAULT_RECEIVE_TIMEOUT): Promise<CloseInfo> {
    if (this.raw.readyState === WsSocket.OPEN) this.raw.close(code, reason);
    return withTimeout(this.closed, timeoutMs, "WebSocket close");
  }

  /** Waits (bounded) for the server to close the connection. */
  waitClosed(timeoutMs = DEFAULT_RECEIVE_TIMEOUT): Promise<CloseInfo> {
    return withTimeout(this.closed, timeoutMs, "WebSocket close");
  }

  terminate(): void {
    this.raw.terminate();
  }
}

/** Opens a WebSocket; rejects with WebSocketHandshakeError when the server answers HTTP instead. */
export function connectTestWebSocket(url: string, options: TestWebSocketOptions = {}): Promise<TestWebSocket> {
  const raw = new WsSocket(url, options.protocols ? [...options.protocols] : [], {
    headers: options.headers ?? {},
    perMessageDeflate: false,
    autoPong: options.autoPong ?? true,
    handshakeTimeout: options.timeoutMs ?? 5_000,
  });
  const socket = new TestWebSocket(raw);
  return new Promise((resolve, reject) => {
    raw.once("open", () => resolve(socket));
    raw.once("unexpected-response", (_req, res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        reject(new WebSocketHandshakeError(res.statusCode ?? 0, res.headers, Buffer.concat(chunks).toString("utf8")));
        // ws leaves a refused handshake pending once someone listens for the response.
        raw.terminate();
      });
      res.on("error", reject);
    });
    raw.once("error", reject);
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
