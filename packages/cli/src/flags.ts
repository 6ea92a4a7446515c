import { parseArgs } from "node:util";
import { createLogger, type Logger, type LogLevel } from "@baton/protocol";

/** A command-line or environment value that is not allowed; the CLI exits with code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface FlagSpec {
  readonly name: string;
  readonly env: string;
  /** A boolean flag is given as `--name` or `--no-name`, its variable as true/false (or 1/0). */
  readonly kind: "integer" | "string" | "integer-list" | "choice" | "boolean";
  readonly min?: number;
  readonly max?: number;
  readonly choices?: readonly string[];
  readonly description: string;
  readonly default?: string;
}

export type FlagValues = Record<string, number | string | number[] | boolean | undefined>;

function allowed(spec: FlagSpec): string {
  switch (spec.kind) {
    case "integer":
      return `an integer from ${spec.min ?? 0} to ${spec.max ?? Number.MAX_SAFE_INTEGER}`;
    case "integer-list":
      return `comma-separated integers from ${spec.min ?? 0} to ${spec.max ?? Number.MAX_SAFE_INTEGER}`;
    case "choice":
      return `one of ${(spec.choices ?? []).join(", ")}`;
    case "boolean":
      return "true or false";
    default:
      return "a non-empty string";
  }
}

function parseInteger(spec: FlagSpec, text: string, source: string): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (
    !Number.isSafeInteger(value) ||
    value < (spec.min ?? 0) ||
    value > (spec.max ?? Number.MAX_SAFE_INTEGER)
  ) {
    throw new UsageError(`Invalid value for ${source}: ${JSON.stringify(text)} (allowed: ${allowed(spec)})`);
  }
  return value;
}

function parseValue(spec: FlagSpec, text: string, source: string): number | string | number[] | boolean {
  switch (spec.kind) {
    case "boolean": {
      const value = { true: true, "1": true, false: false, "0": false }[text.trim().toLowerCase()];
      if (value === undefined) {
        throw new UsageError(
          `Invalid value for ${source}: ${JSON.stringify(text)} (allowed: ${allowed(spec)})`,
        );
      }
      return value;
    }
    case "integer":
      return parseInteger(spec, text, source);
    case "integer-list":
      return text.trim() === "" ? [] : text.split(",").map((part) => parseInteger(spec, part, source));
    case "choice":
      if (!spec.choices?.includes(text)) {
        throw new UsageError(
          `Invalid value for ${source}: ${JSON.stringify(text)} (allowed: ${allowed(spec)})`,
        );
      }
      return text;
    default:
      if (text === "") throw new UsageError(`Invalid value for ${source}: "" (allowed: ${allowed(spec)})`);
      return text;
  }
}

/** Parse flags, falling back to each flag's environment variable. Unknown flags are usage errors. */
export function parseFlags(
  specs: readonly FlagSpec[],
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
): { values: FlagValues; help: boolean } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: "boolean", short: "h" },
        ...Object.fromEntries(
          specs.flatMap((s): [string, { type: "string" | "boolean" }][] =>
            s.kind === "boolean"
              ? [
                  [s.name, { type: "boolean" as const }],
                  [`no-${s.name}`, { type: "boolean" as const }],
                ]
              : [[s.name, { type: "string" as const }]],
          ),
        ),
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const values: FlagValues = {};
  for (const spec of specs) {
    const fromFlag = parsed.values[spec.name];
    const fromEnv = env[spec.env];
    if (spec.kind === "boolean") {
      const negated = parsed.values[`no-${spec.name}`];
      if (fromFlag === true && negated === true) {
        throw new UsageError(`Conflicting flags: --${spec.name} and --no-${spec.name}`);
      }
      if (fromFlag === true || negated === true) values[spec.name] = fromFlag === true;
      else if (fromEnv !== undefined) values[spec.name] = parseValue(spec, fromEnv, spec.env);
    } else if (typeof fromFlag === "string") {
      values[spec.name] = parseValue(spec, fromFlag, `--${spec.name}`);
    } else if (fromEnv !== undefined) {
      values[spec.name] = parseValue(spec, fromEnv, spec.env);
    }
  }
  return { values, help: parsed.values.help === true };
}

export function usage(command: string, summary: string, specs: readonly FlagSpec[]): string {
  const lines = [`Usage: baton ${command} [options]`, "", summary, "", "Options:"];
  for (const s of specs) {
    const def = s.default === undefined ? "" : ` (default: ${s.default})`;
    const name = s.kind === "boolean" ? `${s.name}, --no-${s.name}` : s.name;
    lines.push(`  --${name.padEnd(16)} ${s.description}${def}. Env: ${s.env}. Allowed: ${allowed(s)}.`);
  }
  lines.push(`  --${"help".padEnd(16)} Show this help.`);
  return lines.join("\n");
}

/** `--log-level` and `--log-format`, shared by every command. */
export const logFlags: readonly FlagSpec[] = [
  {
    name: "log-level",
    env: "BATON_LOG_LEVEL",
    kind: "choice",
    choices: ["debug", "info", "warn", "error"],
    description: "Log level",
    default: "info",
  },
  {
    name: "log-format",
    env: "BATON_LOG_FORMAT",
    kind: "choice",
    choices: ["text", "json"],
    description: "Log format",
    default: "text",
  },
];

/** The logger the log flags ask for. */
export function loggerFromFlags(values: FlagValues): Logger {
  return createLogger({
    level: (values["log-level"] as LogLevel | undefined) ?? "info",
    format: (values["log-format"] as "text" | "json" | undefined) ?? "text",
  });
}
