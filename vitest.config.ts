import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    // Tests run against the runtime's TypeScript sources, not a stale dist/.
    alias: [
      { find: /^@trellis\/runtime\/redis$/, replacement: fileURLToPath(new URL("./src/runtime/src/redis/index.ts", import.meta.url)) },
      { find: /^@trellis\/runtime$/, replacement: fileURLToPath(new URL("./src/runtime/src/index.ts", import.meta.url)) },
    ],
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
