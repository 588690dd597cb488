import type { Socket } from "node:net";

/**
 * What Node answers to a request it cannot parse, before any route sees it,
 * with the JSON {detail} bodies the rest of the API uses (HARDENING.md D6).
 * Node's own answer has the same status codes and no body; a 'clientError'
 * listener replaces it, so every case Node handles is handled here too.
 */
const ANSWERS: Readonly<Record<string, readonly [number, string]>> = {
  HPE_HEADER_OVERFLOW: [431, "Request Header Fields Too Large"],
  HPE_CHUNK_EXTENSIONS_OVERFLOW: [413, "Payload Too Large"],
  ERR_HTTP_REQUEST_TIMEOUT: [408, "Request Timeout"],
};
const BAD_REQUEST = [400, "Bad Request"] as const;

export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  // A reset or a socket that already got bytes has nothing to read an answer: just close it.
  if (socket.writable && socket.bytesWritten === 0 && error.code !== "ECONNRESET") {
    const [status, reason] = ANSWERS[error.code ?? ""] ?? BAD_REQUEST;
    const body = JSON.stringify({ detail: reason });
    socket.write(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroySoon();
}
