import { HTTPException } from "@trellis/runtime";
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../core/database.js";
import { isUniqueViolation } from "../../core/errors.js";
import { hashPassword, needsRehash, verifyDummyPassword, verifyPassword } from "../../core/security.js";
import type { UserCreateInput, UserUpdateInput } from "./schemas.js";
import { users, type NewUser, type User } from "./model.js";

const emailTaken = () => new HTTPException(409, "Email already registered");

/** Emails compare case-insensitively: Ada@Example.com and ada@example.com are one account. */
const normaliseEmail = (email: string): string => email.trim().toLowerCase();

/**
 * A new user's row, its password hashed. Hashing is the slow part (argon2,
 * tens of milliseconds on libuv's thread pool): a request does it before it
 * opens its transaction, so no connection, PGlite's only one included,
 * waits on it; then UserService.insert writes the row.
 */
export async function newUser(input: UserCreateInput, flags: { is_superuser?: boolean } = {}): Promise<NewUser> {
  return {
    email: normaliseEmail(input.email),
    full_name: input.full_name ?? null,
    hashed_password: await hashPassword(input.password),
    is_superuser: flags.is_superuser ?? false,
  };
}

/**
 * The columns an update changes, a new password hashed. Like newUser, a
 * request calls it before it opens its transaction; UserService.update
 * then only writes.
 */
export async function userChanges(input: UserUpdateInput): Promise<Partial<NewUser>> {
  const changes: Partial<NewUser> = {};
  if (input.email !== undefined) changes.email = normaliseEmail(input.email);
  if (input.full_name !== undefined) changes.full_name = input.full_name;
  if (input.password !== undefined) changes.hashed_password = await hashPassword(input.password);
  if (input.is_active !== undefined) changes.is_active = input.is_active;
  if (input.is_superuser !== undefined) changes.is_superuser = input.is_superuser;
  return changes;
}

/**
 * The user whose email and password match, or undefined. Give it the
 * database's root handle, not a transaction: it runs single statements
 * around the verification (argon2, tens of milliseconds on libuv's thread
 * pool), so no connection, PGlite's only one included, waits on the hash.
 * An unknown email still costs one verification (HARDENING.md D4). A hash
 * made with older parameters is replaced while the password is at hand
 * (D3), hashed first and then written by one UPDATE that applies only if
 * the stored hash is still the one just verified (a password changed
 * meanwhile wins).
 */
export async function authenticate(db: Db, email: string, password: string): Promise<User | undefined> {
  const service = new UserService(db);
  const user = await service.getByEmail(email);
  if (!user) {
    await verifyDummyPassword(password);
    return undefined;
  }
  if (!(await verifyPassword(user.hashed_password, password))) return undefined;
  if (needsRehash(user.hashed_password)) {
    await service.replacePasswordHash(user.id, user.hashed_password, await hashPassword(password));
  }
  return user;
}

/**
 * The users domain's logic. It works on whatever handle it is given (the
 * request's transaction, or the root handle for single statements), never
 * on a connection of its own.
 */
export class UserService {
  constructor(private readonly db: Db) {}

  async get(id: number): Promise<User | undefined> {
    const [user] = await this.db.select().from(users).where(eq(users.id, id));
    return user;
  }

  async getByEmail(email: string): Promise<User | undefined> {
    // The login form's username is any string; PostgreSQL would answer NUL with an error (a 500), and no stored email has one.
    if (email.includes("\u0000")) return undefined;
    const [user] = await this.db.select().from(users).where(eq(users.email, normaliseEmail(email)));
    return user;
  }

  list(skip: number, limit: number): Promise<User[]> {
    return this.db.select().from(users).orderBy(asc(users.id)).offset(skip).limit(limit);
  }

  /** Hashes and inserts in one go, inside whatever transaction this service runs in: for startup and tests; requests use newUser, then insert. */
  async create(input: UserCreateInput, flags: { is_superuser?: boolean } = {}): Promise<User> {
    return this.insert(await newUser(input, flags));
  }

  /** 409 when the email is taken: decided by the unique index, so two concurrent signups cannot both win. */
  async insert(values: NewUser): Promise<User> {
    try {
      const [user] = await this.db.insert(users).values(values).returning();
      return user!;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  /** Writes changes made by userChanges (a new password already hashed); 409 when the new email is taken. */
  async update(user: User, changes: Partial<NewUser>): Promise<User> {
    if (Object.keys(changes).length === 0) return user;
    try {
      const [updated] = await this.db.update(users).set(changes).where(eq(users.id, user.id)).returning();
      return updated!;
    } catch (error) {
      if (isUniqueViolation(error)) throw emailTaken();
      throw error;
    }
  }

  async delete(id: number): Promise<void> {
    await this.db.delete(users).where(eq(users.id, id));
  }

  /** Replaces a password hash, unless it changed since it was read (see authenticate). */
  async replacePasswordHash(id: number, current: string, replacement: string): Promise<void> {
    await this.db.update(users).set({ hashed_password: replacement }).where(and(eq(users.id, id), eq(users.hashed_password, current)));
  }

  /**
   * Creates the first superuser from the settings when both are set and no
   * user has that email yet (as full-stack-fastapi-template does).
   */
  async ensureSuperuser(email: string | undefined, password: string | undefined): Promise<User | undefined> {
    if (email === undefined || password === undefined) return undefined;
    const existing = await this.getByEmail(email);
    if (existing) return existing;
    return this.create({ email, password, full_name: null }, { is_superuser: true });
  }
}
