/**
 * A small but complete API on the trellis runtime: validated bodies and
 * params, response models, a bearer-token dependency, 404s with FastAPI's
 * shapes, a background task, and docs at /docs and /redoc.
 */
import { createApp, depends, HTTPException, oauth2PasswordBearer, OAuth2PasswordRequestForm, Router } from "@trellis/runtime";
import { z } from "zod";

const UserCreate = z.object({
  email: z.email(),
  password: z.string().min(8).max(128),
  full_name: z.string().max(200).optional(),
}).meta({ id: "UserCreate" });

const UserResponse = z.object({
  id: z.int(),
  email: z.email(),
  full_name: z.string().nullable(),
  is_active: z.boolean(),
  created_at: z.iso.datetime(),
}).meta({ id: "UserResponse" });

interface UserRow {
  id: number;
  email: string;
  full_name: string | null;
  is_active: boolean;
  created_at: string;
  // Never leaves the server: UserResponse has no such field.
  hashed_password: string;
}

/** An in-memory store; the generated apps use a real database. */
class UserStore {
  readonly #rows = new Map<number, UserRow>();
  #next = 1;

  create(input: z.output<typeof UserCreate>): UserRow {
    if ([...this.#rows.values()].some((u) => u.email === input.email)) throw new HTTPException(409, "Email already registered");
    const row: UserRow = {
      id: this.#next++,
      email: input.email,
      full_name: input.full_name ?? null,
      is_active: true,
      created_at: new Date().toISOString(),
      hashed_password: `not-a-real-hash:${input.password.length}`,
    };
    this.#rows.set(row.id, row);
    return row;
  }

  get(id: number): UserRow | undefined {
    return this.#rows.get(id);
  }

  list(skip: number, limit: number): UserRow[] {
    return [...this.#rows.values()].slice(skip, skip + limit);
  }
}

const store = new UserStore();
export const getStore = () => store;

const oauth2Scheme = oauth2PasswordBearer({ tokenUrl: "/api/v1/auth/token" });

/** Demo tokens are "user-<id>"; the generated apps sign JWTs. */
export const getCurrentUser = depends({ token: oauth2Scheme, store: getStore }, ({ deps }) => {
  const id = /^user-(\d+)$/.exec(deps.token)?.[1];
  const user = id === undefined ? undefined : deps.store.get(Number(id));
  if (!user) throw new HTTPException(401, "Could not validate credentials", { "www-authenticate": "Bearer" });
  return user;
});

const users = new Router({ prefix: "/api/v1/users", tags: ["users"] });

users.post("/", { summary: "Create a user", body: UserCreate, response: UserResponse, status: 201, deps: { store: getStore } },
  ({ body, deps, background }) => {
    const user = deps.store.create(body);
    background.add((email: string) => console.log(`(background) welcome mail to ${email}`), user.email);
    return user;
  });

users.get("/", { summary: "List users", query: z.object({ skip: z.int().min(0).default(0), limit: z.int().min(1).max(100).default(20) }), response: z.array(UserResponse), deps: { store: getStore } },
  ({ query, deps }) => deps.store.list(query.skip, query.limit));

users.get("/me", { summary: "The current user", response: UserResponse, deps: { user: getCurrentUser } }, ({ deps }) => deps.user);

users.get("/{user_id}", { summary: "Get a user", params: z.object({ user_id: z.int() }), response: UserResponse, deps: { store: getStore } },
  ({ params, deps }) => {
    const user = deps.store.get(params.user_id);
    if (!user) throw new HTTPException(404, `User ${params.user_id} not found`);
    return user;
  });

const auth = new Router({ prefix: "/api/v1/auth", tags: ["auth"] });
auth.post("/token", { summary: "Log in", body: OAuth2PasswordRequestForm, bodyEncodings: ["form", "json"], deps: { store: getStore } },
  ({ body, deps }) => {
    const user = deps.store.list(0, Number.MAX_SAFE_INTEGER).find((u) => u.email === body.username);
    if (!user) throw new HTTPException(401, "Incorrect email or password", { "www-authenticate": "Bearer" });
    return { access_token: `user-${user.id}`, token_type: "bearer" };
  });

export function buildApp() {
  const app = createApp({ title: "hello-api", version: "0.1.0", description: "An example API on the trellis runtime." });
  app.get("/health", { summary: "Liveness" }, () => ({ status: "healthy", version: "0.1.0" }));
  app.include(users);
  app.include(auth);
  return app;
}
