#!/usr/bin/env node
// On-demand HTTP benchmark: the same three endpoints served by the trellis
// runtime, Express 5 + zod, Fastify 5 and raw node:http, measured in one run,
// alternating between servers. Never part of `npm test`.
//
//   node bench/run.mjs [--duration 10] [--warmup 5] [--rounds 3] [--connections 50]
//                      [--servers trellis,express,fastify,raw] [--endpoints health,create,read]
//                      [--tool wrk|autocannon] [--server-cpu 0] [--load-cpu 1]
//                      [--max-interference 5] [--retries 2] [--out FILE]
//
// Every flag also reads an environment variable (BENCH_DURATION, BENCH_WARMUP,
// BENCH_ROUNDS, ...); a flag wins over the variable. See docs/benchmarks.md.

import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createServer } from "node:net";
import os from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const HOST = "127.0.0.1";
// Resolves packages as the servers do: bench/node_modules, then the root node_modules.
const require = createRequire(import.meta.url);

const SERVERS = [
  { key: "trellis", label: "trellis runtime", file: "bench/servers/trellis.ts", needs: ["zod"] },
  { key: "express", label: "Express 5 + zod", file: "bench/servers/express.ts", needs: ["express", "zod"] },
  { key: "fastify", label: "Fastify 5 (JSON schema)", file: "bench/servers/fastify.ts", needs: ["fastify"] },
  { key: "raw", label: "raw node:http", file: "bench/servers/raw.ts", needs: [] },
];

const CREATE_BODY = JSON.stringify({ email: "ada@example.com", password: "correct-horse-battery", full_name: "Ada Lovelace" });

const ENDPOINTS = [
  { key: "health", label: "GET /health", method: "GET", path: "/health" },
  { key: "create", label: "POST /api/v1/users", method: "POST", path: "/api/v1/users", body: CREATE_BODY },
  { key: "read", label: "GET /api/v1/users/42", method: "GET", path: "/api/v1/users/42" },
];

const WRK_INSTALL_HINT =
  "wrk is not installed. The published figures use wrk; install it with `sudo apt-get install -y wrk` " +
  "(Debian/Ubuntu), `sudo dnf install wrk` (Fedora) or `brew install wrk` (macOS).";

// ---------------------------------------------------------------- options

function readOptions() {
  const { values } = parseArgs({
    options: {
      duration: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      connections: { type: "string" },
      servers: { type: "string" },
      endpoints: { type: "string" },
      tool: { type: "string" },
      "server-cpu": { type: "string" },
      "load-cpu": { type: "string" },
      "max-interference": { type: "string" },
      retries: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    console.log(readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 12).join("\n").replace(/^\/\/ ?/gm, ""));
    process.exit(0);
  }
  const pick = (flag, env, fallback) => values[flag] ?? process.env[env] ?? fallback;
  const int = (flag, env, fallback, min) => {
    const raw = pick(flag, env, String(fallback));
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min) fail(`--${flag} (${env}) must be an integer >= ${min}, got ${JSON.stringify(raw)}`);
    return n;
  };
  const list = (flag, env, known) => {
    const raw = pick(flag, env, known.map((k) => k.key).join(","));
    const keys = raw.split(",").map((s) => s.trim()).filter(Boolean);
    for (const k of keys) {
      if (!known.some((x) => x.key === k)) fail(`--${flag}: unknown ${JSON.stringify(k)}; expected some of ${known.map((x) => x.key).join(",")}`);
    }
    if (keys.length === 0) fail(`--${flag} is empty`);
    return known.filter((x) => keys.includes(x.key));
  };
  const tool = pick("tool", "BENCH_TOOL", "auto");
  if (!["auto", "wrk", "autocannon"].includes(tool)) fail(`--tool must be wrk or autocannon, got ${JSON.stringify(tool)}`);
  return {
    duration: int("duration", "BENCH_DURATION", 10, 1),
    warmup: int("warmup", "BENCH_WARMUP", 5, 0),
    rounds: int("rounds", "BENCH_ROUNDS", 3, 1),
    connections: int("connections", "BENCH_CONNECTIONS", 50, 1),
    servers: list("servers", "BENCH_SERVERS", SERVERS),
    endpoints: list("endpoints", "BENCH_ENDPOINTS", ENDPOINTS),
    tool,
    serverCpu: int("server-cpu", "BENCH_SERVER_CPU", 0, 0),
    loadCpu: int("load-cpu", "BENCH_LOAD_CPU", 1, 0),
    maxInterference: int("max-interference", "BENCH_MAX_INTERFERENCE", 5, 0),
    retries: int("retries", "BENCH_RETRIES", 2, 0),
    out: resolve(ROOT, pick("out", "BENCH_OUT", "bench/results/latest.md")),
  };
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- environment

function commandExists(cmd) {
  return spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
}

function chooseTool(requested) {
  const hasWrk = commandExists("wrk");
  let autocannonPath;
  try {
    autocannonPath = require.resolve("autocannon/autocannon.js");
  } catch {
    autocannonPath = undefined;
  }
  if (requested === "wrk" && !hasWrk) fail(WRK_INSTALL_HINT);
  if (requested === "wrk" || (requested === "auto" && hasWrk)) {
    const banner = spawnSync("wrk", ["-v"], { encoding: "utf8" });
    const version = `${banner.stdout}${banner.stderr}`.split("\n")[0]?.replace(/\s+Copyright.*$/, "").trim() || "wrk";
    return { name: "wrk", version };
  }
  if (requested === "auto") {
    console.warn(`bench: ${WRK_INSTALL_HINT}`);
    console.warn("bench: falling back to autocannon; a Node client saturates before wrk does, so fast servers read lower.");
  }
  if (!autocannonPath) {
    fail("autocannon is not installed: `npm install` (it is a devDependency) or `npm install --no-save autocannon@9.0.0`.");
  }
  return { name: "autocannon", version: `autocannon ${packageVersion("autocannon")}`, path: autocannonPath };
}

function choosePinning(opts) {
  const cores = os.availableParallelism();
  if (!commandExists("taskset")) {
    console.warn("bench: taskset not found (util-linux); running unpinned, figures are not comparable to pinned runs.");
    return undefined;
  }
  if (cores < 2 || opts.serverCpu === opts.loadCpu || Math.max(opts.serverCpu, opts.loadCpu) >= cores) {
    console.warn(`bench: need two distinct CPUs below ${cores} for server (${opts.serverCpu}) and load (${opts.loadCpu}); running unpinned.`);
    return undefined;
  }
  // The runner itself only checks responses and waits; keep it off the server's CPU.
  spawnSync("taskset", ["-a", "-cp", String(opts.loadCpu), String(process.pid)], { stdio: "ignore" });
  return { server: opts.serverCpu, load: opts.loadCpu };
}

function packageVersion(name) {
  try {
    return JSON.parse(readFileSync(require.resolve(`${name}/package.json`), "utf8")).version;
  } catch {
    return "not installed";
  }
}

function machineInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  try {
    const line = readFileSync("/proc/cpuinfo", "utf8").split("\n").find((l) => l.startsWith("model name"));
    if (line) cpu = line.slice(line.indexOf(":") + 1).trim();
  } catch {
    // not Linux: os.cpus() is the fallback
  }
  const git = (args) => spawnSync("git", args, { cwd: ROOT, encoding: "utf8" }).stdout?.trim() ?? "";
  const runtimeDirty = git(["status", "--porcelain", "--", "src/runtime"]) !== "";
  return {
    date: new Date().toISOString(),
    cpu,
    cores: os.cpus().length,
    memory: `${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    loadAtStart: os.loadavg().map((x) => x.toFixed(2)).join(" "),
    commit: `${git(["rev-parse", "--short", "HEAD"]) || "unknown"}${runtimeDirty ? " + uncommitted runtime changes" : ""}`,
    versions: {
      express: packageVersion("express"),
      zod: packageVersion("zod"),
      fastify: packageVersion("fastify"),
      tsx: packageVersion("tsx"),
      "@trellis/runtime": JSON.parse(readFileSync(join(ROOT, "src/runtime/package.json"), "utf8")).version + " (sources)",
    },
  };
}

// ---------------------------------------------------------------- HTTP helpers

function freePort() {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.on("error", reject);
    srv.listen(0, HOST, () => {
      const { port } = srv.address();
      srv.close(() => resolvePort(port));
    });
  });
}

/** One request on a fresh connection; resolves {status, headers, text}. */
function httpCall(port, method, path, { body, contentType = "application/json" } = {}) {
  return new Promise((resolveCall, reject) => {
    const headers = { connection: "close" };
    if (body !== undefined) {
      headers["content-type"] = contentType;
      headers["content-length"] = Buffer.byteLength(body);
    }
    const req = request({ host: HOST, port, method, path, headers, agent: false, timeout: 5000 }, (res) => {
      const chunks = [];
      res.on("data", (c) => chunks.push(c));
      res.on("end", () => resolveCall({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${path}: no response within 5 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------- correctness

/** JSON with object keys sorted, to compare bodies regardless of key order. */
function canonical(value) {
  return JSON.stringify(value, (_k, v) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => a.localeCompare(b))) : v,
  );
}

const USER_KEYS = "created_at,email,full_name,id,is_active";

/**
 * Checks a server's answers (status codes and bodies) before it is measured,
 * so that a broken server cannot post a fast figure. Returns the failures.
 */
async function verifyServer(port) {
  const failures = [];
  const check = async (name, method, path, opts, expectStatus, inspect) => {
    let res;
    try {
      res = await httpCall(port, method, path, opts);
    } catch (err) {
      failures.push(`${name}: ${err.message}`);
      return undefined;
    }
    const statuses = Array.isArray(expectStatus) ? expectStatus : [expectStatus];
    if (!statuses.includes(res.status)) {
      failures.push(`${name}: expected status ${statuses.join(" or ")}, got ${res.status} ${res.text.slice(0, 200)}`);
      return undefined;
    }
    if (!String(res.headers["content-type"] ?? "").startsWith("application/json")) {
      failures.push(`${name}: expected a JSON content-type, got ${JSON.stringify(res.headers["content-type"])}`);
      return undefined;
    }
    let json;
    try {
      json = JSON.parse(res.text);
    } catch {
      failures.push(`${name}: body is not JSON: ${res.text.slice(0, 200)}`);
      return undefined;
    }
    const problem = inspect?.(json);
    if (problem) failures.push(`${name}: ${problem}; body ${res.text.slice(0, 300)}`);
    return json;
  };
  const exactly = (expected) => (json) => (canonical(json) === canonical(expected) ? undefined : `expected ${canonical(expected)}`);
  const createdUser = (email, fullName) => (json) => {
    if (json === null || typeof json !== "object" || Array.isArray(json)) return "expected an object";
    const keys = Object.keys(json).sort().join(",");
    if (keys !== USER_KEYS) return `expected exactly the keys ${USER_KEYS} (no password), got ${keys}`;
    if (!Number.isInteger(json.id) || json.id < 1) return "id must be a positive integer";
    if (json.email !== email) return `email must be ${email}`;
    if (json.full_name !== fullName) return `full_name must be ${JSON.stringify(fullName)}`;
    if (json.is_active !== true) return "is_active must be true";
    if (typeof json.created_at !== "string" || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/.test(json.created_at) || Number.isNaN(Date.parse(json.created_at))) {
      return "created_at must be an ISO date-time";
    }
    return undefined;
  };
  const hasDetail = (json) => (json && typeof json === "object" && "detail" in json ? undefined : 'expected a "detail" member');
  const post = (body) => ({ body: JSON.stringify(body) });

  await check("GET /health", "GET", "/health", {}, 200, exactly({ status: "healthy", version: "0.1.0" }));

  const first = await check("POST user", "POST", "/api/v1/users", { body: CREATE_BODY }, 201, createdUser("ada@example.com", "Ada Lovelace"));
  const second = await check("POST user again", "POST", "/api/v1/users", { body: CREATE_BODY }, 201, createdUser("ada@example.com", "Ada Lovelace"));
  if (first && second && first.id === second.id) failures.push("POST user: two creations returned the same id");
  await check("POST user without full_name", "POST", "/api/v1/users", post({ email: "bob@example.com", password: "12345678" }), 201, createdUser("bob@example.com", null));
  await check("POST invalid email", "POST", "/api/v1/users", post({ email: "not-an-email", password: "12345678" }), 422, hasDetail);
  await check("POST short password", "POST", "/api/v1/users", post({ email: "c@example.com", password: "1234567" }), 422, hasDetail);
  await check("POST long password", "POST", "/api/v1/users", post({ email: "c@example.com", password: "x".repeat(129) }), 422, hasDetail);
  await check("POST missing password", "POST", "/api/v1/users", post({ email: "c@example.com" }), 422, hasDetail);
  // No check that a number is refused as full_name: Fastify's default Ajv options coerce scalars
  // (7 becomes "7"), which is Fastify's documented behaviour, not a broken server.
  await check("POST array body", "POST", "/api/v1/users", post([1, 2]), 422, hasDetail);
  await check("POST malformed JSON", "POST", "/api/v1/users", { body: '{"email": ' }, [400, 422], hasDetail);

  await check("GET user 42", "GET", "/api/v1/users/42", {}, 200, exactly({
    id: 42, email: "user42@example.com", full_name: "User 42", is_active: true, created_at: "2024-01-01T00:00:00.000Z",
  }));
  await check("GET user 7", "GET", "/api/v1/users/7", {}, 200, (json) => (json?.id === 7 && !("hashed_password" in json) ? undefined : "expected id 7 and no hashed_password"));
  await check("GET user abc", "GET", "/api/v1/users/abc", {}, 422, hasDetail);
  await check("GET user 1.5", "GET", "/api/v1/users/1.5", {}, 422, hasDetail);
  await check("GET unknown route", "GET", "/no-such-route", {}, 404);
  return failures;
}

// ---------------------------------------------------------------- processes

const activeChildren = new Set();

function track(child) {
  activeChildren.add(child);
  child.once("exit", () => activeChildren.delete(child));
  return child;
}

function pinned(cpu, cmd, args) {
  return cpu === undefined ? [cmd, args] : ["taskset", ["-c", String(cpu), cmd, ...args]];
}

async function startServer(server, pin) {
  const port = await freePort();
  const [cmd, args] = pinned(pin?.server, process.execPath, ["--import", "tsx", server.file]);
  const child = track(spawn(cmd, args, {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), NODE_ENV: "production" },
    stdio: ["ignore", "pipe", "pipe"],
  }));
  let output = "";
  const keep = (chunk) => {
    output = (output + chunk.toString("utf8")).slice(-8000);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${server.key} exited during start-up (code ${child.exitCode ?? child.signalCode}):\n${output.trim()}`);
    }
    try {
      const res = await httpCall(port, "GET", "/health");
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stopServer(child);
      throw new Error(`${server.key} did not answer GET /health within 30 s:\n${output.trim()}`);
    }
    await sleep(100);
  }
  return { child, port, output: () => output };
}

async function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
  await exited;
  clearTimeout(timer);
}

function runTool(args, env, onSpawn) {
  return new Promise((resolveRun, reject) => {
    const [cmd, rest] = args;
    const child = track(spawn(cmd, rest, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] }));
    onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c) => (stdout += c));
    child.stderr.on("data", (c) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolveRun(stdout);
      else reject(new Error(`${cmd} ${rest.join(" ")} exited with ${code}: ${stderr.trim() || stdout.trim()}`));
    });
  });
}

/** Runs the load generator once; resolves {rps, p50Ms, p99Ms, requests, errors}. */
async function load(tool, pin, port, endpoint, seconds, connections, onSpawn) {
  const url = `http://${HOST}:${port}${endpoint.path}`;
  if (tool.name === "wrk") {
    const wrkArgs = ["-t1", `-c${connections}`, `-d${seconds}s`, "--timeout", "5s", "-s", "bench/wrk/bench.lua", url];
    const stdout = await runTool(pinned(pin?.load, "wrk", wrkArgs), { BENCH_METHOD: endpoint.method, BENCH_BODY: endpoint.body ?? "" }, onSpawn);
    const line = stdout.split("\n").find((l) => l.startsWith("BENCH_JSON "));
    if (!line) throw new Error(`wrk printed no result line:\n${stdout}`);
    const r = JSON.parse(line.slice("BENCH_JSON ".length));
    return {
      rps: r.requests / (r.duration_us / 1e6),
      p50Ms: r.p50_us / 1000,
      p99Ms: r.p99_us / 1000,
      requests: r.requests,
      errors: r.connect_errors + r.read_errors + r.write_errors + r.status_errors + r.timeouts,
      errorDetail: `connect ${r.connect_errors}, read ${r.read_errors}, write ${r.write_errors}, non-2xx/3xx ${r.status_errors}, timeouts ${r.timeouts}`,
    };
  }
  const acArgs = [tool.path, "-c", String(connections), "-d", String(seconds), "-t", "5", "-j", "-n"];
  if (endpoint.body !== undefined) acArgs.push("-m", endpoint.method, "-H", "content-type=application/json", "-b", endpoint.body);
  else acArgs.push("-m", endpoint.method);
  acArgs.push(url);
  const stdout = await runTool(pinned(pin?.load, process.execPath, acArgs), {}, onSpawn);
  const r = JSON.parse(stdout.slice(stdout.indexOf("{")));
  const non2xx = r.non2xx ?? 0;
  return {
    rps: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: (r.errors ?? 0) + (r.timeouts ?? 0) + non2xx,
    errorDetail: `errors ${r.errors ?? 0}, timeouts ${r.timeouts ?? 0}, non-2xx ${non2xx}`,
  };
}

// ---------------------------------------------------------------- interference

/** Clock ticks spent in user and system mode on one CPU (/proc/stat) and the steal ticks. */
function cpuTicks(cpu) {
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`cpu${cpu} `));
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1, 9).map(Number);
  return { busy: user + nice + system, total: user + nice + system + idle + iowait + irq + softirq + steal, steal };
}

/** User + system clock ticks of a process, all threads (/proc/<pid>/stat fields 14 and 15). */
function processTicks(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(fields[11]) + Number(fields[12]);
}

/**
 * One reading of both pinned CPUs and of the processes that belong on them:
 * the server on the server CPU, the load generator and this runner on the
 * load CPU. Between two readings, the rest of each CPU's busy time (plus the
 * hypervisor's steal) is what other processes took: the figure that says
 * whether a sample was disturbed. undefined where /proc cannot be read.
 */
function cpuSnapshot(pin, serverPid, loadPid) {
  try {
    return {
      server: cpuTicks(pin.server),
      load: cpuTicks(pin.load),
      serverOwn: processTicks(serverPid),
      loadOwn: processTicks(loadPid) + processTicks(process.pid),
    };
  } catch {
    return undefined;
  }
}

/** Share (%) of each pinned CPU that other processes or the hypervisor took between two snapshots. */
function foreignCpuPct(a, b) {
  if (!a || !b) return undefined;
  const pct = (x, y, own) => {
    if (y.total <= x.total) return undefined;
    return (100 * (Math.max(0, y.busy - x.busy - own) + (y.steal - x.steal))) / (y.total - x.total);
  };
  const server = pct(a.server, b.server, b.serverOwn - a.serverOwn);
  const load = pct(a.load, b.load, b.loadOwn - a.loadOwn);
  return server === undefined || load === undefined ? undefined : { server, load };
}

/**
 * Runs one measurement and reads the CPUs 0.3 s after the load generator
 * starts and 0.3 s before it ends, while every process involved is alive.
 */
async function measure(tool, pin, running, endpoint, opts) {
  if (!pin) return { ...(await load(tool, pin, running.port, endpoint, opts.duration, opts.connections)), foreign: undefined };
  let first;
  let last;
  const timers = [];
  const r = await load(tool, pin, running.port, endpoint, opts.duration, opts.connections, (child) => {
    const margin = Math.min(300, (opts.duration * 1000) / 4);
    timers.push(setTimeout(() => (first = cpuSnapshot(pin, running.child.pid, child.pid)), margin));
    timers.push(setTimeout(() => (last = cpuSnapshot(pin, running.child.pid, child.pid)), opts.duration * 1000 - margin));
  });
  for (const t of timers) clearTimeout(t);
  return { ...r, foreign: foreignCpuPct(first, last) };
}

const fmtPct = (x) => (x === undefined ? "–" : `${x.toFixed(1)} %`);
const fmtForeign = (f) => (f === undefined ? "–" : `${fmtPct(f.server)} / ${fmtPct(f.load)}`);

// ---------------------------------------------------------------- report

const median = (xs) => {
  if (xs.length === 0) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmtRps = (x) => (x === undefined ? "–" : Math.round(x).toLocaleString("en-US"));
const fmtMs = (x) => (x === undefined ? "–" : x < 10 ? x.toFixed(2) : x.toFixed(1));
const fmtRatio = (a, b) => (a === undefined || b === undefined || b === 0 ? "–" : `${(a / b).toFixed(2)}×`);

function summarise(samples, opts) {
  const out = {};
  for (const s of opts.servers) {
    out[s.key] = {};
    for (const e of opts.endpoints) {
      const all = samples.filter((x) => x.server === s.key && x.endpoint === e.key);
      const ok = all.filter((x) => x.valid);
      // Disturbed rounds count only when no undisturbed round is left.
      const clean = ok.filter((x) => !x.disturbed);
      const used = clean.length > 0 ? clean : ok;
      out[s.key][e.key] = {
        rounds: all.length,
        valid: ok.length,
        used: used.length,
        disturbedOnly: clean.length === 0 && ok.length > 0,
        rps: median(used.map((x) => x.rps)),
        p99Ms: median(used.map((x) => x.p99Ms)),
        rpsAll: all.map((x) => {
          const tries = x.attempts > 1 ? `, try ${x.attempts}` : "";
          if (!x.valid) return `(${fmtRps(x.rps)} invalid${tries})`;
          if (x.disturbed) return `(${fmtRps(x.rps)} disturbed${tries})`;
          return tries ? `${fmtRps(x.rps)} (try ${x.attempts})` : fmtRps(x.rps);
        }),
        p99All: all.map((x) => fmtMs(x.p99Ms)),
        foreignAll: all.map((x) => fmtForeign(x.foreign)),
      };
    }
  }
  return out;
}

function renderMarkdown({ info, opts, tool, pin, samples, broken }) {
  const summary = summarise(samples, opts);
  const L = [];
  L.push("# trellis HTTP benchmark: latest run", "");
  L.push(`Generated by \`node bench/run.mjs\` on ${info.date}. Method: docs/benchmarks.md.`, "");
  L.push("| | |", "|---|---|");
  L.push(`| machine | ${info.cpu}, ${info.cores} cores, ${info.memory}, ${info.os} |`);
  L.push(`| node | ${info.node} |`);
  L.push(`| load generator | ${tool.version}, 1 ${tool.name === "wrk" ? "thread" : "process"}, ${opts.connections} connections, keep-alive |`);
  L.push(`| pinning | ${pin ? `server on CPU ${pin.server} (\`taskset -c ${pin.server}\`), load generator on CPU ${pin.load}` : "**none** (not comparable to pinned runs)"} |`);
  L.push(`| per measurement | ${opts.warmup} s warm-up, then ${opts.duration} s measured |`);
  L.push(`| rounds | ${opts.rounds}, alternating ${opts.servers.map((s) => s.key).join(" → ")}; each round starts a fresh server process |`);
  L.push(`| versions | ${Object.entries(info.versions).map(([k, v]) => `${k} ${v}`).join(", ")} |`);
  L.push(`| commit | ${info.commit} |`);
  L.push(`| load average before the run | ${info.loadAtStart} (1, 5, 15 min; other work on the machine skews the figures) |`);
  L.push("");
  L.push("## Median over rounds", "");
  L.push(
    "req/s: higher is better. p99: 99th percentile latency in ms, lower is better. " +
      `A measurement where other processes took more than ${opts.maxInterference} % of the server's or the load generator's CPU ` +
      `is disturbed: it is repeated up to ${opts.retries} times, and left out of a median while an undisturbed round remains; ` +
      '"(n/N rounds)" says how many rounds a median rests on, "(disturbed)" that none was clean.',
    "",
  );
  const head = ["server", ...opts.endpoints.flatMap((e) => [`${e.label} req/s`, "p99 ms"])];
  L.push(`| ${head.join(" | ")} |`, `|${head.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`);
  for (const s of opts.servers) {
    if (broken.has(s.key) && summary[s.key][opts.endpoints[0].key].valid === 0) {
      L.push(`| ${s.label} | ${opts.endpoints.map(() => "not measured (see Problems) | –").join(" | ")} |`);
      continue;
    }
    const note = (x) => (x.disturbedOnly ? " (disturbed)" : x.used < opts.rounds ? ` (${x.used}/${opts.rounds} rounds)` : "");
    const cell = (x) => `${fmtRps(x.rps)}${note(x)} | ${fmtMs(x.p99Ms)}`;
    L.push(`| ${s.label} | ${opts.endpoints.map((e) => cell(summary[s.key][e.key])).join(" | ")} |`);
  }
  L.push("");
  const t = summary.trellis;
  if (t) {
    const others = ["express", "fastify"].filter((k) => summary[k]);
    if (others.length > 0) {
      L.push("## Ratios", "");
      L.push("trellis ÷ other, from the medians above: req/s above 1× means trellis serves more; p99 below 1× means trellis answers faster.", "");
      const rh = ["endpoint", ...others.flatMap((k) => [`req/s trellis/${k}`, `p99 trellis/${k}`])];
      L.push(`| ${rh.join(" | ")} |`, `|---|${others.flatMap(() => ["---:", "---:"]).join("|")}|`);
      for (const e of opts.endpoints) {
        L.push(`| ${e.label} | ${others.map((k) => `${fmtRatio(t[e.key].rps, summary[k][e.key].rps)} | ${fmtRatio(t[e.key].p99Ms, summary[k][e.key].p99Ms)}`).join(" | ")} |`);
      }
      L.push("");
    }
  }
  L.push("## Every round", "");
  L.push(
    "Other work: the share of the server's CPU / of the load generator's CPU that other processes (or the hypervisor) took " +
      `during the measurement; above ${opts.maxInterference} % the round counts as disturbed.`,
    "",
  );
  L.push("| server | endpoint | valid rounds | req/s per round | p99 ms per round | other work per round (server / load CPU) |", "|---|---|---:|---|---|---|");
  for (const s of opts.servers) {
    for (const e of opts.endpoints) {
      const x = summary[s.key][e.key];
      L.push(`| ${s.key} | ${e.label} | ${x.valid}/${x.rounds} | ${x.rpsAll.join(", ") || "–"} | ${x.p99All.join(", ") || "–"} | ${x.foreignAll.join(", ") || "–"} |`);
    }
  }
  L.push("");
  const invalid = samples.filter((x) => !x.valid);
  if (broken.size > 0 || invalid.length > 0) {
    L.push("## Problems", "");
    for (const [key, why] of broken) L.push(`- **${key}** not measured from then on: ${why.split("\n").map((l) => l.trim()).filter(Boolean).join(" / ")}`);
    for (const x of invalid) L.push(`- ${x.server} ${x.endpoint} round ${x.round}: excluded from the medians (${x.errorDetail})`);
    L.push("");
  }
  return L.join("\n");
}

// ---------------------------------------------------------------- main

async function main() {
  const opts = readOptions();
  const info = machineInfo(); // before pinning the runner narrows this process's CPU set
  const tool = chooseTool(opts.tool);
  const pin = choosePinning(opts);
  const [load1] = os.loadavg();
  if (load1 > 0.5) {
    console.warn(`bench: the machine is busy (load average ${load1.toFixed(2)} over the last minute); other work skews the figures.`);
  }
  const perServer = opts.endpoints.length * (opts.warmup + opts.duration);
  const estimate = Math.ceil((opts.rounds * opts.servers.length * (perServer + 2)) / 60);
  console.error(
    `bench: ${tool.version}; ${opts.rounds} round(s) × ${opts.servers.length} server(s) × ${opts.endpoints.length} endpoint(s), ` +
      `${opts.warmup} s warm-up + ${opts.duration} s each; about ${estimate} min, more if measurements are repeated.`,
  );

  const samples = [];
  const broken = new Map();
  for (const server of opts.servers) {
    const missing = server.needs.filter((name) => {
      try {
        import.meta.resolve(name);
        return false;
      } catch {
        return true;
      }
    });
    if (missing.length > 0) {
      broken.set(server.key, `not installed: ${missing.join(", ")}; run \`npm install\` (they are devDependencies)`);
      console.error(`bench: ${server.key} skipped: ${broken.get(server.key)}`);
    }
  }
  for (let round = 1; round <= opts.rounds; round++) {
    for (const server of opts.servers) {
      if (broken.has(server.key)) continue;
      let running;
      try {
        running = await startServer(server, pin);
        const failures = await verifyServer(running.port);
        if (failures.length > 0) throw new Error(`round ${round}: wrong responses:\n  ${failures.join("\n  ")}`);
        for (const endpoint of opts.endpoints) {
          if (opts.warmup > 0) await load(tool, pin, running.port, endpoint, opts.warmup, opts.connections);
          // A measurement disturbed by other processes is repeated (the server is warm by now).
          for (let attempt = 0; ; attempt++) {
            const r = await measure(tool, pin, running, endpoint, opts);
            const alive = running.child.exitCode === null && running.child.signalCode === null;
            const valid = alive && r.errors === 0 && r.requests > 0;
            const disturbed = r.foreign !== undefined && Math.max(r.foreign.server, r.foreign.load) > opts.maxInterference;
            const retry = alive && disturbed && attempt < opts.retries;
            const errorDetail = alive ? r.errorDetail : `server exited during the measurement: ${running.output().trim().slice(-500)}`;
            console.error(
              `[round ${round}/${opts.rounds}] ${server.key.padEnd(8)} ${endpoint.label.padEnd(22)} ` +
                `${fmtRps(r.rps).padStart(8)} req/s  p99 ${fmtMs(r.p99Ms).padStart(6)} ms` +
                `${r.foreign === undefined ? "" : `  other work on server/load CPU: ${fmtForeign(r.foreign)}${disturbed ? " (disturbed)" : ""}`}` +
                `${valid ? "" : `  INVALID: ${errorDetail}`}${retry ? "; measuring again" : ""}`,
            );
            if (!alive) throw new Error(`round ${round}: server exited during the measurement`);
            if (retry) {
              await sleep(2000);
              continue;
            }
            samples.push({ round, server: server.key, endpoint: endpoint.key, ...r, attempts: attempt + 1, valid, disturbed, errorDetail });
            break;
          }
        }
      } catch (err) {
        broken.set(server.key, err.message);
        console.error(`bench: ${server.key} disqualified: ${err.message}`);
      } finally {
        if (running) await stopServer(running.child);
      }
    }
  }

  const markdown = renderMarkdown({ info, opts, tool, pin, samples, broken });
  mkdirSync(dirname(opts.out), { recursive: true });
  writeFileSync(opts.out, `${markdown}\n`);
  writeFileSync(opts.out.replace(/\.md$/, "") + ".json", `${JSON.stringify({ info, options: { ...opts, servers: opts.servers.map((s) => s.key), endpoints: opts.endpoints.map((e) => e.key) }, tool, pin, samples, problems: Object.fromEntries(broken) }, null, 2)}\n`);
  console.log(markdown);
  console.error(`bench: written to ${relative(ROOT, opts.out)}`);
  process.exitCode = broken.size > 0 ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    for (const child of activeChildren) child.kill("SIGKILL");
    process.exit(130);
  });
}

main().catch((err) => {
  for (const child of activeChildren) child.kill("SIGKILL");
  console.error(err);
  process.exit(1);
});
