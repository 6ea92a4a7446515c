/** Options of the gateway, validated once at start into a frozen config. */

import type { RollupGenesis } from "@baton/execution";
import { MAX_BUNDLE_MEMBERS } from "@baton/protocol";
import type { Address, Hex } from "viem";
import type { Durability } from "./store.ts";

export interface RollupOptions {
  readonly genesis: RollupGenesis;
  /** Gas limit of each rollup block (one block per batch). */
  readonly blockGasLimit: bigint;
  /** The rollup's base fee (constant for now; the rollup node applies the same). */
  readonly baseFeePerGas: bigint;
  /** Rollup gas the gateway may promise per L1 slot of a window. */
  readonly gasPerSlot: bigint;
  /**
   * The rollup's `Bridge` on L1: its `DepositQueued` events make `0x7e` forced inclusions genuine
   * deposits (minted). Without it, no deposit is genuine: every `0x7e` entry is skipped.
   */
  readonly bridge?: Address;
}

export interface GatewayOptions {
  /** The committer key: signs commitments and batches. Never logged. */
  readonly committerKey: Hex;
  /** Sends the inbox transactions (default: the committer key). Never logged. */
  readonly submitterKey?: Hex;
  readonly l1RpcUrl: string;
  readonly contracts: { readonly lookahead: Address; readonly inbox: Address; readonly slasher: Address };
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
  readonly rollups: readonly RollupOptions[];
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  readonly dataDir: string;
  readonly durability: Durability;
  /** A request is refused if the block its promise needs starts sooner than this. */
  readonly closeMarginMs: number;
  /** Batches are cut this often (sub-slot). */
  readonly batchIntervalMs: number;
  /**
   * A batch whose data is at least this many bytes goes to L1 in blobs; smaller ones in calldata.
   * 0: every batch in blobs; null: never. Blobs are the cheaper carrier for anything but small
   * batches (calldata pays 40 gas a byte under EIP-7623's floor), but each costs the gateway a KZG
   * commitment (about 10–40 ms) when the batch is cut and a proof (about 45 ms) when it is sent.
   */
  readonly blobThresholdBytes: number | null;
  /** Blobs one inbox transaction carries at most; batches beyond wait for the next one. */
  readonly maxBlobsPerProposal: number;
  /** L1 gas the gateway may promise per slot of a window (Bolt's default cap is 10M). */
  readonly l1GasPerSlot: bigint;
  /** L1 blobs the gateway may promise per slot of a window. */
  readonly l1BlobsPerSlot: number;
  readonly maxTxBytes: number;
  readonly maxBodyBytes: number;
  readonly maxTxGas: bigint;
  readonly maxBundleSize: number;
  /** Requests waiting for the decision section beyond this are refused with OVERLOADED. */
  readonly maxPending: number;
  readonly livenessPenaltyWei: bigint;
  readonly insuranceWei: bigint;
  /** Graceful shutdown waits this long for in-flight requests. */
  readonly shutdownTimeoutMs: number;
  /** Run the settlement loop (cut, sign and send batches). Off only for benchmarks of the request path. */
  readonly settle: boolean;
  /** Worker threads recovering transaction senders; 0 recovers on the event loop. */
  readonly recoveryThreads: number;
}

export const defaultGatewayOptions = {
  host: "127.0.0.1",
  port: 0,
  durability: "fsync" as Durability,
  closeMarginMs: 500,
  batchIntervalMs: 500,
  blobThresholdBytes: 32 * 1024,
  maxBlobsPerProposal: 6,
  l1GasPerSlot: 10_000_000n,
  l1BlobsPerSlot: 6,
  maxTxBytes: 128 * 1024,
  maxBodyBytes: 1024 * 1024,
  maxTxGas: 16_777_216n,
  maxBundleSize: MAX_BUNDLE_MEMBERS,
  maxPending: 10_000,
  livenessPenaltyWei: 1_000_000_000_000_000n,
  insuranceWei: 0n,
  shutdownTimeoutMs: 5_000,
  settle: true,
  recoveryThreads: 1,
} satisfies Partial<GatewayOptions>;

export function validateGatewayOptions(options: GatewayOptions): Readonly<GatewayOptions> {
  const problems: string[] = [];
  if (!/^0x[0-9a-fA-F]{64}$/.test(options.committerKey))
    problems.push("committerKey must be 32 bytes of hex");
  if (options.secondsPerSlot <= 0) problems.push("secondsPerSlot must be positive");
  if (options.batchIntervalMs <= 0 || options.batchIntervalMs > options.secondsPerSlot * 1000) {
    problems.push("batchIntervalMs must be positive and at most a slot");
  }
  if (options.closeMarginMs < 0 || options.closeMarginMs >= options.secondsPerSlot * 1000) {
    problems.push("closeMarginMs must be within a slot");
  }
  if (
    options.blobThresholdBytes !== null &&
    (!Number.isInteger(options.blobThresholdBytes) || options.blobThresholdBytes < 0)
  )
    problems.push("blobThresholdBytes must be a non-negative integer or null");
  // EIP-7594 (Osaka) caps a transaction at 6 blobs.
  if (
    !Number.isInteger(options.maxBlobsPerProposal) ||
    options.maxBlobsPerProposal < 1 ||
    options.maxBlobsPerProposal > 6
  )
    problems.push("maxBlobsPerProposal must be an integer from 1 to 6");
  if (options.durability !== "fsync" && options.durability !== "os")
    problems.push("durability must be fsync or os");
  if (
    !Number.isInteger(options.recoveryThreads) ||
    options.recoveryThreads < 0 ||
    options.recoveryThreads > 64
  )
    problems.push("recoveryThreads must be an integer from 0 to 64");
  if (
    !Number.isInteger(options.maxBundleSize) ||
    options.maxBundleSize < 2 ||
    options.maxBundleSize > MAX_BUNDLE_MEMBERS
  )
    // Rollup derivation drops the members of a larger bundle: promising one would be a certain fault.
    problems.push(`maxBundleSize must be an integer from 2 to ${MAX_BUNDLE_MEMBERS}`);
  const ids = new Set(options.rollups.map((r) => r.genesis.chainId));
  if (ids.size !== options.rollups.length) problems.push("rollup chain ids must be distinct");
  if (problems.length > 0) throw new RangeError(`Invalid gateway options: ${problems.join("; ")}`);
  return Object.freeze({ ...options });
}
