import { defineConfig } from "drizzle-kit";

// `npm run db:generate` diffs the models against drizzle/meta and writes a new SQL migration into drizzle/.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/domains/*/model.ts",
  out: "./drizzle",
});
