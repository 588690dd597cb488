/**
 * SLOW, NETWORK: the dependencies a created project resolves (HARDENING.md
 * D15). Only a lockfile is needed, so the project is resolved with
 * `npm install --package-lock-only` instead of a full install.
 *
 * `npm audit` needs the registry's advisory endpoint; where it is missing
 * (a mirror that only serves packages) the audit case is skipped with the
 * endpoint's answer, unless TRELLIS_REQUIRE_AUDIT=1 makes that a failure.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertBuilt, cliEnv } from "../cli/helpers.js";
import { npm, registryAvailable, renderProject, type Project } from "../templates/variant.js";
import { atLeast, auditUnavailable, resolvedVersions, severeVulnerabilities, unexplained } from "./audit-report.js";

const exec = promisify(execFile);

/** npm audit and npm ls exit non-zero when they find something; their JSON is what matters. */
async function npmJson(project: Project, args: string[]): Promise<unknown> {
  const result = await exec("npm", args, { cwd: project.dir, env: cliEnv({ NO_COLOR: "1" }), maxBuffer: 32 * 1024 * 1024 }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "" }));
  try {
    return JSON.parse(result.stdout) as unknown;
  } catch {
    return undefined;
  }
}

let project: Project | undefined;
afterAll(() => project?.cleanup());

describe.skipIf(!registryAvailable)("SLOW, NETWORK: dependencies of a created project", () => {
  beforeAll(async () => {
    assertBuilt();
    project = await renderProject("audit-api", "pglite");
    await npm(project, ["install", "--package-lock-only", "--prefer-offline", "--no-audit", "--no-fund"]);
  }, 300_000);

  it("resolves path-to-regexp >= 8.4.0, express >= 5.3.0 and ws >= 8.21.0 everywhere in the lockfile", { timeout: 60_000 }, async () => {
    const tree = await npmJson(project!, ["ls", "path-to-regexp", "express", "ws", "--all", "--json", "--package-lock-only"]);
    for (const [name, minimum] of [["path-to-regexp", "8.4.0"], ["express", "5.3.0"], ["ws", "8.21.0"]] as const) {
      const versions = resolvedVersions(tree as object, name);
      expect(versions, name).not.toEqual([]);
      for (const version of versions) expect(atLeast(version, minimum), `${name}@${version} >= ${minimum}`).toBe(true);
    }
  });

  it("has no high or critical advisory in npm audit --omit=dev, unless the README explains it", { timeout: 120_000 }, async (context) => {
    const report = await npmJson(project!, ["audit", "--omit=dev", "--json", "--package-lock-only"]);
    const unavailable = auditUnavailable(report);
    if (unavailable !== undefined) {
      if (process.env.TRELLIS_REQUIRE_AUDIT === "1") throw new Error(`npm audit could not run: ${unavailable}`);
      console.warn(`npm audit skipped: ${unavailable}`);
      context.skip(`the advisory endpoint is unavailable here: ${unavailable}`);
      return;
    }
    const readme = readFileSync(path.join(project!.dir, "README.md"), "utf8");
    expect(unexplained(severeVulnerabilities(report), readme)).toEqual([]);
  });
});

describe("reading npm audit and npm ls output", () => {
  const report = {
    vulnerabilities: {
      "left-pad": { name: "left-pad", severity: "critical" },
      lodash: { name: "lodash", severity: "high" },
      debug: { name: "debug", severity: "moderate" },
    },
  };

  it("finds high and critical advisories and ignores lower ones", () => {
    expect(severeVulnerabilities(report).map((v) => v.name)).toEqual(["left-pad", "lodash"]);
  });

  it("counts an advisory as explained only by a list item with a reason under Known advisories", () => {
    const readme = "# app\n\n## Security\n\n### Known advisories\n\n- `lodash` (GHSA-x): only used at build time.\n- `left-pad`\n\n## Next\n\n- `left-pad`: not here\n";
    expect(unexplained(severeVulnerabilities(report), readme).map((v) => v.name)).toEqual(["left-pad"]);
    expect(unexplained(severeVulnerabilities(report), "# app\n").map((v) => v.name)).toEqual(["left-pad", "lodash"]);
  });

  it("tells an unavailable audit endpoint from a report", () => {
    expect(auditUnavailable({ message: "405 Method Not Allowed - POST …/advisories/bulk" })).toMatch(/405/);
    expect(auditUnavailable(undefined)).toBeDefined();
    expect(auditUnavailable({ vulnerabilities: {} })).toBeUndefined();
  });

  it("finds every resolved version of a package and compares versions", () => {
    const tree = { dependencies: { a: { version: "1.0.0", dependencies: { "path-to-regexp": { version: "8.4.2" } } }, "path-to-regexp": { version: "0.1.12" } } };
    expect(resolvedVersions(tree, "path-to-regexp")).toEqual(["0.1.12", "8.4.2"]);
    expect(atLeast("8.4.2", "8.4.0")).toBe(true);
    expect(atLeast("8.10.0", "8.4.0")).toBe(true);
    expect(atLeast("8.3.9", "8.4.0")).toBe(false);
    expect(atLeast("8.4.0-beta.1", "8.4.0")).toBe(false);
    expect(atLeast("5.3.0", "5.3.0")).toBe(true);
  });
});
