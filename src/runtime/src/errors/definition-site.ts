import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { TrellisConfigError } from "./config-error.js";

// The runtime's own source (or dist) folder: frames inside it are not where the user wrote a route.
const RUNTIME_DIR = fileURLToPath(new URL("..", import.meta.url));
const RUNTIME_URL = new URL("..", import.meta.url).href;

/**
 * Where the user's code called into the runtime: the first stack frame
 * outside it, as "src/domains/orders/router.ts:12:8" (relative to the
 * working directory). Taken when a router collects a route, because the
 * route is only compiled, and refused, later at `app.include`, whose stack
 * points at main.ts instead of the faulty definition.
 */
export function definitionSite(): string | undefined {
  const holder: { stack?: string } = {};
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 16;
  Error.captureStackTrace(holder, definitionSite);
  Error.stackTraceLimit = limit;
  for (const line of (holder.stack ?? "").split("\n").slice(1)) {
    const frame = /\(?((?:file:\/\/|\/)[^()]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!frame) continue;
    const [, where, row, column] = frame as unknown as [string, string, string, string];
    if (where.startsWith(RUNTIME_URL) || where.startsWith(RUNTIME_DIR) || where.includes("/node_modules/")) continue;
    const file = where.startsWith("file://") ? fileURLToPath(where) : where;
    return `${relative(process.cwd(), file) || file}:${row}:${column}`;
  }
  return undefined;
}

/** Runs `fn`; a configuration error it throws names where the route was defined. */
export function atDefinitionSite<T>(site: string | undefined, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (site !== undefined && err instanceof TrellisConfigError && err.definedAt === undefined) {
      err.definedAt = site;
      err.message = `${err.message.slice(0, -(err.code.length + 3))}, defined at ${site} [${err.code}]`;
      // Uncaught, Node prints the stack, whose first line repeats the message: keep the two in step.
      err.stack = `${err.name}: ${err.message}\n    at ${site}\n${(err.stack ?? "").split("\n").slice(1).join("\n")}`;
    }
    throw err;
  }
}
