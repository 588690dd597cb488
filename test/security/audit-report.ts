/**
 * Reads `npm audit --json` and `npm ls --json` output for the dependency
 * checks of HARDENING.md D15.
 */

export interface AuditVulnerability {
  name: string;
  severity: "info" | "low" | "moderate" | "high" | "critical";
}

/** The audit endpoint could not be asked (a registry or mirror without it, no network): npm prints an error object instead of a report. */
export function auditUnavailable(report: unknown): string | undefined {
  if (typeof report !== "object" || report === null) return "npm audit printed no JSON";
  const { message, vulnerabilities } = report as { message?: unknown; vulnerabilities?: unknown };
  if (vulnerabilities !== undefined) return undefined;
  return typeof message === "string" ? message : "npm audit printed no vulnerabilities field";
}

/** Packages with a high or critical advisory in an `npm audit --json` report. */
export function severeVulnerabilities(report: unknown): AuditVulnerability[] {
  const vulnerabilities = (report as { vulnerabilities?: Record<string, { name?: string; severity?: AuditVulnerability["severity"] }> }).vulnerabilities ?? {};
  return Object.entries(vulnerabilities)
    .map(([name, v]) => ({ name: v.name ?? name, severity: v.severity ?? "info" }))
    .filter((v) => v.severity === "high" || v.severity === "critical");
}

/**
 * The README explains an accepted advisory with a list item under its
 * "### Known advisories" heading that names the package in backticks and
 * gives a reason after a colon: "- `pkg` (GHSA-…): why it does not apply".
 */
export function unexplained(vulnerabilities: readonly AuditVulnerability[], readme: string): AuditVulnerability[] {
  const section = /^### Known advisories\n([\s\S]*?)(?=^#{1,3} |(?![\s\S]))/m.exec(readme)?.[1] ?? "";
  const explained = new Set<string>();
  for (const match of section.matchAll(/^- `([^`]+)`[^:\n]*:\s*\S.*$/gm)) explained.add(match[1]!);
  return vulnerabilities.filter((v) => !explained.has(v.name));
}

interface LsNode {
  version?: string;
  dependencies?: Record<string, LsNode>;
}

/** Every version of a package that `npm ls --all --json` shows anywhere in the tree. */
export function resolvedVersions(tree: LsNode, name: string): string[] {
  const found = new Set<string>();
  const walk = (node: LsNode) => {
    for (const [child, sub] of Object.entries(node.dependencies ?? {})) {
      if (child === name && sub.version) found.add(sub.version);
      walk(sub);
    }
  };
  walk(tree);
  return [...found].sort();
}

/** a >= b for plain x.y.z versions (prerelease tags are not expected in a lockfile here and compare as lower). */
export function atLeast(version: string, minimum: string): boolean {
  const parse = (v: string) => {
    const [core, pre] = v.split("-", 2);
    return { parts: core!.split(".").map((n) => Number.parseInt(n, 10)), pre: pre !== undefined };
  };
  const a = parse(version);
  const b = parse(minimum);
  for (let i = 0; i < 3; i++) {
    const x = a.parts[i] ?? 0;
    const y = b.parts[i] ?? 0;
    if (x !== y) return x > y;
  }
  return !a.pre || b.pre;
}
