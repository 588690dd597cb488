import { Agent, createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { stringify as stringifyQuery } from "node:querystring";
import type { App } from "../app.js";
import type { DependencyFn } from "../deps/define.js";
import { connectTestWebSocket, type TestWebSocket, type TestWebSocketOptions } from "../ws/test-socket.js";

export interface TestRequestOptions {
  /** Sent as application/json. */
  json?: unknown;
  /** Sent as application/x-www-form-urlencoded. */
  form?: Record<string, string | number | boolean>;
  /** Sent as is (set content-type yourself). */
  body?: string | Buffer;
  headers?: Record<string, string>;
  query?: Record<string, string | number | boolean | readonly (string | number | boolean)[]>;
}

export class TestResponse {
  constructor(
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    readonly body: Buffer,
  ) {}

  get text(): string {
    return this.body.toString("utf8");
  }

  /** The body parsed as JSON; throws with the raw text when it is not JSON. */
  json<T = unknown>(): T {
    try {
      return JSON.parse(this.text) as T;
    } catch {
      throw new Error(`Response body is not JSON (status ${this.status}): ${this.text.slice(0, 200)}`);
    }
  }
}

/**
 * Requests against an app over a real loopback socket (the app's own
 * `handle` on an ephemeral port), so tests exercise the same HTTP parsing
 * and writing as production. Close it after the tests.
 */
export class TestClient {
  #server: Server | undefined;
  #base: Promise<{ host: string; port: number }> | undefined;
  readonly #agent = new Agent({ keepAlive: true });
  readonly #sockets = new Set<TestWebSocket>();

  readonly #lifespan: boolean;

  constructor(
    readonly app: App,
    options: TestClientOptions = {},
  ) {
    this.#lifespan = options.lifespan ?? false;
  }

  /** Replaces a dependency until `restore` is called or the override is replaced. */
  override<T>(dependency: DependencyFn<T>, replacement: DependencyFn<T>): () => void {
    this.app.dependencyOverrides.set(dependency, replacement);
    return () => this.app.dependencyOverrides.delete(dependency);
  }

  /** The server's base address, starting it on first use. */
  address(): Promise<{ host: string; port: number }> {
    this.#base ??= this.#start();
    return this.#base;
  }

  async #start(): Promise<{ host: string; port: number }> {
    if (this.#lifespan) await this.app.runStartupHooks();
    return new Promise((resolve, reject) => {
      const server = createServer(this.app.handle);
      server.on("upgrade", this.app.handleUpgrade);
      this.#server = server;
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve({ host: "127.0.0.1", port: (server.address() as AddressInfo).port }));
    });
  }

  async url(path = "/"): Promise<string> {
    const { host, port } = await this.address();
    return `http://${host}:${port}${path}`;
  }

  async request(method: string, path: string, options: TestRequestOptions = {}): Promise<TestResponse> {
    const { host, port } = await this.address();
    const headers: Record<string, string> = { ...options.headers };
    let payload: string | Buffer | undefined = options.body;
    if (options.json !== undefined) {
      payload = JSON.stringify(options.json);
      headers["content-type"] ??= "application/json";
    } else if (options.form !== undefined) {
      payload = stringifyQuery(options.form);
      headers["content-type"] ??= "application/x-www-form-urlencoded";
    }
    let target = path;
    if (options.query) target += (path.includes("?") ? "&" : "?") + stringifyQuery(options.query as Record<string, string | readonly string[]>);
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host, port, method, path: target, headers, agent: this.#agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve(new TestResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))));
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(payload);
    });
  }

  get(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("GET", path, options);
  }
  head(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("HEAD", path, options);
  }
  post(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("POST", path, options);
  }
  put(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("PUT", path, options);
  }
  patch(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("PATCH", path, options);
  }
  delete(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("DELETE", path, options);
  }
  options(path: string, options?: TestRequestOptions): Promise<TestResponse> {
    return this.request("OPTIONS", path, options);
  }

  /**
   * Opens a WebSocket to `path` (with its query string) over loopback.
   * Rejects with WebSocketHandshakeError when the server answers HTTP
   * instead (404 unknown path, 403 refused Origin...).
   */
  async websocket(path: string, options: TestWebSocketOptions = {}): Promise<TestWebSocket> {
    const url = (await this.url(path)).replace(/^http:/, "ws:");
    const socket = await connectTestWebSocket(url, options);
    this.#sockets.add(socket);
    void socket.closed.then(() => this.#sockets.delete(socket));
    return socket;
  }

  /** Stops the server and waits for the app's background work. */
  async close(): Promise<void> {
    this.#agent.destroy();
    // Upgraded sockets are not the server's to close, and its close waits for them.
    for (const socket of this.#sockets) socket.terminate();
    await Promise.all([...this.#sockets].map((s) => s.closed));
    const server = this.#server;
    this.#server = undefined;
    this.#base = undefined;
    if (server) {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    await this.app.drain();
    if (this.#lifespan) await this.app.runShutdownHooks();
  }
}

export interface TestClientOptions {
  /**
   * Run the app's startup hooks before the first request and its shutdown
   * hooks in `close()`, as FastAPI's `with TestClient(app)` does. Default
   * false: tests that build their own fixtures skip the app's hooks.
   */
  lifespan?: boolean;
}

export function createTestClient(app: App, options?: TestClientOptions): TestClient {
  return new TestClient(app, options);
}
