import type { IncomingMessage } from "node:http";
import { HTTPException } from "../errors/http-exception.js";

/** HARDENING.md D10: 100 KiB for JSON bodies. */
export const DEFAULT_BODY_LIMIT = 100 * 1024;

/**
 * 413 closes the connection: the rest of the body is never read, so the
 * socket cannot carry another request.
 */
export function payloadTooLarge(limit: number): HTTPException {
  return new HTTPException(413, `Request body is larger than the limit of ${limit} bytes`, { connection: "close" });
}

/**
 * Reads the whole body, refusing early (Content-Length) or as soon as it
 * passes `limit`. Listeners are never removed: the request is dropped
 * after its response, and removing stream listeners per request measured
 * as a large share of a small POST's cost; a `done` flag settles once.
 */
export function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) return Promise.reject(payloadTooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on("data", (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > limit) {
        done = true;
        req.pause();
        reject(payloadTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (done) return;
      done = true;
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    });
    req.on("error", (err: Error) => {
      if (done) return;
      done = true;
      reject(err);
    });
    req.on("close", () => {
      // The client went away before the body ended.
      if (done) return;
      done = true;
      reject(new HTTPException(400, "Request aborted", { connection: "close" }));
    });
  });
}
