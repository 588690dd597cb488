#!/usr/bin/env node
// Scaffolder benchmark (issue 4, Performance). Never part of `npm test`.
//
//   npm run build && npm ci --prefix bench/.deps     # once: dist/ and create-vite, @nestjs/cli
//   node bench/create/run.mjs [--runs 15] [--skip-cold] [--cold-runs 3]
//
// 1. Wall time and peak RSS of `trellis create x --yes --no-install --no-git`, `create-vite x
//    --template vanilla-ts`, `nest new x --skip-install --skip-git --package-manager npm` (without
//    --package-manager nest prompts, and fails when stdin is not a TTY) and `node -e 0`, each run
//    --runs times, alternating, each into a fresh empty temp dir. Peak RSS from /usr/bin/time -v
//    (max over the process tree it waits for); wall time measured here around the spawn.
//    Every command runs under `unshare -n` (an empty network namespace) when that is allowed, so
//    none can reach the network; the table says whether it was.
// 2. Cold start of a generated app: `trellis create` WITH install (npm; network, untimed) into
//    a temp dir outside the repo, `npm run build`, then time from spawning `node dist/server.js`
//    to the first 200 on GET /health: with no PGlite data dir (initdb runs) and on a later start
//    over the same data dir, alternating, --cold-runs of each.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { median } from "../lib/stats.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const BIN = join(ROOT, "bench/.deps/node_modules/.bin");
const { values: opt } = parseArgs({
  options: {
    runs: { type: "string", default: "15" },
    "skip-cold": { type: "boolean", default: false },
    "cold-runs": { type: "string", default: "3" },
    port: { type: "string", default: "3937" },
  },
});
const RUNS = Math.min(Number(opt.runs), 100);
const COLD_RUNS = Math.min(Number(opt["cold-runs"]), 10);
const PORT = Number(opt.port);

if (!existsSync(join(ROOT, "dist/cli/main.js")) && !existsSync(join(ROOT, "dist/cli"))) throw new Error("run `npm run build` first");
for (const b of ["create-vite", "nest"]) if (!existsSync(join(BIN, b))) throw new Error(`missing ${b}: npm ci --prefix bench/.deps`);

const ISOLATE = spawnSync("unshare", ["-n", "true"]).status === 0;

const TOOLS = [
  { key: "node", label: "node -e 0", cmd: (dir) => [process.execPath, "-e", "0"] },
  { key: "trellis", label: "trellis create --yes --no-install --no-git", cmd: (dir) => [process.execPath, join(ROOT, "bin/trellis.js"), "create", join(dir, "x"), "--yes", "--no-install", "--no-git"], out: "x/package.json" },
  { key: "vite", label: "create-vite --template vanilla-ts", cmd: (dir) => [join(BIN, "create-vite"), "x", "--template", "vanilla-ts"], out: "x/package.json" },
  { key: "nest", label: "nest new --skip-install --skip-git --package-manager npm", cmd: (dir) => [join(BIN, "nest"), "new", "x", "--skip-install", "--skip-git", "--package-manager", "npm"], out: "x/package.json" },
];

function timeOnce(tool) {
  const dir = mkdtempSync(join(os.tmpdir(), `bench-create-${tool.key}-`));
  try {
    const argv = ["-v", ...tool.cmd(dir)];
    const [file, args] = ISOLATE ? ["unshare", ["-n", "/usr/bin/time", ...argv]] : ["/usr/bin/time", argv];
    // CI=1 and no TTY on stdin: each tool must take its non-interactive path.
    const env = { ...process.env, CI: "1", npm_config_user_agent: "npm/10 node/v20" };
    const start = performance.now();
    const r = spawnSync(file, args, { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 60_000 });
    const wall = (performance.now() - start) / 1000;
    if (r.status !== 0) throw new Error(`${tool.label} exited ${r.status}: ${r.stderr.slice(-500)}`);
    if (tool.out && !existsSync(join(dir, tool.out))) throw new Error(`${tool.label} did not write ${tool.out}`);
    const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
    return { wall, rssMb: rssKb / 1024 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}


const loadBefore = os.loadavg();
const samples = Object.fromEntries(TOOLS.map((t) => [t.key, []]));
for (const t of TOOLS) timeOnce(t); // warm the page cache once for each
for (let i = 0; i < RUNS; i++) for (const t of TOOLS) samples[t.key].push(timeOnce(t));
const loadAfter = os.loadavg();

console.log(`\n### Scaffolders, ${new Date().toISOString()}`);
console.log(`\n${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; ${RUNS} runs each after one warm-up run, alternating; ${ISOLATE ? "each under unshare -n (no network)" : "network NOT isolated (unshare -n refused)"}; load average before ${loadBefore.map((x) => x.toFixed(2)).join(" ")}, after ${loadAfter.map((x) => x.toFixed(2)).join(" ")}.\n`);
console.log("| command | median wall (s) | min wall (s) | median peak RSS (MB) |");
console.log("|---|---:|---:|---:|");
for (const t of TOOLS) {
  const xs = samples[t.key];
  console.log(`| ${t.label} | ${median(xs.map((x) => x.wall)).toFixed(3)} | ${Math.min(...xs.map((x) => x.wall)).toFixed(3)} | ${median(xs.map((x) => x.rssMb)).toFixed(1)} |`);
}
const m = (k) => median(samples[k].map((x) => x.wall));
console.log(`\ntrellis / create-vite: ${(m("trellis") / m("vite")).toFixed(2)} (target <= 2); nest new / trellis: ${(m("nest") / m("trellis")).toFixed(2)} (target >= 6).`);

// ---------------------------------------------------------------- cold start
function health() {
  return new Promise((res) => {
    const req = request({ host: "127.0.0.1", port: PORT, path: "/health", timeout: 500, agent: false }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

async function startOnce(appDir) {
  const env = { ...process.env, NODE_ENV: "production", HOST: "127.0.0.1", PORT: String(PORT), LOG_LEVEL: "warn", SECRET_KEY: randomBytes(32).toString("hex") };
  delete env.DATABASE_URL;
  const start = performance.now();
  const child = spawn(process.execPath, ["dist/server.js"], { cwd: appDir, env, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => (stderr += d));
  try {
    const deadline = start + 60_000;
    // Polled every 5 ms: the figure's resolution, small beside a start of hundreds of ms.
    while (performance.now() < deadline) {
      if (child.exitCode !== null) throw new Error(`app exited ${child.exitCode}: ${stderr.slice(-800)}`);
      if (await health()) return (performance.now() - start) / 1000;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error("no 200 on /health within 60 s");
  } finally {
    child.kill("SIGTERM");
    await new Promise((r) => (child.exitCode !== null ? r() : child.once("exit", r)));
  }
}

if (!opt["skip-cold"]) {
  const base = mkdtempSync(join(os.tmpdir(), "bench-coldstart-"));
  const appDir = join(base, "app");
  try {
    const c = spawnSync(process.execPath, [join(ROOT, "bin/trellis.js"), "create", appDir, "--yes", "--no-git", "--pm", "npm"], { stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 600_000, env: { ...process.env, CI: "1" } });
    if (c.status !== 0) throw new Error(`create with install failed: ${c.stdout.slice(-500)} ${c.stderr.slice(-1500)}`);
    const b = spawnSync("npm", ["run", "build"], { cwd: appDir, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8", timeout: 300_000 });
    if (b.status !== 0) throw new Error(`npm run build failed: ${b.stdout.slice(-1500)}`);
    const fresh = [];
    const again = [];
    for (let i = 0; i < COLD_RUNS; i++) {
      rmSync(join(appDir, ".data"), { recursive: true, force: true });
      fresh.push(await startOnce(appDir));
      again.push(await startOnce(appDir));
    }
    console.log(`\n### Cold start of a generated app (PGlite), ${new Date().toISOString()}`);
    console.log(`\nProcess spawn (node dist/server.js, NODE_ENV=production) to first 200 on GET /health, polled every 5 ms; ${COLD_RUNS} pairs; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}.\n`);
    console.log("| start | median (s) | min (s) | all (s) |");
    console.log("|---|---:|---:|---|");
    console.log(`| fresh data dir (initdb) | ${median(fresh).toFixed(3)} | ${Math.min(...fresh).toFixed(3)} | ${fresh.map((x) => x.toFixed(3)).join(", ")} |`);
    console.log(`| second start, same data dir | ${median(again).toFixed(3)} | ${Math.min(...again).toFixed(3)} | ${again.map((x) => x.toFixed(3)).join(", ")} |`);
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}
