import { depends, HTTPException, oauth2PasswordBearer } from "@trellis/runtime";
import type { User } from "../domains/users/model.js";
import { UserService } from "../domains/users/service.js";
import type { Settings } from "./config.js";
import type { Database, Db } from "./database.js";
import { readAccessToken } from "./security.js";
import { beginTransaction } from "./transaction.js";

/**
 * The app's settings and database. buildApp binds both
 * (app.dependencyOverrides), so routers and services never reach for a
 * module-level global and tests can run several apps side by side.
 */
export function getSettings(): Settings {
  throw new Error("getSettings is not bound: build the app with buildApp()");
}

export function getDatabase(): Database {
  throw new Error("getDatabase is not bound: build the app with buildApp()");
}

/**
 * One transaction per request, the only database handle services see: with
 * PGlite (one connection) a query on the root handle while a transaction is
 * open would wait forever. Commits when the handler succeeded, rolls back
 * when it threw; "function" scope commits before the response is written,
 * so a failed commit is a 500, never a 2xx the client wrongly trusts.
 */
export const getDb = depends({ database: getDatabase }, async function* getDb({ deps }): AsyncGenerator<Db> {
  const transaction = await beginTransaction(deps.database.db);
  try {
    yield transaction.tx;
  } catch (error) {
    await transaction.rollback(error);
    throw error;
  }
  await transaction.commit();
}, { scope: "function" });

export const oauth2Scheme = oauth2PasswordBearer({ tokenUrl: "/api/v1/auth/token" });

const MAX_INT = 2_147_483_647;
const invalidCredentials = () => new HTTPException(401, "Could not validate credentials", { "WWW-Authenticate": "Bearer" });

/** The user a token names, read from the database on every request: a deleted user's token stops working at once. */
export async function userFromToken(db: Db, settings: Settings, token: string): Promise<User | undefined> {
  const subject = await readAccessToken(token, settings);
  // Checked before it reaches SQL: an id beyond PostgreSQL's integer range would be a 500, not a 401.
  const id = subject !== undefined && /^[1-9]\d{0,9}$/.test(subject) ? Number(subject) : undefined;
  return id === undefined || id > MAX_INT ? undefined : new UserService(db).get(id);
}

export const getCurrentUser = depends({ token: oauth2Scheme, db: getDb, settings: getSettings }, async ({ deps }): Promise<User> => {
  const user = await userFromToken(deps.db, deps.settings, deps.token);
  if (!user) throw invalidCredentials();
  return user;
});

export const getCurrentActiveUser = depends({ user: getCurrentUser }, ({ deps }): User => {
  if (!deps.user.is_active) throw new HTTPException(403, "Inactive user");
  return deps.user;
});

export const requireSuperuser = depends({ user: getCurrentActiveUser }, ({ deps }): User => {
  if (!deps.user.is_superuser) throw new HTTPException(403, "Not enough permissions");
  return deps.user;
});
