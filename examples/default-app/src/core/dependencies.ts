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

/** The user id a token names, or undefined for any token that is not valid. No database: a JWT is checked with the key alone. */
export async function userIdFromToken(token: string, settings: Pick<Settings, "SECRET_KEY">): Promise<number | undefined> {
  const subject = await readAccessToken(token, settings);
  // Checked before it reaches SQL: an id beyond PostgreSQL's integer range would be a 500, not a 401.
  const id = subject !== undefined && /^[1-9]\d{0,9}$/.test(subject) ? Number(subject) : undefined;
  return id === undefined || id > MAX_INT ? undefined : id;
}

/** The user a token names, read from the database on every request: a deleted user's token stops working at once. */
export async function userFromToken(db: Db, settings: Settings, token: string): Promise<User | undefined> {
  const id = await userIdFromToken(token, settings);
  return id === undefined ? undefined : new UserService(db).get(id);
}

/**
 * The id of the user a valid bearer token names; 401 otherwise. Resolved
 * before getDb (getCurrentUser lists it first), so a bad token costs no
 * transaction; a route that must not hold one across slow work (PUT
 * /users/{id} hashes a new password) starts from it and reads the user
 * with loadActiveUser in a transaction of its own.
 */
export const getTokenUserId = depends({ token: oauth2Scheme, settings: getSettings }, async ({ deps }): Promise<number> => {
  const id = await userIdFromToken(deps.token, deps.settings);
  if (id === undefined) throw invalidCredentials();
  return id;
});

/** What getCurrentActiveUser answers, on a handle of the caller's choice: 401 for a user that is gone, 403 for an inactive one. */
export async function loadActiveUser(db: Db, userId: number): Promise<User> {
  return requireActive(await new UserService(db).get(userId));
}

function requireActive(user: User | undefined): User {
  if (!user) throw invalidCredentials();
  if (!user.is_active) throw new HTTPException(403, "Inactive user");
  return user;
}

export const getCurrentUser = depends({ userId: getTokenUserId, db: getDb }, async ({ deps }): Promise<User> => {
  const user = await new UserService(deps.db).get(deps.userId);
  if (!user) throw invalidCredentials();
  return user;
});

export const getCurrentActiveUser = depends({ user: getCurrentUser }, ({ deps }): User => requireActive(deps.user));

export const requireSuperuser = depends({ user: getCurrentActiveUser }, ({ deps }): User => {
  if (!deps.user.is_superuser) throw new HTTPException(403, "Not enough permissions");
  return deps.user;
});
