import { writeFileSync } from "node:fs";
import { Devnet, type DevnetOptions, defaultDevnetOptions } from "@baton/devnet";
import { createLogger, type LogLevel } from "@baton/protocol";
import { type FlagSpec, parseFlags, usage } from "../flags.ts";

const d = defaultDevnetOptions;
export const devnetFlags: readonly FlagSpec[] = [
  {
    name: "validators",
    env: "BATON_VALIDATORS",
    kind: "integer",
    min: 1,
    max: 4096,
    description: "Number of validators",
    default: String(d.validators),
  },
  {
    name: "slot-time",
    env: "BATON_SLOT_TIME",
    kind: "integer",
    min: 1,
    max: 60,
    description: "Seconds per slot",
    default: String(d.secondsPerSlot),
  },
  {
    name: "slots",
    env: "BATON_SLOTS",
    kind: "integer",
    min: 1,
    max: 10_000_000,
    description: "Run this many slots, then exit",
  },
  {
    name: "summary",
    env: "BATON_SUMMARY",
    kind: "string",
    description: "Write a JSON summary of the run to this file on exit",
  },
  {
    name: "chain-id",
    env: "BATON_CHAIN_ID",
    kind: "integer",
    min: 1,
    max: 2 ** 53 - 1,
    description: "L1 chain id",
    default: String(d.chainId),
  },
  {
    name: "l1-port",
    env: "BATON_L1_PORT",
    kind: "integer",
    min: 0,
    max: 65_535,
    description: "L1 JSON-RPC port (0: any free port)",
    default: String(d.l1Port),
  },
  {
    name: "beacon-port",
    env: "BATON_BEACON_PORT",
    kind: "integer",
    min: 0,
    max: 65_535,
    description: "Beacon API port (0: any free port)",
    default: String(d.beaconPort),
  },
  {
    name: "miss-slots",
    env: "BATON_MISS_SLOTS",
    kind: "integer-list",
    min: 1,
    max: 10_000_000,
    description: "Slots whose proposer misses its block",
  },
  {
    name: "data-dir",
    env: "BATON_DATA_DIR",
    kind: "string",
    description: "Directory for the L1 state (a temporary one if unset)",
  },
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

const SUMMARY = "Start a local Ethereum (anvil L1 + simulated Fulu beacon chain with the Beacon API).";

export async function devnetCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, help } = parseFlags(devnetFlags, argv, env);
  if (help) {
    console.log(usage("devnet", SUMMARY, devnetFlags));
    return 0;
  }
  const logger = createLogger({
    level: (values["log-level"] as LogLevel | undefined) ?? "info",
    format: (values["log-format"] as "text" | "json" | undefined) ?? "text",
  });
  const options: Partial<DevnetOptions> = {
    validators: values.validators as number | undefined,
    secondsPerSlot: values["slot-time"] as number | undefined,
    slots: values.slots as number | undefined,
    chainId: values["chain-id"] as number | undefined,
    l1Port: values["l1-port"] as number | undefined,
    beaconPort: values["beacon-port"] as number | undefined,
    missSlots: values["miss-slots"] as number[] | undefined,
    dataDir: values["data-dir"] as string | undefined,
  };
  for (const key of Object.keys(options) as (keyof DevnetOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  const summaryFile = values.summary as string | undefined;
  const devnet = await Devnet.start(options, { logger });
  console.log(`L1 JSON-RPC: ${devnet.l1Url}`);
  console.log(`Beacon API:  ${devnet.beaconApiUrl}`);

  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    signals++;
    if (signals > 1) {
      logger.warn("second signal: exiting now", { signal });
      process.exit(130);
    }
    logger.info("shutting down", { signal });
    void devnet.stop();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await devnet.done;
    await devnet.stop();
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
  const summary = devnet.summary();
  logger.info("devnet stopped", { ...summary });
  if (summaryFile) writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
