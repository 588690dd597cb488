import { existsSync } from "node:fs";
import path from "node:path";
import { TrellisError } from "../cli/errors.js";

/**
 * The project a generate/remove command works on: the nearest directory,
 * from cwd upwards, with a package.json and a src/main.ts (npm's own walk,
 * narrowed to projects trellis can edit).
 */
export function findProjectRoot(cwd: string): string {
  let dir = path.resolve(cwd);
  for (;;) {
    if (existsSync(path.join(dir, "package.json")) && existsSync(path.join(dir, "src", "main.ts"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  throw new TrellisError("TRELLIS_E_NOT_A_PROJECT", `no trellis project here: no directory from ${cwd} upwards has both package.json and src/main.ts`);
}
