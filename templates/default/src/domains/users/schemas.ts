import { z } from "zod";
import { storableText } from "../../core/text.js";

// Bounded so that hashing cost stays predictable (HARDENING.md D3: 8-128).
const Password = z.string().min(8).max(128);
const FullName = storableText({ min: 1, max: 200 });

export const UserCreate = z.object({
  email: z.email().max(320),
  password: Password,
  full_name: FullName.nullish(),
}).meta({ id: "UserCreate" });

/** Every field optional: PUT changes what it names. is_active and is_superuser are a superuser's to change. */
export const UserUpdate = z.object({
  email: z.email().max(320).optional(),
  password: Password.optional(),
  full_name: FullName.nullish(),
  is_active: z.boolean().optional(),
  is_superuser: z.boolean().optional(),
}).meta({ id: "UserUpdate" });

/** What leaves the server: never hashed_password, even when a handler returns the whole row. */
export const UserResponse = z.object({
  id: z.int(),
  email: z.string(),
  full_name: z.string().nullable(),
  is_active: z.boolean(),
  is_superuser: z.boolean(),
  created_at: z.date(),
}).meta({ id: "UserResponse" });

export const UserId = z.object({ user_id: z.int().min(1).max(2_147_483_647) });

export type UserCreateInput = z.output<typeof UserCreate>;
export type UserUpdateInput = z.output<typeof UserUpdate>;
