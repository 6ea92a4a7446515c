import { BatonError } from "@baton/protocol";
import { type Address, getAddress, type Hex, isAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEFAULT_COMMITTER_KEY } from "./protocol/accounts.ts";

export interface DevnetOptions {
  /** Number of validators, with deterministic interop BLS keys. */
  readonly validators: number;
  readonly secondsPerSlot: number;
  /** Run this many slots after genesis, then stop; undefined runs until stopped. */
  readonly slots: number | undefined;
  readonly chainId: number;
  readonly host: string;
  /** L1 JSON-RPC port (0 = any free port). */
  readonly l1Port: number;
  /** Beacon API port (0 = any free port). */
  readonly beaconPort: number;
  /** Slots whose proposer misses its block. */
  readonly missSlots: readonly number[];
  /** Slots of beacon states kept for the Beacon API and provers. */
  readonly stateHistorySlots: number;
  /** Directory for the L1 node's state dump (kept across an L1 restart); a temporary one if unset. */
  readonly dataDir: string | undefined;
  /**
   * Deploy the protocol contracts, register and opt in the sequencers and register the rollups before
   * genesis, and post every epoch's lookahead list from slot 1 on.
   */
  readonly contracts: boolean;
  /** Validators registered as sequencers before genesis; undefined: every other one (0, 2, 4, ...). */
  readonly sequencers: readonly number[] | undefined;
  /** The committer key (the devnet gateway's); exposed in `Devnet.accounts`, never logged. */
  readonly committerKey: Hex;
  /** The committer the sequencers name at opt-in; undefined: the committer key's address. */
  readonly committer: Address | undefined;
  /** Chain ids of the rollups registered in the inbox. */
  readonly rollups: readonly bigint[];
  /** Run the gateway (with the committer key) and its commitment tracker; needs `contracts`. */
  readonly gateway: boolean;
  /** The gateway's port (0: any free port). */
  readonly gatewayPort: number;
  /** The load generator's rate in preconfirmation requests per second (0: off). */
  readonly load: number;
  /** Run a rollup node (derivation, execution, `eth_` JSON-RPC) per rollup; needs `contracts`. */
  readonly rollupNodes: boolean;
  /**
   * The gateway's `blobThresholdBytes`: batches of at least this many bytes go to L1 in blobs
   * (0: all; null: none). The rollup nodes read them through the devnet's Beacon API.
   */
  readonly blobThresholdBytes: number | null;
}

export const defaultDevnetOptions: DevnetOptions = {
  validators: 64,
  secondsPerSlot: 12,
  slots: undefined,
  chainId: 3_151_908,
  host: "127.0.0.1",
  l1Port: 8545,
  beaconPort: 5052,
  missSlots: [],
  stateHistorySlots: 512,
  dataDir: undefined,
  contracts: true,
  sequencers: undefined,
  committerKey: DEFAULT_COMMITTER_KEY,
  committer: undefined,
  rollups: [167_001n, 167_002n],
  gateway: true,
  gatewayPort: 0,
  load: 10,
  rollupNodes: true,
  blobThresholdBytes: 32 * 1024,
};

export class InvalidOptionError extends BatonError {
  override readonly name = "InvalidOptionError";
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid value for ${option}: ${JSON.stringify(value)} (allowed: ${allowed})`);
  }
}

function integerIn(option: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
}

/** Validate once at start-up; the result is frozen. */
export function validateDevnetOptions(input: Partial<DevnetOptions>): Readonly<DevnetOptions> {
  const options = { ...defaultDevnetOptions, ...input };
  integerIn("validators", options.validators, 1, 4096);
  integerIn("secondsPerSlot", options.secondsPerSlot, 1, 60);
  if (options.slots !== undefined) integerIn("slots", options.slots, 1, 10_000_000);
  integerIn("chainId", options.chainId, 1, 2 ** 53 - 1);
  integerIn("l1Port", options.l1Port, 0, 65_535);
  integerIn("beaconPort", options.beaconPort, 0, 65_535);
  integerIn("stateHistorySlots", options.stateHistorySlots, 64, 65_536);
  for (const slot of options.missSlots) integerIn("missSlots", slot, 1, 10_000_000);
  if (options.l1Port !== 0 && options.l1Port === options.beaconPort) {
    throw new InvalidOptionError("beaconPort", options.beaconPort, "a port other than the L1 port");
  }
  if (typeof options.gateway !== "boolean")
    throw new InvalidOptionError("gateway", options.gateway, "true or false");
  integerIn("gatewayPort", options.gatewayPort, 0, 65_535);
  if (!Number.isFinite(options.load) || options.load < 0 || options.load > 10_000) {
    throw new InvalidOptionError("load", options.load, "a rate from 0 to 10000 requests per second");
  }
  if (
    options.blobThresholdBytes !== null &&
    (!Number.isInteger(options.blobThresholdBytes) || options.blobThresholdBytes < 0)
  )
    throw new InvalidOptionError(
      "blobThresholdBytes",
      options.blobThresholdBytes,
      "a non-negative integer or null",
    );
  if (typeof options.rollupNodes !== "boolean")
    throw new InvalidOptionError("rollupNodes", options.rollupNodes, "true or false");
  if (typeof options.contracts !== "boolean") {
    throw new InvalidOptionError("contracts", options.contracts, "true or false");
  }
  if (options.sequencers !== undefined) {
    for (const index of options.sequencers) integerIn("sequencers", index, 0, options.validators - 1);
    if (new Set(options.sequencers).size !== options.sequencers.length) {
      throw new InvalidOptionError("sequencers", options.sequencers, "distinct validator indices");
    }
  }
  if (!/^0x[0-9a-fA-F]{64}$/.test(options.committerKey)) {
    // The value is a key: never echo it.
    throw new InvalidOptionError("committerKey", "<hidden>", "a 32-byte hex private key");
  }
  if (options.committer !== undefined && !isAddress(options.committer, { strict: false })) {
    throw new InvalidOptionError("committer", options.committer, "a 20-byte hex address");
  }
  for (const chainId of options.rollups) {
    if (
      typeof chainId !== "bigint" ||
      chainId <= 0n ||
      chainId >= 2n ** 64n ||
      chainId === BigInt(options.chainId)
    ) {
      throw new InvalidOptionError("rollups", String(chainId), "chain ids from 1 to 2^64 - 1, not the L1's");
    }
  }
  if (new Set(options.rollups).size !== options.rollups.length) {
    throw new InvalidOptionError("rollups", options.rollups.map(String), "distinct chain ids");
  }
  return Object.freeze({
    ...options,
    missSlots: Object.freeze([...options.missSlots]),
    sequencers: options.sequencers && Object.freeze([...options.sequencers]),
    committer: options.committer && getAddress(options.committer),
    rollups: Object.freeze([...options.rollups]),
  });
}

/** The validators a devnet registers as sequencers: the option, or every other validator. */
export function devnetSequencers(options: Pick<DevnetOptions, "validators" | "sequencers">): number[] {
  return options.sequencers
    ? [...options.sequencers]
    : Array.from({ length: Math.ceil(options.validators / 2) }, (_, i) => 2 * i);
}

/** The committer a devnet's sequencers name: the option, or the committer key's address. */
export function devnetCommitter(options: Pick<DevnetOptions, "committer" | "committerKey">): Address {
  return options.committer ?? privateKeyToAccount(options.committerKey).address;
}
