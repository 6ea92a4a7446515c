// `baton rollup`: runs one rollup node against any L1 (JSON-RPC only): derives the rollup's chain
// from the inbox, keeps it in its data directory, follows the gateway's stream for pending blocks,
// and serves `eth_` JSON-RPC. Stops on SIGINT/SIGTERM once in-flight requests are answered.
import { readFileSync } from "node:fs";
import type { RollupGenesis } from "@baton/execution";
import { defaultRollupNodeOptions, NodeChainReader, RollupNode, startRpcServer } from "@baton/rollup";
import { type Address, type Hex, isAddress } from "viem";
import { type FlagSpec, logFlags, loggerFromFlags, parseFlags, UsageError, usage } from "../flags.ts";

const SUMMARY = "Run a rollup node: derive the rollup from L1, serve eth_ JSON-RPC";

export const rollupFlags: readonly FlagSpec[] = [
  { name: "l1-rpc", env: "BATON_L1_RPC", kind: "string", description: "L1 execution JSON-RPC URL" },
  { name: "inbox", env: "BATON_INBOX", kind: "string", description: "Inbox contract address" },
  {
    name: "slasher",
    env: "BATON_SLASHER",
    kind: "string",
    description: "Slasher contract address (the EIP-712 domain)",
  },
  {
    name: "bridge",
    env: "BATON_BRIDGE",
    kind: "string",
    description: "The rollup's Bridge contract address (none: no deposits)",
  },
  {
    name: "genesis",
    env: "BATON_GENESIS",
    kind: "string",
    description:
      'Genesis JSON file: {"chainId", "gasLimit", "baseFeePerGas", "alloc": {address: {"balance", "nonce"?, "code"?, "storage"?}}} (integers as decimal or 0x strings)',
  },
  {
    name: "genesis-time",
    env: "BATON_GENESIS_TIME",
    kind: "integer",
    min: 0,
    description: "Beacon chain genesis time (Unix seconds)",
  },
  {
    name: "slot-time",
    env: "BATON_SLOT_TIME",
    kind: "integer",
    min: 1,
    max: 60,
    description: "Seconds per slot",
    default: "12",
  },
  {
    name: "max-inactivity",
    env: "BATON_MAX_INACTIVITY",
    kind: "integer",
    min: 1,
    description: "The inbox's maxInactivity (seconds)",
  },
  {
    name: "l1-start-block",
    env: "BATON_L1_START_BLOCK",
    kind: "integer",
    min: 0,
    description: "First L1 block to read (the inbox's deployment)",
    default: "0",
  },
  {
    name: "data-dir",
    env: "BATON_DATA_DIR",
    kind: "string",
    description: "Where the node keeps its databases",
  },
  {
    name: "host",
    env: "BATON_HOST",
    kind: "string",
    description: "JSON-RPC listen address",
    default: "127.0.0.1",
  },
  {
    name: "port",
    env: "BATON_RPC_PORT",
    kind: "integer",
    min: 0,
    max: 65_535,
    description: "JSON-RPC port (0: any free port)",
    default: "8547",
  },
  {
    name: "gateway",
    env: "BATON_GATEWAY_URL",
    kind: "string",
    description: "The gateway to follow and forward transactions to",
  },
  {
    name: "beacon-url",
    env: "BATON_BEACON_URL",
    kind: "string",
    description:
      "A beacon node's HTTP API, where blob-carried batch data is read (needed once a batch uses blobs)",
  },
  ...logFlags,
];

function required<T>(value: T | undefined, flag: string): T {
  if (value === undefined) throw new UsageError(`Missing --${flag}`);
  return value;
}

function address(value: string, flag: string): Address {
  if (!isAddress(value, { strict: false }))
    throw new UsageError(`Invalid value for --${flag}: not a 20-byte hex address`);
  return value as Address;
}

function integer(value: unknown, what: string): bigint {
  if (
    (typeof value === "string" && /^(0x[0-9a-fA-F]+|\d+)$/.test(value)) ||
    (typeof value === "number" && Number.isSafeInteger(value))
  )
    return BigInt(value);
  throw new UsageError(`Invalid genesis: ${what} must be an integer (decimal or 0x string)`);
}

/** Reads the genesis file; every mistake is a usage error naming the field. */
export function readGenesis(path: string): RollupGenesis {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new UsageError(`Cannot read the genesis file ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  const g = json as Record<string, unknown>;
  if (typeof g !== "object" || g === null || typeof g.alloc !== "object" || g.alloc === null)
    throw new UsageError(
      "Invalid genesis: expected an object with chainId, gasLimit, baseFeePerGas and alloc",
    );
  const alloc: Record<Address, { balance: bigint; nonce?: bigint; code?: Hex; storage?: Record<Hex, Hex> }> =
    {};
  for (const [key, value] of Object.entries(g.alloc as Record<string, Record<string, unknown>>)) {
    const account = address(key, "genesis alloc");
    alloc[account] = {
      balance: integer(value?.balance, `alloc.${key}.balance`),
      ...(value?.nonce === undefined ? {} : { nonce: integer(value.nonce, `alloc.${key}.nonce`) }),
      ...(typeof value?.code === "string" ? { code: value.code as Hex } : {}),
      ...(typeof value?.storage === "object" && value.storage !== null
        ? { storage: value.storage as Record<Hex, Hex> }
        : {}),
    };
  }
  return {
    chainId: integer(g.chainId, "chainId"),
    gasLimit: integer(g.gasLimit, "gasLimit"),
    baseFeePerGas: integer(g.baseFeePerGas, "baseFeePerGas"),
    alloc,
  };
}

export async function rollupCommand(argv: readonly string[], env: NodeJS.ProcessEnv): Promise<number> {
  const { values, help } = parseFlags(rollupFlags, argv, env);
  if (help) {
    console.log(usage("rollup", SUMMARY, rollupFlags));
    return 0;
  }
  const logger = loggerFromFlags(values);
  const genesis = readGenesis(required(values.genesis as string | undefined, "genesis"));
  const bridge = values.bridge as string | undefined;
  const node = await RollupNode.start(
    {
      ...defaultRollupNodeOptions,
      genesis,
      blockGasLimit: genesis.gasLimit,
      baseFeePerGas: genesis.baseFeePerGas,
      l1RpcUrl: required(values["l1-rpc"] as string | undefined, "l1-rpc"),
      contracts: {
        inbox: address(required(values.inbox as string | undefined, "inbox"), "inbox"),
        slasher: address(required(values.slasher as string | undefined, "slasher"), "slasher"),
        bridge: bridge === undefined ? null : address(bridge, "bridge"),
      },
      genesisTime: required(values["genesis-time"] as number | undefined, "genesis-time"),
      secondsPerSlot: (values["slot-time"] as number | undefined) ?? 12,
      maxInactivity: BigInt(required(values["max-inactivity"] as number | undefined, "max-inactivity")),
      l1StartBlock: BigInt((values["l1-start-block"] as number | undefined) ?? 0),
      dataDir: required(values["data-dir"] as string | undefined, "data-dir"),
      gatewayUrl: (values.gateway as string | undefined) ?? null,
      beaconUrl: (values["beacon-url"] as string | undefined) ?? null,
    },
    { logger: logger.child({ module: "rollup" }) },
  );
  let rpc: Awaited<ReturnType<typeof startRpcServer>>;
  try {
    rpc = await startRpcServer({
      host: (values.host as string | undefined) ?? "127.0.0.1",
      port: (values.port as number | undefined) ?? 8547,
      reader: new NodeChainReader(node),
      logger,
    });
  } catch (error) {
    await node.close();
    throw error;
  }
  console.log(`Rollup ${genesis.chainId} JSON-RPC: ${rpc.url}`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info("shutting down", { signal });
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
  await rpc.close();
  await node.close();
  logger.info("rollup node stopped", { head: node.head.number.toString(), stateRoot: node.head.stateRoot });
  return 0;
}
