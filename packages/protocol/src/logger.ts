/** Structured logging: a short constant message plus fields; a child logger per module. */
export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(fields: LogFields): Logger;
}

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface LoggerOptions {
  readonly level: LogLevel;
  /** "json": one JSON object per line; "text": human-readable. */
  readonly format: "json" | "text";
  readonly write?: (line: string) => void;
}

export const defaultLoggerOptions: LoggerOptions = { level: "info", format: "text" };

function render(value: unknown): unknown {
  if (value instanceof Uint8Array) return `0x${Buffer.from(value).toString("hex")}`;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Error) return value.message;
  return value;
}

export function createLogger(options: LoggerOptions = defaultLoggerOptions, bound: LogFields = {}): Logger {
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const threshold = LEVELS[options.level];
  const log = (level: LogLevel, message: string, fields: LogFields = {}) => {
    if (LEVELS[level] < threshold) return;
    const all = { ...bound, ...fields };
    if (options.format === "json") {
      const record: Record<string, unknown> = { time: new Date().toISOString(), level, msg: message };
      for (const [k, v] of Object.entries(all)) record[k] = render(v);
      write(JSON.stringify(record));
    } else {
      const { module, ...rest } = all;
      const tail = Object.entries(rest)
        .map(([k, v]) => `${k}=${String(render(v))}`)
        .join(" ");
      const time = new Date().toISOString().slice(11, 23);
      write(
        `${time} ${level.toUpperCase().padEnd(5)} ${module ? `[${String(module)}] ` : ""}${message}${tail ? ` ${tail}` : ""}`,
      );
    }
  };
  return {
    debug: (m, f) => log("debug", m, f),
    info: (m, f) => log("info", m, f),
    warn: (m, f) => log("warn", m, f),
    error: (m, f) => log("error", m, f),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

/** A logger that drops everything (tests that assert on behaviour, not logs). */
export const silentLogger: Logger = createLogger({ level: "error", format: "json", write: () => {} });
