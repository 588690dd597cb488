/**
 * HTTP from a chosen loopback source address. The rate limiter keys
 * clients by address, and every 127.x.y.z is this machine on Linux, so each
 * phase of a test can be a fresh client with a fresh counter.
 */
import { request } from "node:http";

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json<T = unknown>(): T;
}

export interface RequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Source address; default 127.0.0.1. */
  from?: string;
}

export function http(url: string, init: RequestInit = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? "GET", headers: init.headers, localAddress: init.from ?? "127.0.0.1", agent: false, timeout: 15_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: <T>() => JSON.parse(text) as T });
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${init.method ?? "GET"} ${url} timed out`)));
    req.on("error", reject);
    req.end(init.body);
  });
}

export const json = (body: unknown): Pick<RequestInit, "headers" | "body"> => ({ headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

/** Polls fn until it returns true, every 100 ms, failing after timeoutMs with what it was waiting for. */
export async function eventually(what: string, fn: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if (await fn()) return;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last === undefined ? "" : `: ${String(last)}`}`);
}
