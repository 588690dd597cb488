/**
 * The runtime logs through this interface. The default writes one JSON line
 * per event to stderr; apps pass pino (or anything with these methods).
 */
export interface Logger {
  error(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
}

const LEVELS = { debug: 20, info: 30, warn: 40, error: 50 } as const;
type Level = keyof typeof LEVELS;

function serializeError(err: unknown): unknown {
  if (!(err instanceof Error)) return err;
  return { type: err.name, message: err.message, stack: err.stack };
}

export function createConsoleLogger(level: Level = "info"): Logger {
  const min = LEVELS[level];
  const write = (lvl: Level) => (obj: object, msg?: string): void => {
    if (LEVELS[lvl] < min) return;
    const record: Record<string, unknown> = { level: lvl, time: Date.now(), ...obj };
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
  return { error: write("error"), warn: write("warn"), info: write("info"), debug: write("debug") };
}

export const silentLogger: Logger = { error() {}, warn() {}, info() {}, debug() {} };
