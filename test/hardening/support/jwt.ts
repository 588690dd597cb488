/**
 * Hand-made JWTs for the auth table: the app must refuse every one of these
 * forgeries, so they are built here from node:crypto rather than with the
 * library the app itself uses to sign.
 */
import { createHmac } from "node:crypto";

const b64url = (value: string | Buffer) => Buffer.from(value).toString("base64url");

export function signHs256(claims: Record<string, unknown>, secret: string, header: Record<string, unknown> = { alg: "HS256", typ: "JWT" }): string {
  const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
  return `${input}.${createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** RFC 7519 §6 unsecured JWT: alg none and an empty signature. */
export function unsigned(claims: Record<string, unknown>): string {
  return `${b64url(JSON.stringify({ alg: "none", typ: "JWT" }))}.${b64url(JSON.stringify(claims))}.`;
}

export const now = () => Math.floor(Date.now() / 1000);
