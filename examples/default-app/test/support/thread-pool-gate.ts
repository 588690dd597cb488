import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, rmSync } from "node:fs";
import { open, type FileHandle } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { withTimeout } from "../../src/core/database.js";
import { getDatabase } from "../../src/core/dependencies.js";
import type { TestApp } from "./app.js";

/** mkfifo is POSIX: on Windows the tests that need a gate are skipped. */
export const threadPoolGateAvailable = process.platform !== "win32";

export interface ThreadPoolGate {
  /** Parks every thread of the pool (synchronously queued: work queued after this waits). */
  close(): void;
  /** Lets the pool go again and removes the FIFOs. Safe to call more than once. */
  open(): Promise<void>;
}

/**
 * Holds libuv's thread pool, where argon2 (@node-rs/argon2) hashes and
 * verifies passwords, until open() is called: each thread is parked in an
 * open() of a FIFO that has no writer yet. The pool runs work in the order it
 * was queued, so a request that reaches its password hash after close() waits
 * right there, and a test can look at what the request holds meanwhile. No
 * mock: the app's own code runs, only slower.
 */
export function createThreadPoolGate(): ThreadPoolGate {
  // libuv's default is 4 threads; UV_THREADPOOL_SIZE changes it.
  const size = Number(process.env.UV_THREADPOOL_SIZE) || 4;
  const dir = mkdtempSync(path.join(tmpdir(), "thread-pool-gate-"));
  const fifos = Array.from({ length: size }, (_, i) => path.join(dir, `fifo-${i}`));
  for (const fifo of fifos) execFileSync("mkfifo", [fifo]);
  let readers: Promise<FileHandle>[] = [];
  let opened = false;
  return {
    close() {
      readers = fifos.map((fifo) => open(fifo, "r"));
    },
    async open() {
      if (opened) return;
      opened = true;
      // Synchronous, on this thread: the pool has none to spare. A writer
      // opening a FIFO is what lets its parked reader go.
      if (readers.length > 0) for (const fifo of fifos) closeSync(openSync(fifo, "w"));
      for (const reader of await Promise.all(readers)) await reader.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const PROBES = 3;
const PROBE_TIMEOUT_MS = 5_000;

/**
 * Sends a request and holds the thread pool from the moment the request
 * resolves its database (getDatabase), so that it stops at its first piece
 * of thread-pool work: the password hash or verification. Meanwhile the
 * database must answer other queries. With PGlite's single connection a
 * transaction the request held would stall them (so this checks PGlite
 * only; a PostgreSQL pool has other connections to answer with). Resolves
 * to the request's response once the pool is let go.
 */
export async function expectDatabaseFreeWhileHashing<T>(app: TestApp, send: () => Promise<T>): Promise<T> {
  const gate = createThreadPoolGate();
  const overrides = app.client.app.dependencyOverrides;
  const bound = overrides.get(getDatabase);
  let resolved!: () => void;
  const databaseResolved = new Promise<void>((resolve) => (resolved = resolve));
  overrides.set(getDatabase, () => {
    gate.close();
    resolved();
    return app.database;
  });
  try {
    const response = send();
    const first = await Promise.race([databaseResolved.then(() => "database" as const), response.then(() => "response" as const)]);
    if (first === "response") throw new Error("the request was answered before it resolved its database");
    // One turn of the event loop: whatever the request does next with the database (BEGIN, its lookup) is queued by now.
    await new Promise((resolve) => setImmediate(resolve));
    for (let i = 0; i < PROBES; i++) {
      await withTimeout(app.database.db.execute(sql`SELECT 1`), PROBE_TIMEOUT_MS, "the database (is the request holding a transaction while it hashes?)");
    }
    await gate.open();
    return await response;
  } finally {
    await gate.open();
    if (bound) overrides.set(getDatabase, bound);
  }
}
