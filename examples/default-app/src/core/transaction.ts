import type { Db } from "./database.js";

export interface OpenTransaction {
  readonly tx: Db;
  commit(): Promise<void>;
  rollback(reason: unknown): Promise<void>;
}

/** Thrown inside drizzle's callback to make it roll back; never seen by callers. */
class Rollback extends Error {}

/**
 * drizzle only offers callback transactions; a request dependency needs one
 * it can open before the handler and end after it. The callback waits for
 * commit() or rollback(): returning commits, throwing rolls back.
 */
export function beginTransaction(db: Db): Promise<OpenTransaction> {
  let finish!: (outcome: { ok: true } | { ok: false }) => void;
  const outcome = new Promise<{ ok: true } | { ok: false }>((resolve) => (finish = resolve));
  return new Promise<OpenTransaction>((resolveOpen, rejectOpen) => {
    let opened = false;
    const done = db.transaction(async (tx) => {
      opened = true;
      resolveOpen({
        tx,
        async commit() {
          finish({ ok: true });
          await done;
        },
        async rollback() {
          finish({ ok: false });
          await done.catch((error: unknown) => {
            if (!(error instanceof Rollback)) throw error;
          });
        },
      });
      if (!(await outcome).ok) throw new Rollback("rolled back");
    });
    // BEGIN itself failed (database down): the request fails before its handler runs.
    done.catch((error: unknown) => {
      if (!opened) rejectOpen(error);
    });
  });
}
