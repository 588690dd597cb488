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
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { cpuSeconds, healthy, spawnPinned, startPrivateRedis, stop, waitUntil } from "../lib/processes.mjs";
import { machineRun, median } from "../lib/stats.mjs";

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

async function run(server, clients) {
  const ports = Array.from({ length: server.instances ?? 1 }, (_, i) => PORT + i);
  const redisPort = PORT + 10;
  const redis = server.redis ? await startPrivateRedis(redisPort, 1) : undefined;
  const env = { ...process.env, ...server.env, ...(redis ? { REDIS_URL: `redis://127.0.0.1:${redisPort}` } : {}) };
  const children = ports.map((port) => spawnPinned(0, process.execPath, server.args, { cwd: ROOT, env: { ...env, PORT: String(port) } }));
  try {
    for (const port of ports) await waitUntil(`${server.key} on ${port}`, healthy(port), { children });
    const serverCpu = () => children.reduce((sum, c) => sum + cpuSeconds(c.pid), 0);
    const cpuBefore = serverCpu();
    const out = await new Promise((res, rej) => {
      const c = spawnPinned(1, process.execPath, [join(HERE, "clients.mjs")], {
        env: { ...process.env, PORTS: ports.join(","), CLIENTS: String(clients), LATENCY_COUNT: opt["latency-count"], DURATION: opt.duration, WINDOW: opt.window },
        stdio: ["ignore", "pipe", "inherit"],
      });
      let text = "";
      c.stdout.on("data", (d) => (text += d));
      c.on("exit", (code) => (code === 0 ? res(JSON.parse(text)) : rej(new Error(`clients exited ${code}`))));
    });
    // Server CPU per delivered message: what the server spends, independent of who is the bottleneck.
    return { ...out, serverUsPerMessage: ((serverCpu() - cpuBefore) * 1e6) / out.received };
  } finally {
    await stop(...children, redis);
  }
}

const counts = opt.clients.split(",").map(Number).filter((n) => n > 0 && n <= 5000);
const results = {};
const machine = machineRun();
for (const n of counts) {
  for (let round = 1; round <= ROUNDS; round++) {
    for (const server of SERVERS) {
      const r = await run(server, n);
      (results[`${server.key}.${n}`] ??= []).push(r);
      process.stderr.write(`N=${n} round ${round} ${server.key}: p50 ${r.p50.toFixed(2)} ms p99 ${r.p99.toFixed(2)} ms, ${Math.round(r.broadcastsPerSec)} broadcasts/s, server ${r.serverUsPerMessage.toFixed(2)} µs CPU/message\n`);
    }
  }
}
console.log(`\n### WebSocket fan-out, ${new Date().toISOString()}`);
console.log(`\n${machine.describe(`server (both instances for trellis-redis) on CPU 0, all clients in one process and the private redis-server on CPU 1; ${ROUNDS} rounds alternating; ${opt["latency-count"]} sequential broadcasts for latency (after 20 warm-up), then ${opt.duration} s with ${opt.window} in flight`)}\n`);
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
