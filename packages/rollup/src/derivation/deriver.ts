/**
 * Derivation: L1 inputs in, block plans out, deterministically (docs/rollup.md). The deriver keeps
 * the batch chain of every rollup (bundles span rollups), the forced-inclusion queues and this
 * rollup's deposits, and turns each accepted batch of its rollup into a {@link BlockPlan}: the block's
 * environment and the transactions to apply, in order. It executes nothing: `blockBuilder.ts` does.
 *
 * Its state is a function of the inputs fed so far; the node rebuilds it after a restart or a reorg
 * by feeding the stored inputs again.
 */
import { inboxAbi } from "@baton/contracts";
import {
  type Batch,
  type BatchEntry,
  batonDomain,
  blobBatchDataHash,
  bundleHash,
  decodeBatchData,
  encodeDepositTx,
  fastKeccak256,
  hashBatch,
  isGenuineDeposit,
  type Logger,
  MAX_BUNDLE_MEMBERS,
  recoverDigestSigner,
  txRoot,
  typedDataDigest,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, decodeFunctionData, type Hex } from "viem";
import { RollupError, RollupErrorCode } from "../errors.ts";
import type { L1BlockInputs, ProposedBatch, QueuedDeposit, QueuedForced } from "./inputs.ts";

export interface DerivationConfig {
  /** The rollup this deriver plans blocks for. */
  readonly chainId: bigint;
  readonly inbox: Address;
  /** L1 chain id and slasher: the EIP-712 domain batches are signed under. */
  readonly l1ChainId: bigint;
  readonly slasher: Address;
  readonly genesisTime: bigint;
  readonly secondsPerSlot: bigint;
  /** The inbox's `maxInactivity`: after this long without a batch, unsigned batches are accepted. */
  readonly maxInactivity: bigint;
  /**
   * When the rollups were registered (the inbox starts each rollup's inactivity clock there); the
   * beacon genesis time if not given. Used for every rollup the deriver follows.
   */
  readonly registeredAt?: bigint;
}

/** One transaction of a block plan, with its rollup-wide position. */
export type PlanItem =
  | { readonly kind: "tx"; readonly raw: Hex; readonly position: bigint; readonly forced: boolean }
  | {
      readonly kind: "deposit";
      readonly raw: Hex;
      readonly position: bigint;
      readonly deposit: QueuedDeposit;
    };

/** Why a position of a batch is not in its block. */
export type SkipReason = "DATA_UNUSABLE" | "BUNDLE_INCOMPLETE" | "DEPOSIT_NOT_GENUINE";

export interface BlockPlan {
  /** `batch.number + 1`. */
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly coinbase: Address;
  readonly batch: Batch;
  readonly batchHash: Hex;
  readonly sequenced: boolean;
  readonly l1BlockNumber: bigint;
  readonly l1BlockHash: Hex;
  readonly items: readonly PlanItem[];
  readonly skipped: readonly { readonly position: bigint; readonly reason: SkipReason }[];
}

/** A batch that passed the inbox's checks again, with its data if usable. */
interface AcceptedBatch {
  readonly event: ProposedBatch;
  readonly coinbase: Address;
  readonly l1: { readonly number: bigint; readonly hash: Hex; readonly timestamp: bigint };
  /** The consumed forced inclusions' queue range. */
  readonly forcedFrom: bigint;
  /** Decoded data, or null when unavailable or unusable. */
  readonly entries: readonly BatchEntry[] | null;
}

interface ChainCursor {
  nextNumber: bigint;
  parentHash: Hex;
  nextPosition: bigint;
  forcedHead: bigint;
  lastProposedAt: bigint;
  /** Forced inclusions queued and not consumed, by index. */
  readonly forced: Map<bigint, QueuedForced>;
}

interface BundleMember {
  readonly chainId: bigint;
  readonly txHash: Hex;
  readonly position: bigint;
}

type LookaheadEntry = { slot: bigint; registration: Hex; committer: Address };
type BatchInput = { batch: Batch; signature: Hex; data: Hex; blobIndices: readonly number[] };

export type RejectReason =
  | "BATCH_HASH_MISMATCH"
  | "BATCH_CHAIN_BROKEN"
  | "SIGNATURE_INVALID"
  | "WRONG_TARGET_SLOT"
  | "SEQUENCED_MISMATCH"
  | "FORCED_RANGE_INVALID";

export class Deriver {
  readonly #chains = new Map<bigint, ChainCursor>();
  readonly #deposits = new Map<bigint, QueuedDeposit>();
  /** The same deposits by their raw encoding (for pending blocks). */
  readonly #depositsByRaw = new Map<Hex, QueuedDeposit>();
  /** Bundle members by `targetSlot:bundleHash`, from accepted sequenced batches of every rollup. */
  readonly #bundles = new Map<string, BundleMember[]>();
  /** This rollup's accepted batches not yet planned (waiting for their window to close). */
  readonly #queue: AcceptedBatch[] = [];
  #lastTimestamp: bigint;
  #l1Timestamp = 0n;
  readonly #domain;

  constructor(
    readonly config: DerivationConfig,
    private readonly logger: Logger,
    /** The parent of the first block to plan: its timestamp floors the next one's. */
    genesisTimestamp = 0n,
  ) {
    this.#lastTimestamp = genesisTimestamp;
    this.#domain = batonDomain(config.l1ChainId, config.slasher);
  }

  /** The genuine deposit (bridge event known) whose encoding is `raw`, for pending blocks. */
  genuineDeposit(raw: Hex): QueuedDeposit | null {
    return this.#depositsByRaw.get(raw.toLowerCase() as Hex) ?? null;
  }

  /** Accepted batches of this rollup waiting for their window to close (or for nothing). */
  get waiting(): number {
    return this.#queue.length;
  }

  #cursor(chainId: bigint): ChainCursor {
    let cursor = this.#chains.get(chainId);
    if (cursor === undefined) {
      cursor = {
        nextNumber: 0n,
        parentHash: ZERO_HASH,
        nextPosition: 0n,
        forcedHead: 0n,
        lastProposedAt: this.config.registeredAt ?? this.config.genesisTime,
        forced: new Map(),
      };
      this.#chains.set(chainId, cursor);
    }
    return cursor;
  }

  slotStart(slot: bigint): bigint {
    return this.config.genesisTime + slot * this.config.secondsPerSlot;
  }

  /** Feeds one L1 block's inputs (blocks in order, each once). */
  async addL1Block(block: L1BlockInputs): Promise<void> {
    this.#l1Timestamp = block.timestamp;
    // The inbox starts a rollup's inactivity clock at its registration.
    for (const chainId of block.registrations ?? []) this.#cursor(chainId).lastProposedAt = block.timestamp;
    for (const forced of block.forced) this.#cursor(forced.chainId).forced.set(forced.index, forced);
    for (const deposit of block.deposits)
      if (deposit.chainId === this.config.chainId) {
        this.#deposits.set(deposit.forcedIndex, deposit);
        this.#depositsByRaw.set(encodeDeposit(deposit).toLowerCase() as Hex, deposit);
      }
    // Batches of one `propose` share its window; events come in log order.
    for (const event of block.batches) {
      const verdict = await this.#accept(event, block);
      if (typeof verdict === "string") {
        this.logger.warn("batch rejected", {
          code: "BATCH_REJECTED",
          reason: verdict,
          chainId: event.chainId.toString(),
          number: event.batch.number.toString(),
          batchHash: event.batchHash,
          l1Block: block.number.toString(),
        });
        continue;
      }
      if (verdict.event.sequenced && verdict.entries !== null) this.#indexBundles(verdict);
      if (event.chainId === this.config.chainId) this.#queue.push(verdict);
    }
  }

  /** Notes L1's head time without inputs (a block with no events of interest). */
  advance(l1Timestamp: bigint): void {
    if (l1Timestamp > this.#l1Timestamp) this.#l1Timestamp = l1Timestamp;
  }

  /**
   * Plans every queued batch that can be planned now, in order. A batch with bundle members waits
   * until L1 has a block after its target slot (its window can take no more batches).
   */
  takeReady(): BlockPlan[] {
    const plans: BlockPlan[] = [];
    while (this.#queue.length > 0) {
      const next = this.#queue[0] as AcceptedBatch;
      const hasBundles = next.event.sequenced && next.entries?.some((entry) => entry.bundle !== null);
      if (hasBundles && this.#l1Timestamp < this.slotStart(next.event.batch.targetSlot + 1n)) break;
      this.#queue.shift();
      plans.push(this.#plan(next));
    }
    return plans;
  }

  async #accept(event: ProposedBatch, block: L1BlockInputs): Promise<AcceptedBatch | RejectReason> {
    const { batch } = event;
    if (hashBatch(batch) !== event.batchHash) return "BATCH_HASH_MISMATCH";
    const cursor = this.#cursor(event.chainId);
    if (
      batch.number !== cursor.nextNumber ||
      batch.parentHash !== cursor.parentHash ||
      batch.firstPosition !== cursor.nextPosition
    )
      return "BATCH_CHAIN_BROKEN";
    const forcedFrom = cursor.forcedHead;
    const forcedCount = batch.forcedUpTo - forcedFrom;
    if (forcedCount < 0n || forcedCount > BigInt(batch.txCount)) return "FORCED_RANGE_INVALID";
    for (let k = forcedFrom; k < batch.forcedUpTo; k++)
      if (!cursor.forced.has(k)) return "FORCED_RANGE_INVALID";

    let sequenced = event.sequenced;
    let coinbase = event.proposer;
    let entries: BatchEntry[] | null = null;
    const found = this.#findInput(event);
    if (found !== null) {
      // The inbox's authorisation, again: the window of the L1 block's slot, from the calldata's lists.
      const { input, current, next } = found;
      const slot = (block.timestamp - this.config.genesisTime) / this.config.secondsPerSlot;
      const window = windowAt(slot, current, next);
      const permissionless = block.timestamp > cursor.lastProposedAt + this.config.maxInactivity;
      sequenced = false;
      if (window !== null && (input.signature !== "0x" || !permissionless)) {
        if (input.signature === "0x") return "SIGNATURE_INVALID";
        let signer: Address;
        try {
          signer = await recoverDigestSigner(typedDataDigest(this.#domain, event.batchHash), input.signature);
        } catch {
          return "SIGNATURE_INVALID";
        }
        if (signer.toLowerCase() !== window.committer.toLowerCase()) return "SIGNATURE_INVALID";
        if (batch.targetSlot !== window.slot) return "WRONG_TARGET_SLOT";
        sequenced = true;
        coinbase = window.committer;
      }
      if (sequenced !== event.sequenced) return "SEQUENCED_MISMATCH";
      const forcedHashes: Hex[] = [];
      for (let k = forcedFrom; k < batch.forcedUpTo; k++)
        forcedHashes.push((cursor.forced.get(k) as QueuedForced).txHash);
      entries = usableEntries(batchData(input, event), batch, forcedHashes);
    } else {
      // The inbox settled it (the event is its own), but not from a direct `propose` call: the node
      // cannot read its data or signature. The chain follows the inbox; the batch carries only its
      // forced inclusions, and its fees go to the proposer.
      this.logger.warn("batch data unavailable", {
        code: "BATCH_DATA_UNAVAILABLE",
        chainId: event.chainId.toString(),
        number: batch.number.toString(),
        txHash: event.txHash,
      });
    }

    cursor.nextNumber = batch.number + 1n;
    cursor.parentHash = event.batchHash;
    cursor.nextPosition = batch.firstPosition + BigInt(batch.txCount);
    cursor.lastProposedAt = block.timestamp;
    cursor.forcedHead = batch.forcedUpTo;
    // The consumed forced inclusions stay readable for planning (own chain); others are dropped.
    if (event.chainId !== this.config.chainId)
      for (let k = forcedFrom; k < batch.forcedUpTo; k++) cursor.forced.delete(k);
    return {
      event: { ...event, sequenced },
      coinbase: coinbase.toLowerCase() as Address,
      l1: { number: block.number, hash: block.hash, timestamp: block.timestamp },
      forcedFrom,
      entries,
    };
  }

  /** The `BatchInput` of a direct `Inbox.propose` call that carries the event's batch. */
  #findInput(
    event: ProposedBatch,
  ): { input: BatchInput; current: LookaheadEntry[]; next: LookaheadEntry[] } | null {
    if (event.txTo === null || event.txTo.toLowerCase() !== this.config.inbox.toLowerCase()) return null;
    let decoded: { functionName: string; args: readonly unknown[] };
    try {
      decoded = decodeFunctionData({ abi: inboxAbi, data: event.txInput }) as typeof decoded;
    } catch {
      return null;
    }
    if (decoded.functionName !== "propose") return null;
    const [inputs, current, next] = decoded.args as [BatchInput[], LookaheadEntry[], LookaheadEntry[]];
    const input = inputs.find((candidate) => hashBatch(candidate.batch) === event.batchHash);
    return input === undefined ? null : { input, current, next };
  }

  #indexBundles(accepted: AcceptedBatch): void {
    const { batch } = accepted.event;
    const forcedCount = Number(batch.forcedUpTo - accepted.forcedFrom);
    (accepted.entries as BatchEntry[]).forEach((entry, i) => {
      if (entry.bundle === null || i < forcedCount) return;
      const key = `${batch.targetSlot}:${entry.bundle}`;
      const members = this.#bundles.get(key) ?? [];
      members.push({
        chainId: batch.chainId,
        txHash: fastKeccak256(entry.tx),
        position: batch.firstPosition + BigInt(i),
      });
      this.#bundles.set(key, members);
    });
  }

  #bundleComplete(targetSlot: bigint, hash: Hex): boolean {
    const members = this.#bundles.get(`${targetSlot}:${hash}`) ?? [];
    return members.length >= 2 && members.length <= MAX_BUNDLE_MEMBERS && someOrderHashesTo(members, hash);
  }

  #plan(accepted: AcceptedBatch): BlockPlan {
    const { batch, batchHash, sequenced } = accepted.event;
    const cursor = this.#cursor(this.config.chainId);
    const items: PlanItem[] = [];
    const skipped: { position: bigint; reason: SkipReason }[] = [];
    let position = batch.firstPosition;
    for (let k = accepted.forcedFrom; k < batch.forcedUpTo; k++, position++) {
      const forced = cursor.forced.get(k) as QueuedForced;
      cursor.forced.delete(k);
      if (forced.rawTx.startsWith("0x7e")) {
        const deposit = this.#deposits.get(k);
        const genuine = isGenuineDeposit(forced.rawTx, k, this.#deposits, this.config.chainId) !== null;
        this.#deposits.delete(k);
        if (deposit !== undefined) this.#depositsByRaw.delete(encodeDeposit(deposit).toLowerCase() as Hex);
        if (deposit !== undefined && genuine)
          items.push({ kind: "deposit", raw: forced.rawTx, position, deposit });
        else skipped.push({ position, reason: "DEPOSIT_NOT_GENUINE" });
      } else items.push({ kind: "tx", raw: forced.rawTx, position, forced: true });
    }
    const forcedCount = Number(batch.forcedUpTo - accepted.forcedFrom);
    const entries = accepted.entries;
    for (let i = forcedCount; i < batch.txCount; i++, position++) {
      const entry = entries?.[i];
      if (entry === undefined) {
        skipped.push({ position, reason: "DATA_UNUSABLE" });
        continue;
      }
      if (entry.bundle !== null && (!sequenced || !this.#bundleComplete(batch.targetSlot, entry.bundle))) {
        skipped.push({ position, reason: "BUNDLE_INCOMPLETE" });
        continue;
      }
      items.push({ kind: "tx", raw: entry.tx, position, forced: false });
    }
    let timestamp = sequenced ? this.slotStart(batch.targetSlot) : accepted.l1.timestamp;
    if (timestamp < this.#lastTimestamp) timestamp = this.#lastTimestamp;
    this.#lastTimestamp = timestamp;
    return {
      number: batch.number + 1n,
      timestamp,
      coinbase: accepted.coinbase,
      batch,
      batchHash,
      sequenced,
      l1BlockNumber: accepted.l1.number,
      l1BlockHash: accepted.l1.hash,
      items,
      skipped,
    };
  }
}

/** The window holding `slot` by the calldata's lists (as `LookaheadStore.windowAt`), or null in fallback. */
function windowAt(
  slot: bigint,
  current: readonly LookaheadEntry[],
  next: readonly LookaheadEntry[],
): { slot: bigint; committer: Address } | null {
  for (const entry of current)
    if (entry.slot >= slot) return { slot: entry.slot, committer: entry.committer };
  const first = next[0];
  return first === undefined ? null : { slot: first.slot, committer: first.committer };
}

/**
 * The batch's data bytes: its calldata, or what its blobs decoded to (null: they did not decode).
 * @throws RollupError `BLOB_UNAVAILABLE` for a blob batch whose blobs were not read: deriving it
 * without them would fork from every node that has them.
 */
function batchData(input: BatchInput, event: ProposedBatch): Hex | null {
  if (input.blobIndices.length === 0) return input.data;
  if (event.blobData === undefined) {
    throw new RollupError(
      RollupErrorCode.blobUnavailable,
      "A blob batch reached derivation without its blobs",
      {
        details: { chainId: event.chainId, number: event.batch.number, txHash: event.txHash },
      },
    );
  }
  // The inbox checked these; an event that disagrees with them carries nothing usable.
  if (event.blobHashes.length !== input.blobIndices.length) return null;
  if (blobBatchDataHash(event.blobHashes) !== event.batch.dataHash) return null;
  return event.blobData;
}

/** The batch's entries when its data is usable (docs/rollup.md, "Batches"), else null. */
function usableEntries(data: Hex | null, batch: Batch, forcedHashes: readonly Hex[]): BatchEntry[] | null {
  if (data === null) return null;
  let entries: BatchEntry[];
  try {
    entries = decodeBatchData(data);
  } catch {
    return null;
  }
  if (entries.length !== batch.txCount) return null;
  const hashes = entries.map((entry) => fastKeccak256(entry.tx));
  if (txRoot(hashes) !== batch.txRoot) return null;
  for (let i = 0; i < forcedHashes.length; i++) if (hashes[i] !== forcedHashes[i]) return null;
  return entries;
}

/**
 * Whether some order of `members` that keeps each rollup's members in position order hashes to
 * `hash` (the request order is not on L1; within a rollup it is the position order).
 */
function someOrderHashesTo(members: readonly BundleMember[], hash: Hex): boolean {
  const byChain = new Map<bigint, BundleMember[]>();
  for (const member of members) byChain.set(member.chainId, [...(byChain.get(member.chainId) ?? []), member]);
  const lanes = [...byChain.values()].map((lane) => lane.sort((a, b) => (a.position < b.position ? -1 : 1)));
  const taken = lanes.map(() => 0);
  const order: BundleMember[] = [];
  const search = (): boolean => {
    if (order.length === members.length) return bundleHash(order) === hash;
    for (let l = 0; l < lanes.length; l++) {
      const lane = lanes[l] as BundleMember[];
      const at = taken[l] as number;
      if (at >= lane.length) continue;
      order.push(lane[at] as BundleMember);
      taken[l] = at + 1;
      if (search()) return true;
      taken[l] = at;
      order.pop();
    }
    return false;
  };
  return search();
}

/** `0x7e ‖ rlp([chainId, depositNonce, from, to, value])`, as the bridge encodes a deposit. */
export function encodeDeposit(deposit: QueuedDeposit): Hex {
  return encodeDepositTx({
    chainId: deposit.chainId,
    depositNonce: deposit.depositNonce,
    from: deposit.from,
    to: deposit.to,
    value: deposit.value,
  });
}
