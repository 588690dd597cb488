#!/usr/bin/env node
// Generator benchmark (issue 5, Performance). Never part of `npm test`.
//
//   npm run build && npm ci --prefix bench/.deps     # once: dist/ and @nestjs/cli (pinned there)
//   node bench/generate/run.mjs [--rounds 10] [--keep]
//
// Setup (network, untimed), in one temp dir outside the repository:
//   t/   `trellis create t --yes --no-git --pm npm`: the default project, installed, with the CLI it
//        vendors (node_modules/.bin/trellis) and drizzle-kit;
//   tn/  `trellis create tn --yes --no-install --no-git`: the same project without node_modules;
//   n/   `nest new n --skip-git --package-manager npm` (with its install), then one
//        `nest g resource warmup`, which adds @nestjs/mapped-types and runs npm install: the
//        12 s "first time" of the issue, not measured.
// Then --rounds rounds, each running once, in this order:
//   node -e 0;
//   trellis generate domain orders in t (the project's own CLI: what `npx trellis` and `npm run
//     generate` run), which includes drizzle-kit generate writing the migration;
//   trellis generate domain orders in tn with this checkout's bin: the generator alone (no
//     drizzle-kit installed, so it prints the command instead);
//   the same with TRELLIS_NO_CODE_CACHE=1: ts-morph compiled from scratch, as on a first run;
//   nest g resource orders in n (@nestjs/cli from bench/.deps), REST with CRUD, the defaults it
//     takes without a TTY.
// Wall time is measured here around the spawn (CI=1, stdin not a TTY); CPU time (user + system, the
// command and the children it waited for) by /usr/bin/time, which a busy machine inflates far less. After each command the
// project is put back as it was (files outside node_modules compared with a snapshot), untimed,
// so every round generates into the same starting state. Each command must exit 0 and write
// its module's files.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "../lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const NEST = join(ROOT, "bench/.deps/node_modules/.bin/nest");
const { values: opt } = parseArgs({ options: { rounds: { type: "string", default: "10" }, keep: { type: "boolean", default: false } } });
const ROUNDS = Math.min(Number(opt.rounds), 100);

if (!existsSync(join(ROOT, "dist/cli-pack/manifest.json"))) throw new Error("run `npm run build` first");
if (!existsSync(NEST)) throw new Error("missing nest: npm ci --prefix bench/.deps");

const ENV = { ...process.env, CI: "1", NO_COLOR: "1" };
delete ENV.TRELLIS_NO_CODE_CACHE;

const TIME = existsSync("/usr/bin/time") ? "/usr/bin/time" : undefined;

function run(file, args, cwd, { env = ENV, timeout = 900_000, cpu = false } = {}) {
  if (cpu && TIME) [file, args] = [TIME, ["-f", "__cpu %U %S", file, ...args]];
  const r = spawnSync(file, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${file} ${args.join(" ")} in ${cwd} exited ${r.status}:\n${(r.stdout ?? "").slice(-1500)}\n${(r.stderr ?? "").slice(-1500)}`);
  const times = /__cpu ([\d.]+) ([\d.]+)/.exec(r.stderr ?? "");
  return { stdout: r.stdout, cpu: times ? Number(times[1]) + Number(times[2]) : NaN };
}

/** Every file outside node_modules, with its bytes. */
function snapshot(dir, base = dir, files = new Map()) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) snapshot(path, base, files);
    else files.set(relative(base, path), readFileSync(path));
  }
  return files;
}

/** Back to the snapshot: new files and directories go, changed files get their old bytes. */
function restore(dir, saved) {
  const now = snapshot(dir);
  for (const [file, bytes] of now) {
    const old = saved.get(file);
    if (old === undefined) rmSync(join(dir, file));
    else if (!old.equals(bytes)) writeFileSync(join(dir, file), old);
  }
  for (const [file, bytes] of saved) if (!now.has(file)) (mkdirSync(dirname(join(dir, file)), { recursive: true }), writeFileSync(join(dir, file), bytes));
  const prune = (path) => {
    for (const entry of readdirSync(path, { withFileTypes: true })) if (entry.isDirectory() && entry.name !== "node_modules") prune(join(path, entry.name));
    if (path !== dir && readdirSync(path).length === 0) rmdirSync(path);
  };
  prune(dir);
}

const base = mkdtempSync(join(os.tmpdir(), "bench-generate-"));
const T = join(base, "t");
const TN = join(base, "tn");
const N = join(base, "n");
const trellisBin = join(ROOT, "bin/trellis.js");
console.error(`setup in ${base} (installs: a few minutes)`);
run(process.execPath, [trellisBin, "create", T, "--yes", "--no-git", "--pm", "npm"], base);
run(process.execPath, [trellisBin, "create", TN, "--yes", "--no-install", "--no-git"], base);
run(NEST, ["new", "n", "--skip-git", "--package-manager", "npm"], base);
run(NEST, ["g", "resource", "warmup"], N);
const versions = {
  nestCli: JSON.parse(readFileSync(join(ROOT, "bench/.deps/node_modules/@nestjs/cli/package.json"), "utf8")).version,
  nestSchematics: JSON.parse(readFileSync(join(N, "node_modules/@nestjs/schematics/package.json"), "utf8")).version,
  drizzleKit: JSON.parse(readFileSync(join(T, "node_modules/drizzle-kit/package.json"), "utf8")).version,
  tsMorph: JSON.parse(readFileSync(join(T, "node_modules/ts-morph/package.json"), "utf8")).version,
};

const TOOLS = [
  { key: "node", label: "node -e 0", cwd: TN, cmd: [process.execPath, "-e", "0"] },
  { key: "full", label: "trellis generate domain orders (installed project: vendored CLI + drizzle-kit migration)", cwd: T, cmd: [join(T, "node_modules/.bin/trellis"), "generate", "domain", "orders"], out: "src/domains/orders/router.ts" },
  { key: "gen", label: "trellis generate domain orders (generator alone, project without node_modules)", cwd: TN, cmd: [process.execPath, trellisBin, "generate", "domain", "orders"], out: "src/domains/orders/router.ts" },
  { key: "cold", label: "the same, TRELLIS_NO_CODE_CACHE=1 (ts-morph compiled from scratch)", cwd: TN, cmd: [process.execPath, trellisBin, "generate", "domain", "orders"], env: { ...ENV, TRELLIS_NO_CODE_CACHE: "1" }, out: "src/domains/orders/router.ts" },
  { key: "nest", label: `nest g resource orders (REST, CRUD; @nestjs/cli ${versions.nestCli})`, cwd: N, cmd: [NEST, "g", "resource", "orders"], out: "src/orders/orders.controller.ts" },
];
const snapshots = new Map([TN, T, N].map((dir) => [dir, snapshot(dir)]));

function timeOnce(tool) {
  const start = performance.now();
  const { cpu } = run(tool.cmd[0], tool.cmd.slice(1), tool.cwd, { env: tool.env ?? ENV, timeout: 120_000, cpu: true });
  const wall = (performance.now() - start) / 1000;
  if (tool.out && !existsSync(join(tool.cwd, tool.out))) throw new Error(`${tool.label} did not write ${tool.out}`);
  restore(tool.cwd, snapshots.get(tool.cwd));
  return { wall, cpu };
}


try {
  // One unmeasured pass: the page cache, and trellis's code cache in t/ (written on its first run).
  for (const tool of TOOLS) timeOnce(tool);
  const loadBefore = os.loadavg();
  const samples = Object.fromEntries(TOOLS.map((t) => [t.key, []]));
  for (let i = 0; i < ROUNDS; i++) for (const tool of TOOLS) samples[tool.key].push(timeOnce(tool));
  const loadAfter = os.loadavg();

  console.log(`\n### Generators, ${new Date().toISOString()}`);
  console.log(`\n${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; ${ROUNDS} rounds after one warm-up pass, one run of each command per round, alternating; ts-morph ${versions.tsMorph}, drizzle-kit ${versions.drizzleKit}, @nestjs/cli ${versions.nestCli} with the project's @nestjs/schematics ${versions.nestSchematics}; load average before ${loadBefore.map((x) => x.toFixed(2)).join(" ")}, after ${loadAfter.map((x) => x.toFixed(2)).join(" ")}.\n`);
  console.log("| command | median wall (s) | min wall (s) | median CPU (s) | all wall (s) |");
  console.log("|---|---:|---:|---:|---|");
  for (const tool of TOOLS) {
    const walls = samples[tool.key].map((x) => x.wall);
    const cpus = samples[tool.key].map((x) => x.cpu);
    console.log(`| ${tool.label} | ${median(walls).toFixed(3)} | ${Math.min(...walls).toFixed(3)} | ${median(cpus).toFixed(2)} | ${walls.map((x) => x.toFixed(2)).join(", ")} |`);
  }
  const m = (key) => median(samples[key].map((x) => x.wall));
  const c = (key) => median(samples[key].map((x) => x.cpu));
  console.log(`\nBy CPU time: nest / trellis generator ${(c("nest") / c("gen")).toFixed(2)}, nest / trellis with its migration ${(c("nest") / c("full")).toFixed(2)}.`);
  console.log(`\nnest / trellis generator: ${(m("nest") / m("gen")).toFixed(2)} (target >= 3); nest / trellis with its migration: ${(m("nest") / m("full")).toFixed(2)}; drizzle-kit's share (full - generator alone): ${(m("full") - m("gen")).toFixed(3)} s.`);
} finally {
  if (opt.keep) console.error(`kept ${base}`);
  else rmSync(base, { recursive: true, force: true });
}
