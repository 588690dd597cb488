/**
 * A request from a chosen loopback source address. /api/v1/auth/token allows
 * 10 logins a minute per client IP (HARDENING.md D13); the timing and outage
 * cases need more, so they spread them over 127.0.0.2-127.0.0.254, which
 * Linux routes to the loopback interface like 127.0.0.1.
 */
import { request, type IncomingHttpHeaders } from "node:http";
import { performance } from "node:perf_hooks";

export interface Reply {
  status: number;
  body: string;
  ms: number;
  headers: IncomingHttpHeaders;
}

export function send(url: string, init: { method?: string; headers?: Record<string, string>; body?: string; localAddress?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const req = request(url, { method: init.method ?? "GET", headers: { ...init.headers, connection: "close" }, localAddress: init.localAddress }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), ms: performance.now() - started, headers: res.headers }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

let nextHost = 2;
/** A fresh loopback source address; each is used for a handful of logins at most. */
export function freshLoopback(): string {
  const host = `127.0.0.${nextHost}`;
  nextHost = nextHost >= 254 ? 2 : nextHost + 1;
  return host;
}

export function login(base: string, username: string, password: string, localAddress = freshLoopback()): Promise<Reply> {
  return send(`${base}/api/v1/auth/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username, password }).toString(),
    localAddress,
  });
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
