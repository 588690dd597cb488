import { HTTPException, Router } from "@trellis/runtime";
import { z } from "zod";
import { getCurrentActiveUser, getDatabase, getDb, getTokenUserId, loadActiveUser, requireSuperuser } from "../../core/dependencies.js";
import { Pagination } from "../../core/pagination.js";
import type { User } from "./model.js";
import { UserCreate, UserId, UserResponse, UserUpdate } from "./schemas.js";
import { newUser, userChanges, UserService } from "./service.js";
import { sendWelcomeMessage } from "./tasks.js";

export const usersRouter = new Router({ prefix: "/api/v1/users", tags: ["users"] });

const forbidden = () => new HTTPException(403, "Not enough permissions");

/** A normal user may touch only its own record; a superuser any. */
function assertCanAccess(current: User, userId: number): void {
  if (current.id !== userId && !current.is_superuser) throw forbidden();
}

async function findOr404(service: UserService, userId: number): Promise<User> {
  const user = await service.get(userId);
  if (!user) throw new HTTPException(404, `User ${userId} not found`);
  return user;
}

usersRouter.post("/", {
  summary: "Sign up",
  body: UserCreate,
  response: UserResponse,
  status: 201,
  // Not getDb: its transaction would be open, holding a connection (PGlite's only one), for the whole hash.
  deps: { database: getDatabase },
  responses: { 409: { description: "Email already registered" } },
}, async ({ body, deps, background, request }) => {
  // Hash first, then a short transaction that only inserts. A duplicate email is still
  // decided by the unique index at the insert (409), however many signups raced to it.
  const values = await newUser(body);
  const user = await deps.database.db.transaction((tx) => new UserService(tx).insert(values));
  background.add(sendWelcomeMessage, request.log, user);
  return user;
});

usersRouter.get("/", {
  summary: "List users (superuser)",
  query: Pagination,
  response: z.array(UserResponse),
  deps: { db: getDb },
  dependencies: [requireSuperuser],
}, ({ query, deps }) => new UserService(deps.db).list(query.skip, query.limit));

usersRouter.get("/me", {
  summary: "The current user",
  response: UserResponse,
  deps: { user: getCurrentActiveUser },
}, ({ deps }) => deps.user);

usersRouter.get("/{user_id}", {
  summary: "Get a user (self or superuser)",
  params: UserId,
  response: UserResponse,
  deps: { current: getCurrentActiveUser, db: getDb },
}, async ({ params, deps }) => {
  assertCanAccess(deps.current, params.user_id);
  return findOr404(new UserService(deps.db), params.user_id);
});

usersRouter.put("/{user_id}", {
  summary: "Update a user (self or superuser)",
  params: UserId,
  body: UserUpdate,
  response: UserResponse,
  // Not getCurrentActiveUser: its request transaction (getDb) would stay open, holding a
  // connection (PGlite's only one), while a new password is hashed.
  deps: { userId: getTokenUserId, database: getDatabase },
  responses: { 409: { description: "Email already registered" } },
}, async ({ params, body, deps }) => {
  // Hash first (a token that does not verify never gets here), then one short transaction
  // that reads who asks, checks what they may do and writes: nothing checked goes stale.
  const changes = await userChanges(body);
  return deps.database.db.transaction(async (tx) => {
    const current = await loadActiveUser(tx, deps.userId);
    assertCanAccess(current, params.user_id);
    // Only a superuser grants or removes access, its own included.
    if ((body.is_active !== undefined || body.is_superuser !== undefined) && !current.is_superuser) throw forbidden();
    const service = new UserService(tx);
    return service.update(await findOr404(service, params.user_id), changes);
  });
});

usersRouter.delete("/{user_id}", {
  summary: "Delete a user (self or superuser)",
  params: UserId,
  status: 204,
  deps: { current: getCurrentActiveUser, db: getDb },
}, async ({ params, deps }) => {
  assertCanAccess(deps.current, params.user_id);
  const service = new UserService(deps.db);
  await findOr404(service, params.user_id);
  await service.delete(params.user_id);
});
