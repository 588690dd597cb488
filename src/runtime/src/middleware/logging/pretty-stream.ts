import type { DestinationStream } from "pino";

const LABELS: Readonly<Record<number, string>> = { 10: "TRACE", 20: "DEBUG", 30: "INFO ", 40: "WARN ", 50: "ERROR", 60: "FATAL" };
const COLORS: Readonly<Record<number, string>> = { 10: "90", 20: "36", 30: "32", 40: "33", 50: "31", 60: "35" };
// Fields shown elsewhere in the line, or noise in a terminal.
const SHOWN = new Set(["level", "time", "msg", "pid", "hostname", "method", "path", "status", "durationMs", "err"]);

/**
 * Development output without pino-pretty (and its worker thread): pino
 * writes JSON lines here, and each becomes one short line such as
 * `12:03:04.567 INFO  GET /items 200 1.9ms requestId=5c1e... client=127.0.0.1`.
 */
export function prettyStream(target: DestinationStream & { isTTY?: boolean }): DestinationStream {
  const color = target.isTTY === true;
  return {
    write(line: string) {
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(line) as Record<string, unknown>;
      } catch {
        target.write(line);
        return;
      }
      target.write(`${format(record, color)}\n`);
    },
  };
}

export function format(record: Record<string, unknown>, color = false): string {
  const level = typeof record.level === "number" ? record.level : 30;
  const label = LABELS[level] ?? String(level);
  const parts = [clock(record.time), color ? `\x1b[${COLORS[level] ?? "0"}m${label}\x1b[0m` : label];
  if (record.method !== undefined && record.path !== undefined) {
    parts.push(`${text(record.method)} ${text(record.path)}`);
    if (record.status !== undefined) parts.push(text(record.status));
    if (typeof record.durationMs === "number") parts.push(`${record.durationMs.toFixed(1)}ms`);
  } else if (record.msg !== undefined) {
    parts.push(text(record.msg));
  }
  for (const key of Object.keys(record)) if (!SHOWN.has(key)) parts.push(`${key}=${text(record[key])}`);
  let out = parts.join(" ");
  const err = record.err as { stack?: unknown; message?: unknown } | undefined;
  if (err !== undefined) {
    const stack = typeof err.stack === "string" ? err.stack.replace(/[\x00-\x09\x0b-\x1f\x7f]/g, "?") : text(err.message ?? err);
    out += `\n  ${stack.replace(/\n/g, "\n  ")}`;
  }
  return out;
}

function clock(time: unknown): string {
  const date = new Date(typeof time === "number" ? time : Date.now());
  return date.toISOString().slice(11, 23);
}

/** Plain values as they are; anything with spaces, quotes or control characters JSON-quoted, so no value can forge a line. */
function text(value: unknown): string {
  if (typeof value === "string" && /^[\x21-\x7e]*$/.test(value)) return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return JSON.stringify(value) ?? String(value);
}
