/**
 * One lane per rollup: its pending state (the execution engine, every promised transaction applied
 * in order), its position counter, its chain of batches and the batch being filled.
 *
 * Rollup block rules the rollup node must apply identically (DESIGN.md §5; issue 5 derives them):
 * one rollup block per batch, number `batch.number + 1`, timestamp the start of the batch's target
 * slot, coinbase the committer, the rollup's constant base fee, its block gas limit, PREVRANDAO zero.
 * A batch's forced inclusions lead its transactions: the gateway consumes every queued one, in queue
 * order, when it opens a batch (not only those due). A genuine deposit is minted
 * (`engine.applyDeposit`); any other entry is executed, and one that is invalid (a forged `0x7e`
 * entry included) is skipped but keeps its position, as in derivation.
 */
import { type BlockEnv, type ExecutionEngine, ExecutionError, type TxOutcome } from "@baton/execution";
import {
  type Batch,
  type BatchEntry,
  type BlobCarriage,
  batchDataHash,
  blobBatchDataHash,
  DEPOSIT_TX_TYPE,
  decodeDepositTx,
  encodeBatchData,
  hashBatch,
  txRoot,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, type Hex, keccak256, zeroAddress } from "viem";
import type { ForcedEntry } from "./l1.ts";
import type { RollupOptions } from "./options.ts";
import type { StoredTransaction } from "./store.ts";

/** `StoredTransaction.kind` of a forced inclusion that is not a genuine deposit. */
export const FORCED_KIND = -1;
/** `StoredTransaction.kind` of a forced inclusion that is a genuine deposit (minted on replay too). */
export const DEPOSIT_KIND = -2;

export interface OpenBatch {
  readonly number: bigint;
  readonly targetSlot: bigint;
  readonly firstPosition: bigint;
  readonly entries: BatchEntry[];
  readonly txHashes: Hex[];
  forcedUpTo: bigint;
  readonly openedAtMs: number;
}

export interface CutBatch {
  readonly batch: Batch;
  readonly hash: Hex;
  readonly data: Hex;
  /** The data as blobs, when the batch goes to L1 in blobs (its `dataHash` names their hashes). */
  readonly blobs?: BlobCarriage;
}

export class RollupLane {
  /** Position the next transaction gets. */
  nextPosition = 0n;
  /** Number of the next batch. */
  nextBatchNumber = 0n;
  lastBatchHash: Hex = ZERO_HASH;
  /** Forced-inclusion queue index up to which transactions are in a batch (cut or open). */
  forcedNext = 0n;
  open: OpenBatch | null = null;
  /** Struct hash of the last ordering/state commitment per window (target slot). */
  readonly parents = new Map<bigint, Hex>();
  /** The inbox's forced-inclusion queue from `forcedNext` on, refreshed by the settlement loop. */
  forcedQueue: ForcedEntry[] = [];

  constructor(
    readonly options: RollupOptions,
    readonly engine: ExecutionEngine,
    private readonly coinbase: Address,
    private readonly slotStart: (slot: bigint) => bigint,
    /**
     * Blob batches: data of at least `thresholdBytes` (`GatewayOptions.blobThresholdBytes`) is laid
     * out in blobs by `carry` (the KZG worker's); null keeps every batch in calldata.
     */
    private readonly blobs: {
      thresholdBytes: number;
      carry: (data: Hex) => Promise<BlobCarriage>;
    } | null = null,
  ) {}

  get chainId(): bigint {
    return this.options.genesis.chainId;
  }

  env(batchNumber: bigint, targetSlot: bigint): BlockEnv {
    return {
      number: batchNumber + 1n,
      timestamp: this.slotStart(targetSlot),
      coinbase: this.coinbase,
      baseFeePerGas: this.options.baseFeePerGas,
      gasLimit: this.options.blockGasLimit,
      prevRandao: ZERO_HASH,
    };
  }

  /** Opens a batch for the window if none is open (the caller cut any batch of another window). */
  ensureOpen(targetSlot: bigint, nowMs: number): OpenBatch {
    if (this.open !== null && this.open.targetSlot === targetSlot) return this.open;
    if (this.open !== null) throw new Error("a batch of another window is still open");
    this.open = {
      number: this.nextBatchNumber,
      targetSlot,
      firstPosition: this.nextPosition,
      entries: [],
      txHashes: [],
      forcedUpTo: this.forcedNext,
      openedAtMs: nowMs,
    };
    return this.open;
  }

  /**
   * Opens a batch for the window if none is open, leading with every forced inclusion queued so far
   * (deposits should land fast, and their fees go to whoever settles): each is applied on the
   * pending state (see {@link applyForced}) and returned for persisting.
   */
  async openBatch(targetSlot: bigint, nowMs: number): Promise<StoredTransaction[]> {
    if (this.open !== null && this.open.targetSlot === targetSlot) return [];
    const open = this.ensureOpen(targetSlot, nowMs);
    const env = this.env(open.number, open.targetSlot);
    const added: StoredTransaction[] = [];
    for (const entry of this.forcedQueue) {
      if (entry.index !== this.forcedNext) break;
      const kind = entry.deposit === null ? FORCED_KIND : DEPOSIT_KIND;
      await this.applyForced(entry.rawTx, kind, env);
      const position = this.append(entry.rawTx, keccak256(entry.rawTx), null);
      // Stored like a promised transaction, so a restart replays it in place (nonce: its queue index).
      added.push({
        txHash: entry.txHash,
        chainId: this.chainId,
        requestHash: null,
        sender: entry.deposit?.from ?? zeroAddress,
        nonce: entry.index,
        raw: entry.rawTx,
        bundle: null,
        position,
        targetSlot,
        gas: 0n,
        cost: 0n,
        kind,
        commitmentHash: null,
      });
      this.forcedNext = entry.index + 1n;
      open.forcedUpTo = this.forcedNext;
    }
    this.forcedQueue = this.forcedQueue.filter((entry) => entry.index >= this.forcedNext);
    return added;
  }

  /**
   * Applies a forced inclusion on the pending state in block `env` (also on restart, from its stored
   * `kind`): a genuine deposit ({@link DEPOSIT_KIND}) is minted; any other `0x7e` entry is forged and
   * skipped; anything else is executed, an invalid transaction changing nothing.
   */
  async applyForced(raw: Hex, kind: number, env: BlockEnv): Promise<void> {
    if (kind === DEPOSIT_KIND) {
      // Genuine when it was stored, so it decodes (the bytes are the bridge's encoding).
      const deposit = decodeDepositTx(raw);
      await this.engine.applyDeposit(
        { to: deposit.to, value: deposit.value, from: deposit.from, txHash: keccak256(raw) },
        env,
      );
      return;
    }
    if (raw.slice(2, 4).toLowerCase() === DEPOSIT_TX_TYPE.toString(16)) return;
    try {
      await this.engine.execute(raw, env);
    } catch (error) {
      if (!(error instanceof ExecutionError)) throw error;
    }
  }

  /** Executes a transaction on the pending state in the open batch's block. */
  execute(raw: Hex): Promise<TxOutcome> {
    const open = this.open;
    if (open === null) throw new Error("no open batch");
    return this.engine.execute(raw, this.env(open.number, open.targetSlot));
  }

  /** Appends a transaction to the open batch; returns its position. */
  append(tx: Hex, txHash: Hex, bundle: Hex | null): bigint {
    const open = this.open;
    if (open === null) throw new Error("no open batch");
    open.entries.push({ tx, bundle });
    open.txHashes.push(txHash);
    const position = this.nextPosition;
    this.nextPosition += 1n;
    return position;
  }

  /**
   * Closes the open batch into a `Batch` (unsigned) and advances the chain; null if it is empty. A
   * blob batch's commitments are awaited before anything changes: the caller holds the decision
   * section, so nothing else touches the lane meanwhile.
   */
  async cut(): Promise<CutBatch | null> {
    const open = this.open;
    if (open === null) return null;
    if (open.entries.length === 0) {
      // Nothing to settle: the batch number is not used.
      this.open = null;
      return null;
    }
    const data = encodeBatchData(open.entries);
    const inBlobs = this.blobs !== null && (data.length - 2) / 2 >= this.blobs.thresholdBytes;
    const blobs = inBlobs ? await this.blobs?.carry(data) : undefined;
    if (this.open !== open) throw new Error("the open batch changed while it was cut");
    this.open = null;
    const batch: Batch = {
      chainId: this.chainId,
      number: open.number,
      parentHash: this.lastBatchHash,
      targetSlot: open.targetSlot,
      firstPosition: open.firstPosition,
      txCount: open.entries.length,
      txRoot: txRoot(open.txHashes),
      dataHash: blobs === undefined ? batchDataHash(data) : blobBatchDataHash(blobs.versionedHashes),
      forcedUpTo: open.forcedUpTo,
    };
    const hash = hashBatch(batch);
    this.lastBatchHash = hash;
    this.nextBatchNumber = open.number + 1n;
    return blobs === undefined ? { batch, hash, data } : { batch, hash, data, blobs };
  }
}
