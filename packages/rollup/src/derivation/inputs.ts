/**
 * What derivation reads from L1, already decoded: per L1 block, the inbox's batch and forced-inclusion
 * events and the bridges' deposit events. `l1Source.ts` reads them over JSON-RPC; tests craft them.
 */
import type { Batch } from "@baton/protocol";
import type { Address, Hex } from "viem";

/** A `BatchProposed` event with the L1 transaction that emitted it. */
export interface ProposedBatch {
  readonly chainId: bigint;
  readonly batchHash: Hex;
  readonly batch: Batch;
  readonly sequenced: boolean;
  /** `msg.sender` of `propose`, as the event names it. */
  readonly proposer: Address;
  readonly logIndex: number;
  /** The L1 transaction's hash, recipient and input (calldata). */
  readonly txHash: Hex;
  readonly txTo: Address | null;
  readonly txInput: Hex;
  /** The versioned hashes of the batch's blobs, as the event names them (empty: calldata batch). */
  readonly blobHashes: readonly Hex[];
  /**
   * A blob batch's data, decoded from its blobs (`decodeBlobData`), or null when the blobs do not
   * decode (then the data is unusable). Absent for calldata batches.
   */
  readonly blobData?: Hex | null;
}

/** An `Inbox.ForcedInclusionQueued` event. */
export interface QueuedForced {
  readonly chainId: bigint;
  readonly index: bigint;
  readonly txHash: Hex;
  readonly dueAt: bigint;
  readonly rawTx: Hex;
}

/** A `Bridge.DepositQueued` event of one rollup's bridge. */
export interface QueuedDeposit {
  readonly chainId: bigint;
  readonly forcedIndex: bigint;
  readonly depositNonce: bigint;
  readonly from: Address;
  readonly to: Address;
  readonly value: bigint;
}

/** One L1 block's inputs, in log order within each list. */
export interface L1BlockInputs {
  readonly number: bigint;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  /** Every rollup's batches (bundles span rollups). */
  readonly batches: readonly ProposedBatch[];
  readonly forced: readonly QueuedForced[];
  readonly deposits: readonly QueuedDeposit[];
  /** Chain ids of the rollups registered in this block (`Inbox.RollupRegistered`). */
  readonly registrations?: readonly bigint[];
}
