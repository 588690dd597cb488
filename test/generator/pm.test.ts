import { describe, expect, it } from "vitest";
import { detectPackageManager, packageManagerCommands } from "../../src/generator/pm.js";

describe("detectPackageManager", () => {
  it.each([
    ["npm/10.9.2 node/v20.19.0 linux x64 workspaces/false", "npm"],
    ["pnpm/9.15.0 npm/? node/v20.19.0 linux x64", "pnpm"],
    ["yarn/4.5.3 npm/? node/v20.19.0 linux x64", "yarn"],
    ["bun/1.1.38 npm/? node/v20.19.0 linux x64", "bun"],
    ["cnpm/9.0.0 node/v20.19.0", "npm"],
    ["", "npm"],
    [undefined, "npm"],
  ])("reads %j as %s", (userAgent, expected) => {
    expect(detectPackageManager(userAgent)).toBe(expected);
  });
});

describe("packageManagerCommands", () => {
  it("spells install and run the way each package manager expects", () => {
    const table = (["npm", "pnpm", "yarn", "bun"] as const).map((pm) => {
      const commands = packageManagerCommands(pm);
      return [pm, commands.install, commands.run("dev")];
    });
    expect(table).toEqual([
      ["npm", "npm install", "npm run dev"],
      ["pnpm", "pnpm install", "pnpm dev"],
      ["yarn", "yarn", "yarn dev"],
      ["bun", "bun install", "bun run dev"],
    ]);
  });
});
