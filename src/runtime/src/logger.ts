/**
 * The runtime logs through this interface. The default writes one JSON line
 * per event to stderr; apps pass pino (or anything with these methods).
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  /** A logger that adds `bindings` to every line (pino's child); optional for plain loggers. */
  child?(bindings: Record<string, unknown>): Logger;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return { type: err.name, message: err.message, stack: err.stack };
}

export function createConsoleLogger(level: Level = "info", bindings: Readonly<Record<string, unknown>> = {}): Logger {
  const min = LEVELS[level];
  const write = (lvl: Level) => (obj: object, msg?: string): void => {
    if (LEVELS[lvl] < min) return;
    const record: Record<string, unknown> = { level: lvl, time: Date.now(), ...bindings, ...obj };
    if ("err" in record) record.err = serializeError(record.err);
    if (msg !== undefined) record.msg = msg;
    let line: string;
    try {
      line = JSON.stringify(record);
    } catch {
      line = JSON.stringify({ level: lvl, time: record.time, msg });
    }
    process.stderr.write(`${line}\n`);
  };
  return {
    error: write("error"),
    warn: write("warn"),
    info: write("info"),
    debug: write("debug"),
    child: (more) => createConsoleLogger(level, { ...bindings, ...more }),
  };
}

/** `logger.child(bindings)`, or a wrapper that merges them for loggers without `child`. */
export function childLogger(logger: Logger, bindings: Record<string, unknown>): Logger {
  if (logger.child) return logger.child(bindings);
  const at = (write: Logger["info"]) => (obj: object, msg?: string): void => write.call(logger, { ...bindings, ...obj }, msg);
  return {
    error: at(logger.error),
    warn: at(logger.warn),
    info: at(logger.info),
    debug: at(logger.debug),
    child: (more) => childLogger(logger, { ...bindings, ...more }),
  };
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
