import { createHash } from "node:crypto";

/**
 * .trellis/manifest.json: what generate wrote, with a content hash per
 * file, so that remove can tell the user's edits from trellis' output.
 */
export const MANIFEST_PATH = ".trellis/manifest.json";

export interface Manifest {
  version: 1;
  /** Keyed by the domain's folder name. */
  domains: Record<string, { files: Record<string, string> }>;
}

export function hashContents(contents: string): string {
  return `sha256-${createHash("sha256").update(contents).digest("hex")}`;
}

export function parseManifest(text: string | null): Manifest {
  if (text === null) return { version: 1, domains: {} };
  try {
    const parsed = JSON.parse(text) as Partial<Manifest>;
    // A null-prototype map: domain names come from a file users can edit.
    const domains = Object.assign(Object.create(null) as Manifest["domains"], parsed.domains ?? {});
    return { version: 1, domains };
  } catch {
    return { version: 1, domains: {} };
  }
}

/** The manifest's new text, or null when it lists no domain any more (the file goes away). */
export function serializeManifest(manifest: Manifest): string | null {
  const names = Object.keys(manifest.domains).sort();
  if (names.length === 0) return null;
  const domains = Object.fromEntries(names.map((name) => [name, manifest.domains[name]!]));
  return `${JSON.stringify({ version: 1, domains }, null, 2)}\n`;
}
