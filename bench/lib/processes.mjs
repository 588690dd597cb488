// Child processes for the bench runners: pinned to a CPU, waited for, measured, stopped.
import { execFileSync, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Runs `command args` pinned to one CPU with taskset (taskset execs it: the pid is the command's). */
export function spawnPinned(cpu, command, args, options = {}) {
  return spawn("taskset", ["-c", String(cpu), command, ...args], { stdio: ["ignore", "ignore", "inherit"], ...options });
}

/** Resolves once the child has exited (at once if it already has). */
export const stopped = (child) => new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once("exit", r)));

export async function stop(...children) {
  for (const child of children) if (child) child.kill("SIGTERM");
  await Promise.all(children.filter(Boolean).map(stopped));
}

const TICKS = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());

/** User + system CPU seconds a process has used so far (Linux /proc). */
export function cpuSeconds(pid) {
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ".
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

/** One GET on loopback with a fresh socket; resolves with the status and headers, or undefined when nothing answers. */
export function probe(port, path = "/health", timeoutMs = 1000) {
  return new Promise((res) => {
    const req = request({ host: "127.0.0.1", port, path, timeout: timeoutMs, agent: false }, (r) => {
      r.resume();
      res({ status: r.statusCode, headers: r.headers });
    });
    req.on("error", () => res(undefined));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

/** Polls `ready()` every 100 ms until it is true; fails when a watched child exits or the deadline passes. */
export async function waitUntil(what, ready, { children = [], timeoutMs = 15_000 } = {}) {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    const dead = children.find((c) => c.exitCode !== null);
    if (dead) throw new Error(`${what}: a process exited with ${dead.exitCode} before it was ready`);
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

export const healthy = (port) => async () => (await probe(port))?.status === 200;

/** A redis-server of the bench's own on `port` (never the shared one on 6379), answering PING. */
export async function startPrivateRedis(port, cpu) {
  if (port === 6379) throw new Error("the bench never uses the shared redis-server on 6379");
  const child = spawnPinned(cpu, "redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  const pong = () => {
    try {
      return Promise.resolve(execFileSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim() === "PONG");
    } catch {
      return Promise.resolve(false);
    }
  };
  await waitUntil(`redis-server on ${port}`, pong, { children: [child], timeoutMs: 10_000 });
  return child;
}
