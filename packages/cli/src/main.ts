import { InvalidOptionError } from "@baton/devnet";
import { devnetCommand } from "./commands/devnet.ts";
import { rollupCommand } from "./commands/rollup.ts";
import { UsageError } from "./flags.ts";

const COMMANDS: Record<
  string,
  { summary: string; run: (argv: readonly string[], env: NodeJS.ProcessEnv) => Promise<number> }
> = {
  devnet: { summary: "Start a local Ethereum devnet", run: devnetCommand },
  rollup: { summary: "Run a rollup node (derive from L1, serve eth_ JSON-RPC)", run: rollupCommand },
};

function help(): string {
  const lines = ["Usage: baton <command> [options]", "", "Commands:"];
  for (const [name, c] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${c.summary}`);
  lines.push("", "Run `baton <command> --help` for a command's options.");
  return lines.join("\n");
}

/** Run the CLI; returns the process exit code (2 for a usage error). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    console.log(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`Unknown command: ${JSON.stringify(name)} (allowed: ${Object.keys(COMMANDS).join(", ")})`);
    return 2;
  }
  try {
    return await command.run(rest, env);
  } catch (error) {
    if (error instanceof UsageError || error instanceof InvalidOptionError) {
      console.error(`baton ${name}: ${error.message}`);
      return 2;
    }
    console.error(`baton ${name}: ${(error as Error).message}`);
    return 1;
  }
}
