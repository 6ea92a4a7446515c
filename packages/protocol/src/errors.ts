export interface BatonErrorOptions {
  /** Context lines: the values that explain the failure. Never keys or raw request bodies. */
  readonly details?: Readonly<Record<string, unknown>>;
  /** How the caller can fix it. */
  readonly hint?: string;
  readonly cause?: unknown;
}

/** Base class of errors thrown by Baton libraries: a short message, context, a hint and a cause. */
export class BatonError extends Error {
  override readonly name: string = "BatonError";
  readonly details: Readonly<Record<string, unknown>>;
  readonly hint: string | undefined;

  constructor(shortMessage: string, options: BatonErrorOptions = {}) {
    const lines = [shortMessage];
    for (const [key, value] of Object.entries(options.details ?? {}))
      lines.push(`  ${key}: ${String(value)}`);
    if (options.hint) lines.push(`Hint: ${options.hint}`);
    super(lines.join("\n"), options.cause === undefined ? undefined : { cause: options.cause });
    this.details = options.details ?? {};
    this.hint = options.hint;
  }
}
