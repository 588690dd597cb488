import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Test files share their worker's modules, so each worker opens one
    // database (PGlite's initdb costs about 2 s) and every test starts from
    // empty tables (test/support/database.ts).
    isolate: false,
    globalSetup: ["test/support/global-setup.ts"],
    setupFiles: ["test/support/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
