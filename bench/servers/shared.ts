/**
 * What the four benchmark servers share: where to listen, the fake storage
 * and the fake "db" dependency. Everything an implementation does per request
 * (routing, body reading, validation, serialisation) lives in its own file.
 */

export const VERSION = "0.1.0";
export const HOST = "127.0.0.1";

/** The port the runner chose (PORT), or 3000 when a server is started by hand. */
export function benchPort(): number {
  const raw = process.env.PORT ?? "3000";
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new RangeError(`PORT must be an integer in 1..65535, got ${JSON.stringify(raw)}`);
  }
  return port;
}

/** Printed once the server listens; the runner waits on GET /health, this is for humans. */
export function announce(name: string, port: number): void {
  console.log(`${name} listening on http://${HOST}:${port}`);
}

/** A user row as storage returns it: it carries the password hash the API must never send. */
export interface StoredUser {
  id: number;
  email: string;
  full_name: string | null;
  is_active: boolean;
  created_at: string;
  hashed_password: string;
}

let lastId = 0;

/**
 * Simulated INSERT: hands out increasing ids and stores nothing, so memory
 * stays flat however long the benchmark runs.
 */
export function nextUserId(): number {
  lastId = lastId >= 2_147_483_647 ? 1 : lastId + 1;
  return lastId;
}

const SEED_CREATED_AT = "2024-01-01T00:00:00.000Z";

/** The "database" a request depends on: every positive id exists. */
export class FakeDb {
  find(id: number): StoredUser {
    return {
      id,
      email: `user${id}@example.com`,
      full_name: `User ${id}`,
      is_active: true,
      created_at: SEED_CREATED_AT,
      hashed_password: "$2b$12$not.a.real.hash.only.here.to.be.filtered.out",
    };
  }
}

const db = new FakeDb();

/** The per-request dependency: what a real app would take from a pool. */
export function getDb(): FakeDb {
  return db;
}
