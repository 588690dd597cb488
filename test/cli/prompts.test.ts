import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, DEFAULT_PROJECT_FILES, listFiles, makeSandbox } from "./helpers.js";
import { hasScript, KEYS, startInPty } from "./pty.js";

let cleanups: (() => void)[] = [];
function sandbox(): string {
  const box = makeSandbox("prompts");
  cleanups.push(box.cleanup);
  return box.dir;
}

beforeAll(assertBuilt);
afterEach(() => {
  cleanups.forEach((cleanup) => cleanup());
  cleanups = [];
});

describe.skipIf(!hasScript)("trellis create at a terminal", () => {
  it("asks for the name, database, package manager, install and git, and creates what was answered", async () => {
    const cwd = sandbox();
    const session = startInPty(["create"], { cwd });
    await session.waitFor(/Project name/);
    session.type("asked-api");
    await session.waitFor(/asked-api/);
    session.type(KEYS.enter);
    await session.waitFor(/Database/);
    session.type(KEYS.down);
    await session.waitFor(/PostgreSQL: a server/);
    session.type(KEYS.enter);
    await session.waitFor(/Package manager/);
    session.type(KEYS.down);
    session.type(KEYS.enter);
    await session.waitFor(/Install dependencies now \(pnpm install\)/);
    session.type("n"); // clack's confirm answers on y/n without Enter
    await session.waitFor(/git repository/);
    session.type("n");
    const { code, screen } = await session.exit;
    expect(code, screen).toBe(0);
    expect(screen).toContain("pnpm dev");
    const project = path.join(cwd, "asked-api");
    expect(await listFiles(project)).toEqual(expect.arrayContaining(DEFAULT_PROJECT_FILES));
    expect(await listFiles(project)).not.toContain(".git/HEAD");
    expect(readFileSync(path.join(project, "README.md"), "utf8")).toContain("PostgreSQL");
  });

  it.each(["Project name", "Database", "Package manager", "Install dependencies", "git repository"])(
    "cancels with exit 130 and writes nothing when Ctrl-C is pressed at the %s prompt",
    async (prompt) => {
      const cwd = sandbox();
      const session = startInPty(["create"], { cwd });
      const answers: [RegExp, string][] = [[/Project name/, KEYS.enter], [/Database/, KEYS.enter], [/Package manager/, KEYS.enter], [/Install dependencies/, "y"], [/git repository/, "y"]];
      for (const [pattern, answer] of answers) {
        await session.waitFor(pattern);
        if (pattern.source === prompt) break;
        session.type(answer);
      }
      session.type(KEYS.ctrlC);
      const { code, screen } = await session.exit;
      expect(code, screen).toBe(130);
      expect(screen).toContain("cancelled; nothing was written");
      expect(readdirSync(cwd)).toEqual([]);
    },
  );

  it("refuses a non-empty directory named on the command line before asking anything", async () => {
    const cwd = sandbox();
    mkdirSync(path.join(cwd, "taken"));
    writeFileSync(path.join(cwd, "taken", "keep.txt"), "keep\n");
    const { code, screen } = await startInPty(["create", "taken"], { cwd }).exit;
    expect(code, screen).toBe(1);
    expect(screen).toContain('error: directory "taken" is not empty');
    expect(screen).not.toContain("Database");
    expect(readdirSync(path.join(cwd, "taken"))).toEqual(["keep.txt"]);
  });

  it("does not prompt at a terminal with --yes, nor when CI=true", async () => {
    for (const [args, env] of [[["create", "yes-api", "--yes", "--no-install", "--no-git"], {}], [["create", "ci-api", "--no-install", "--no-git"], { CI: "true" }]] as const) {
      const cwd = sandbox();
      const session = startInPty(args, { cwd, env });
      const { code, screen } = await session.exit;
      expect(code, screen).toBe(0);
      expect(screen).not.toContain("Database");
      expect(readdirSync(cwd)).toEqual([args[1]]);
    }
  });
});
