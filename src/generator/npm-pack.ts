import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PACKAGE_ROOT } from "./paths.js";
import type { PackedManifest } from "./runtime-tarball.js";

/**
 * `npm pack` into a fresh `destination`, then records what it wrote in
 * `manifestFile` (the create command vendors the tarball it names).
 */
export function npmPack(options: { cwd: string; args: readonly string[]; destination: string; manifestFile: string; label: string }): PackedManifest {
  rmSync(options.destination, { recursive: true, force: true });
  mkdirSync(options.destination, { recursive: true });
  const output = execFileSync("npm", ["pack", ...options.args, "--pack-destination", options.destination, "--json", "--silent"], {
    cwd: options.cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  });
  const [packed] = JSON.parse(output) as [PackedManifest];
  const manifest: PackedManifest = { name: packed.name, version: packed.version, filename: packed.filename };
  writeFileSync(options.manifestFile, `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`packed ${manifest.name}@${manifest.version}${options.label} -> ${path.relative(PACKAGE_ROOT, path.join(options.destination, manifest.filename))}`);
  return manifest;
}
