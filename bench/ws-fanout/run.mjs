#!/usr/bin/env node
// WebSocket fan-out benchmark (issue 3, Performance (2)): N clients on loopback; one message to
// the server makes it broadcast to all N. (a) trellis app.ws + ConnectionManager.broadcast,
// (b) bare ws WebSocketServer with a loop over clients, (c) "trellis-redis": two trellis
// instances on two ports sharing the chat through a RedisPubSub and a private redis-server
// started here, the clients split over both and the sender on the first (issue 6).
// Never part of `npm test`.
//
//   npm run build                          # the trellis servers import the built runtime (dist/)
//   npm ci --prefix bench/.deps            # once: ws for the baseline and the clients
//   node bench/ws-fanout/run.mjs [--servers trellis,ws,wstext,trellis-redis] [--clients 100,1000] [--rounds 3] [--latency-count 200] [--duration 5] [--window 8]
//
// Server pinned to CPU 0 (both instances for trellis-redis), the client process and redis-server
// to CPU 1; rounds alternate a, b, c. Reports medians over
// rounds of: p50/p99 time from send until every client has the message (one broadcast in
// flight at a time), and sustained broadcasts/s with --window broadcasts in flight.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import os from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const { values: opt } = parseArgs({
  options: {
    clients: { type: "string", default: "100,1000" },
    rounds: { type: "string", default: "3" },
    "latency-count": { type: "string", default: "200" },
    duration: { type: "string", default: "5" },
    window: { type: "string", default: "8" },
    port: { type: "string", default: "3927" },
    servers: { type: "string", default: "trellis,ws" },
  },
});
const PORT = Number(opt.port);
const ROUNDS = Math.min(Number(opt.rounds), 20);
const SERVERS = [
  { key: "trellis", label: "trellis app.ws + ConnectionManager", args: [join(HERE, "trellis-server.mjs")] },
  { key: "ws", label: "bare ws, loop over clients", args: [join(HERE, "ws-server.mjs")] },
  { key: "wstext", label: "bare ws, decoded once, string sent", args: [join(HERE, "ws-server.mjs")], env: { MODE: "text" } },
  { key: "trellis-redis", label: "trellis, 2 instances through Redis", args: [join(HERE, "trellis-server.mjs")], instances: 2, redis: true },
].filter((s) => opt.servers.split(",").includes(s.key));

function health(port = PORT) {
  return new Promise((res) => {
    const req = request({ host: "127.0.0.1", port, path: "/health", timeout: 1000, agent: false }, (r) => {
      r.resume();
      res(r.statusCode === 200);
    });
    req.on("error", () => res(false));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** User + system CPU of a process so far, in ms (Linux /proc; clock ticks are 10 ms). */
function cpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return NaN;
  }
}

const stopped = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));

/** A redis-server of the bench's own (never the shared one), on CPU 1 beside the clients. */
async function startRedis(port) {
  const child = spawn("taskset", ["-c", "1", "redis-server", "--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pong = await new Promise((res) => {
      const c = spawn("redis-cli", ["-p", String(port), "ping"], { stdio: ["ignore", "pipe", "ignore"] });
      let out = "";
      c.stdout.on("data", (d) => (out += d));
      c.on("exit", () => res(out.trim() === "PONG"));
    });
    if (pong) return child;
    if (Date.now() > deadline || child.exitCode !== null) throw new Error("redis-server did not start");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function run(server, clients) {
  const ports = Array.from({ length: server.instances ?? 1 }, (_, i) => PORT + i);
  const redisPort = PORT + 10;
  const redis = server.redis ? await startRedis(redisPort) : undefined;
  const env = { ...process.env, ...server.env, ...(redis ? { REDIS_URL: `redis://127.0.0.1:${redisPort}` } : {}) };
  const children = ports.map((port) => spawn("taskset", ["-c", "0", process.execPath, ...server.args], { cwd: ROOT, env: { ...env, PORT: String(port) }, stdio: ["ignore", "ignore", "inherit"] }));
  try {
    const deadline = Date.now() + 15_000;
    for (const port of ports) {
      while (!(await health(port))) {
        if (Date.now() > deadline || children.some((c) => c.exitCode !== null)) throw new Error(`${server.key} did not start`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const cpuBefore = children.reduce((sum, c) => sum + cpuMs(c.pid), 0);
    const out = await new Promise((res, rej) => {
      const c = spawn("taskset", ["-c", "1", process.execPath, join(HERE, "clients.mjs")], {
        env: { ...process.env, PORTS: ports.join(","), CLIENTS: String(clients), LATENCY_COUNT: opt["latency-count"], DURATION: opt.duration, WINDOW: opt.window },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      c.stdout.on("data", (d) => (text += d));
      c.on("exit", (code) => (code === 0 ? res(JSON.parse(text)) : rej(new Error(`clients exited ${code}`))));
    });
    // Server CPU per delivered message: what the server spends, independent of who is the bottleneck.
    const cpu = children.reduce((sum, c) => sum + cpuMs(c.pid), 0) - cpuBefore;
    return { ...out, serverUsPerMessage: (cpu * 1000) / out.received };
  } finally {
    for (const child of children) child.kill("SIGTERM");
    await Promise.all(children.map(stopped));
    if (redis) {
      redis.kill("SIGTERM");
      await stopped(redis);
    }
  }
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const counts = opt.clients.split(",").map(Number).filter((n) => n > 0 && n <= 5000);
const results = {};
const loadBefore = os.loadavg();
for (const n of counts) {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const server of SERVERS) {
      const r = await run(server, n);
      (results[`${server.key}.${n}`] ??= []).push(r);
      process.stderr.write(`N=${n} round ${round} ${server.key}: p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms, ${Math.round(r.broadcastsPerSec)} broadcasts/s, server ${r.serverUsPerMessage.toFixed(2)} µs CPU/message\n`);
    }
  }
}
const loadAfter = os.loadavg();
console.log(`\n### WebSocket fan-out, ${new Date().toISOString()}`);
console.log(`\n${os.cpus()[0].model}, ${os.cpus().length} cores, Node ${process.version}; server (both instances for trellis-redis) on CPU 0, all clients in one process and the private redis-server on CPU 1; ${ROUNDS} rounds alternating; ${opt["latency-count"]} sequential broadcasts for latency (after 20 warm-up), then ${opt.duration} s with ${opt.window} in flight; load average before ${loadBefore.map((x) => x.toFixed(2)).join(" ")}, after ${loadAfter.map((x) => x.toFixed(2)).join(" ")}.\n`);
console.log("| clients | server | p50 all delivered (ms) | p99 (ms) | broadcasts/s | messages delivered/s | server CPU per message (µs) |");
console.log("|---:|---|---:|---:|---:|---:|---:|");
const med = {};
for (const n of counts) {
  for (const s of SERVERS) {
    const xs = results[`${s.key}.${n}`];
    const m = { p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), bps: median(xs.map((x) => x.broadcastsPerSec)), cpu: median(xs.map((x) => x.serverUsPerMessage)) };
    med[`${s.key}.${n}`] = m;
    console.log(`| ${n} | ${s.label} | ${m.p50.toFixed(2)} | ${m.p99.toFixed(2)} | ${Math.round(m.bps)} | ${Math.round(m.bps * n)} | ${m.cpu.toFixed(2)} |`);
  }
}
console.log("\n| clients | trellis/ws p50 latency (target <= 1.2) | trellis/ws p99 | ws/trellis broadcasts/s (target <= 1.2) | trellis/ws server CPU per message |");
console.log("|---:|---:|---:|---:|---:|");
for (const n of counts) {
  if (!med[`trellis.${n}`] || !med[`ws.${n}`]) continue;
  const t = med[`trellis.${n}`];
  const w = med[`ws.${n}`];
  console.log(`| ${n} | ${(t.p50 / w.p50).toFixed(2)} | ${(t.p99 / w.p99).toFixed(2)} | ${(w.bps / t.bps).toFixed(2)} | ${(t.cpu / w.cpu).toFixed(2)} |`);
}
