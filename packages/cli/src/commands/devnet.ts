import { writeFileSync } from "node:fs";
import { Devnet, type DevnetOptions, defaultDevnetOptions } from "@baton/devnet";
import { type FlagSpec, logFlags, loggerFromFlags, parseFlags, UsageError, usage } from "../flags.ts";

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
    name: "contracts",
    env: "BATON_CONTRACTS",
    kind: "boolean",
    description:
      "Deploy the protocol before genesis (sequencers opted in, rollups registered) and post every epoch's lookahead",
    default: String(d.contracts),
  },
  {
    name: "sequencers",
    env: "BATON_SEQUENCERS",
    kind: "integer-list",
    min: 0,
    max: 4095,
    description: "Validator indices registered as sequencers before genesis (default: every other validator)",
  },
  {
    name: "committer",
    env: "BATON_COMMITTER",
    kind: "string",
    description: "Committer address the sequencers name (default: the committer key's address)",
  },
  {
    name: "committer-key",
    env: "BATON_COMMITTER_KEY",
    kind: "string",
    description: "Committer private key, for the devnet gateway (default: anvil dev key 1)",
  },
  {
    name: "rollups",
    env: "BATON_ROLLUPS",
    kind: "integer-list",
    min: 1,
    max: Number.MAX_SAFE_INTEGER,
    description: "Chain ids of the rollups registered in the inbox",
    default: d.rollups.join(","),
  },
  {
    name: "gateway",
    env: "BATON_GATEWAY",
    kind: "boolean",
    description:
      "Run the gateway with the committer key, and judge every commitment it publishes (needs --contracts)",
    default: String(d.gateway),
  },
  {
    name: "rollup-nodes",
    env: "BATON_ROLLUP_NODES",
    kind: "boolean",
    description: "Run a rollup node (derivation, execution, eth_ JSON-RPC) per rollup (needs --contracts)",
    default: String(d.rollupNodes),
  },
  {
    name: "gateway-port",
    env: "BATON_GATEWAY_PORT",
    kind: "integer",
    min: 0,
    max: 65_535,
    description: "Gateway API port (0: any free port)",
    default: String(d.gatewayPort),
  },
  {
    name: "load",
    env: "BATON_LOAD",
    kind: "integer",
    min: 0,
    max: 10_000,
    description: "Load generator rate, in preconfirmation requests per second (0: off)",
    default: String(d.load),
  },
  {
    name: "blob-threshold",
    env: "BATON_BLOB_THRESHOLD",
    kind: "string",
    description: "Batches of at least this many bytes go to L1 in blobs (0: all; off: none)",
    default: String(d.blobThresholdBytes ?? "off"),
  },
  ...logFlags,
];

function blobThreshold(value: string | undefined): number | null | undefined {
  if (value === undefined) return undefined;
  if (value === "off") return null;
  if (!/^\d{1,9}$/.test(value))
    throw new UsageError(`Invalid value for --blob-threshold: ${value} (bytes, or off)`);
  return Number(value);
}

const SUMMARY =
  "Start a local Ethereum (anvil L1 + simulated Fulu beacon chain with the Beacon API) running the Baton protocol.";

export async function devnetCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, help } = parseFlags(devnetFlags, argv, env);
  if (help) {
    console.log(usage("devnet", SUMMARY, devnetFlags));
    return 0;
  }
  const logger = loggerFromFlags(values);
  const options: Partial<DevnetOptions> = {
    validators: values.validators as number | undefined,
    secondsPerSlot: values["slot-time"] as number | undefined,
    slots: values.slots as number | undefined,
    chainId: values["chain-id"] as number | undefined,
    l1Port: values["l1-port"] as number | undefined,
    beaconPort: values["beacon-port"] as number | undefined,
    missSlots: values["miss-slots"] as number[] | undefined,
    dataDir: values["data-dir"] as string | undefined,
    contracts: values.contracts as boolean | undefined,
    sequencers: values.sequencers as number[] | undefined,
    committer: values.committer as DevnetOptions["committer"],
    committerKey: values["committer-key"] as DevnetOptions["committerKey"] | undefined,
    rollups: (values.rollups as number[] | undefined)?.map(BigInt),
    gateway: values.gateway as boolean | undefined,
    gatewayPort: values["gateway-port"] as number | undefined,
    load: values.load as number | undefined,
    rollupNodes: values["rollup-nodes"] as boolean | undefined,
    blobThresholdBytes: blobThreshold(values["blob-threshold"] as string | undefined),
  };
  for (const key of Object.keys(options) as (keyof DevnetOptions)[]) {
    if (options[key] === undefined) delete options[key];
  }
  const summaryFile = values.summary as string | undefined;
  const devnet = await Devnet.start(options, { logger });
  console.log(`L1 JSON-RPC: ${devnet.l1Url}`);
  console.log(`Beacon API:  ${devnet.beaconApiUrl}`);
  if (devnet.protocol) {
    const { registry, lookahead, inbox, slasher, bridges } = devnet.protocol;
    console.log(`Contracts:   registry ${registry} lookahead ${lookahead} inbox ${inbox} slasher ${slasher}`);
    const bridgeList = Object.entries(bridges).map(([chainId, bridge]) => `${chainId} ${bridge}`);
    if (bridgeList.length > 0) console.log(`Bridges:     ${bridgeList.join(", ")}`);
    console.log(`Rollups:     ${devnet.rollups.join(", ")}`);
    console.log(`Committer:   ${devnet.committer}`);
  }
  if (devnet.gatewayUrl) console.log(`Gateway:     ${devnet.gatewayUrl}`);
  for (const rollup of devnet.rollupNodes?.summary() ?? [])
    console.log(`Rollup ${rollup.chainId}: ${rollup.rpc}`);

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
  const { protocol, commitments, load, rollups, ...counts } = summary;
  logger.info("devnet stopped", {
    ...counts,
    rollupBlocks: rollups?.map((r) => `${r.chainId}:${r.blocks}`).join(","),
    postedEpochs: protocol?.postedEpochs,
    ...(commitments ?? {}),
    requests: load?.sent,
  });
  if (summaryFile) writeFileSync(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return 0;
}
