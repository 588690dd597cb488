import { hash, verify, type Options as Argon2Options } from "@node-rs/argon2";
import { errors as joseErrors, jwtVerify, SignJWT } from "jose";

/**
 * argon2id with OWASP's first recommendation (HARDENING.md D3): 19 MiB, two
 * passes, one lane. @node-rs/argon2 hashes on libuv's thread pool, so a
 * login never stalls the event loop for other requests.
 */
export const PASSWORD_HASH_OPTIONS = {
  // Algorithm.Argon2id: the package exports a const enum, which isolatedModules cannot import.
  algorithm: 2,
  memoryCost: 19_456,
  timeCost: 2,
  parallelism: 1,
} as const satisfies Argon2Options;

/** The PHC prefix a hash made with the current parameters starts with. */
const CURRENT_PARAMS = `$argon2id$v=19$m=${PASSWORD_HASH_OPTIONS.memoryCost},t=${PASSWORD_HASH_OPTIONS.timeCost},p=${PASSWORD_HASH_OPTIONS.parallelism}$`;

export function hashPassword(password: string): Promise<string> {
  return hash(password, PASSWORD_HASH_OPTIONS);
}

export async function verifyPassword(hashedPassword: string, password: string): Promise<boolean> {
  try {
    return await verify(hashedPassword, password);
  } catch {
    // A malformed stored hash is a failed login, not a 500.
    return false;
  }
}

/** True when a stored hash was made with other parameters and should be replaced at the next login. */
export function needsRehash(hashedPassword: string): boolean {
  return !hashedPassword.startsWith(CURRENT_PARAMS);
}

/**
 * Verified instead of a real hash when the email is unknown (HARDENING.md
 * D4), so that an unknown email costs what a wrong password costs and
 * response times do not tell which emails have accounts. A constant made
 * with PASSWORD_HASH_OPTIONS (a test keeps the two in step), so that even
 * the first unknown email after a restart pays no extra hashing.
 */
export const DUMMY_HASH = "$argon2id$v=19$m=19456,t=2,p=1$ATVb7E+tqZvksjVUmjOqrA$aMETN5oXbJeI1HNiLUBHV0h4sOGK4+cpHuHVkzL3KNA";

export async function verifyDummyPassword(password: string): Promise<false> {
  await verifyPassword(DUMMY_HASH, password);
  return false;
}

/** HS256 only: jose would otherwise accept whichever HMAC algorithm a token names (HARDENING.md D2). */
const ALGORITHM = "HS256";
const CLOCK_TOLERANCE_SECONDS = 5;

const encoder = new TextEncoder();
const keys = new Map<string, Uint8Array>();
function keyFor(secret: string): Uint8Array {
  let key = keys.get(secret);
  if (!key) keys.set(secret, (key = encoder.encode(secret)));
  return key;
}

export interface TokenSettings {
  SECRET_KEY: string;
  ACCESS_TOKEN_EXPIRE_MINUTES: number;
}

/** A signed access token for a user id: sub, iat and exp, typ JWT. */
export function createAccessToken(subject: string | number, settings: TokenSettings): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: ALGORITHM, typ: "JWT" })
    .setSubject(String(subject))
    .setIssuedAt()
    .setExpirationTime(`${settings.ACCESS_TOKEN_EXPIRE_MINUTES}m`)
    .sign(keyFor(settings.SECRET_KEY));
}

/** The token's subject, or undefined for any token that is not valid (bad signature, expired, other algorithm, missing claims). */
export async function readAccessToken(token: string, settings: Pick<TokenSettings, "SECRET_KEY">): Promise<string | undefined> {
  try {
    const { payload } = await jwtVerify(token, keyFor(settings.SECRET_KEY), {
      algorithms: [ALGORITHM],
      requiredClaims: ["exp", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
      typ: "JWT",
    });
    return payload.sub;
  } catch (error) {
    if (error instanceof joseErrors.JOSEError) return undefined;
    throw error;
  }
}
