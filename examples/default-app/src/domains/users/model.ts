import { boolean, pgTable, serial, text, timestamp, uniqueIndex, varchar } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: varchar("email", { length: 320 }).notNull(),
  full_name: varchar("full_name", { length: 200 }),
  hashed_password: text("hashed_password").notNull(),
  is_active: boolean("is_active").notNull().default(true),
  is_superuser: boolean("is_superuser").notNull().default(false),
  created_at: timestamp("created_at", { withTimezone: true }).notNull().defaultNow(),
}, (table) => [
  // The index, not a lookup before the insert, decides duplicate signups: two concurrent ones cannot both pass.
  uniqueIndex("users_email_key").on(table.email),
]);

export type User = typeof users.$inferSelect;
export type NewUser = typeof users.$inferInsert;
