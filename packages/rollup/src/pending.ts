/**
 * Preconfirmed state: the batches the current gateway has signed and published on its stream, applied
 * on top of the derived head as pending blocks (one per batch, numbered as derivation will number
 * them). When L1 settles a batch, its derived block replaces the pending one; a settled batch that
 * differs from the one the gateway published at that number is a broken promise, recorded for the
 * watchtower, and the pending blocks are rebuilt on what L1 settled.
 */
import type { GatewayClient, GatewayStream, SignedBatchJson, StreamMessageJson } from "@baton/clients";
import {
  type Batch,
  batonDomain,
  decodeBatchData,
  hashBatch,
  type Logger,
  parseBatch,
  recoverDigestSigner,
  typedDataDigest,
  ZERO_HASH,
} from "@baton/protocol";
import type { Address, Hex } from "viem";
import { type BuiltBlock, buildBlock, type ChainConstants } from "./chain/blockBuilder.ts";
import type { LogFilter, RollupBlock, RollupLog } from "./chain/types.ts";
import type { BlockPlan, PlanItem } from "./derivation/deriver.ts";
import type { QueuedDeposit } from "./derivation/inputs.ts";
import type { RollupState } from "./state.ts";

/** A batch the gateway published whose L1 settlement differed. */
export interface BrokenBatch {
  readonly number: bigint;
  readonly published: Hex;
  readonly settled: Hex;
}

export interface PendingContext {
  readonly chainId: bigint;
  readonly l1ChainId: bigint;
  readonly slasher: Address;
  readonly genesisTime: bigint;
  readonly secondsPerSlot: bigint;
  readonly constants: ChainConstants;
  /** The genuine deposit whose raw bytes are `raw`, among those the deriver knows. */
  readonly deposit: (raw: Hex) => QueuedDeposit | null;
}

export class PendingChain {
  /** Published batches of this rollup by number (unsettled, or settled and not yet checked). */
  readonly #published = new Map<bigint, { batch: Batch; hash: Hex; data: Hex; signature: Hex }>();
  #built: BuiltBlock[] = [];
  /** The head the pending blocks were built on. */
  #builtOn: Hex | null = null;
  #stream: GatewayStream | null = null;
  #nextSequence = 0n;
  #closed = false;
  #reconnect: NodeJS.Timeout | null = null;
  readonly broken: BrokenBatch[] = [];

  constructor(
    private readonly context: PendingContext,
    private readonly logger: Logger,
    /** Called when a new batch arrives (the node rebuilds pending blocks in its sync pass). */
    private readonly onBatch: () => void,
  ) {}

  /** Follows the gateway's stream, reconnecting from the last sequence seen. */
  follow(gateway: GatewayClient): void {
    const connect = () => {
      if (this.#closed) return;
      const stream = gateway.stream(this.#nextSequence, (message) => this.receive(message));
      this.#stream = stream;
      stream.opened.catch(() => {});
      stream.closed.then(() => {
        if (!this.#closed) this.#reconnect = setTimeout(connect, 1000);
      });
    };
    connect();
  }

  /** Takes one stream message (batches of this rollup are kept; the rest only moves the cursor). */
  receive(message: StreamMessageJson): void {
    try {
      const sequence = BigInt(message.sequence);
      if (sequence >= this.#nextSequence) this.#nextSequence = sequence + 1n;
      if (message.type !== "batch") return;
      const json = message.data as SignedBatchJson;
      const batch = parseBatch(json.batch);
      if (batch.chainId !== this.context.chainId) return;
      if (hashBatch(batch) !== json.hash) throw new Error("batch hash mismatch");
      this.#published.set(batch.number, {
        batch,
        hash: json.hash,
        data: json.data,
        signature: json.signature,
      });
      this.onBatch();
    } catch (error) {
      this.logger.warn("stream batch ignored", { error: String(error).split("\n")[0] });
    }
  }

  /** Forgets the pending blocks built so far: the next rebuild starts again from the head. */
  invalidate(): void {
    this.#built = [];
    this.#builtOn = null;
  }

  /** Pending blocks, oldest first. */
  get blocks(): readonly BuiltBlock[] {
    return this.#built;
  }

  /**
   * Checks the published batches L1 has now settled (up to `head`) and rebuilds the pending blocks on
   * `head`. The engine must be at `head`'s state; it is left at the last pending block's.
   */
  async rebuild(
    head: RollupBlock,
    settledHash: (number: bigint) => Hex | null,
    state: RollupState,
    /** Moves the engine back to `head`'s state (it holds the pending blocks built before). */
    resetToHead: () => Promise<void>,
  ): Promise<void> {
    for (const [number, published] of this.#published) {
      if (number + 1n > head.number) continue;
      const settled = settledHash(number);
      if (settled !== null && settled !== published.hash) {
        this.broken.push({ number, published: published.hash, settled });
        this.logger.warn("broken promise: L1 settled another batch", {
          code: "BATCH_NOT_AS_PUBLISHED",
          number: number.toString(),
          published: published.hash,
          settled,
        });
      }
      this.#published.delete(number);
    }
    // Same head and every pending block still published as built: extend (the engine is at the
    // last pending block's state). Otherwise start again from the head.
    const extend =
      this.#builtOn === head.hash &&
      this.#built.every(
        (built) => this.#published.get(built.block.number - 1n)?.hash === built.block.extraData,
      );
    if (!extend) {
      await resetToHead();
      this.#built = [];
      this.#builtOn = head.hash;
    }
    let parent = this.#built.at(-1)?.block ?? head;
    let parentBatch = parent.number === 0n ? ZERO_HASH : parent.extraData;
    for (let number = parent.number; ; number++) {
      const published = this.#published.get(number);
      if (published === undefined || published.batch.parentHash !== parentBatch) break;
      const plan = await this.#plan(published);
      if (plan === null) break;
      const built = await buildBlock(state.engine, parent, plan, this.context.constants, { pending: true });
      this.#built.push(built);
      parent = built.block;
      parentBatch = published.hash;
    }
  }

  async #plan(published: { batch: Batch; hash: Hex; data: Hex; signature: Hex }): Promise<BlockPlan | null> {
    const { batch } = published;
    let coinbase: Address;
    try {
      coinbase = (
        await recoverDigestSigner(
          typedDataDigest(batonDomain(this.context.l1ChainId, this.context.slasher), published.hash),
          published.signature,
        )
      ).toLowerCase() as Address;
    } catch {
      return null;
    }
    let entries: ReturnType<typeof decodeBatchData>;
    try {
      entries = decodeBatchData(published.data);
    } catch {
      return null;
    }
    const items: PlanItem[] = entries.map((entry, i) => {
      const position = batch.firstPosition + BigInt(i);
      const deposit = entry.tx.startsWith("0x7e") ? this.context.deposit(entry.tx) : null;
      return deposit === null
        ? { kind: "tx", raw: entry.tx, position, forced: false }
        : { kind: "deposit", raw: entry.tx, position, deposit };
    });
    return {
      number: batch.number + 1n,
      timestamp: this.context.genesisTime + batch.targetSlot * this.context.secondsPerSlot,
      coinbase,
      batch,
      batchHash: published.hash,
      sequenced: true,
      l1BlockNumber: 0n,
      l1BlockHash: ZERO_HASH,
      items,
      skipped: [],
    };
  }

  block(number: bigint): RollupBlock | null {
    return this.#built.find((b) => b.block.number === number)?.block ?? null;
  }

  blockByHash(hash: Hex): RollupBlock | null {
    const lower = hash.toLowerCase();
    return this.#built.find((b) => b.block.hash === lower)?.block ?? null;
  }

  transaction(hash: Hex) {
    const lower = hash.toLowerCase();
    for (const built of this.#built) {
      const tx = built.transactions.find((t) => t.hash === lower);
      if (tx !== undefined) return tx;
    }
    return null;
  }

  receipt(hash: Hex) {
    const lower = hash.toLowerCase();
    for (const built of this.#built) {
      const receipt = built.receipts.find((r) => r.transactionHash === lower);
      if (receipt !== undefined) return receipt;
    }
    return null;
  }

  logs(filter: LogFilter): RollupLog[] {
    const out: RollupLog[] = [];
    const addresses = new Set(filter.addresses.map((a) => a.toLowerCase()));
    for (const built of this.#built) {
      if (built.block.number < filter.fromBlock || built.block.number > filter.toBlock) continue;
      for (const receipt of built.receipts)
        for (const log of receipt.logs) {
          if (addresses.size > 0 && !addresses.has(log.address.toLowerCase())) continue;
          const matches = filter.topics.every(
            (options, i) =>
              options === null ||
              options.length === 0 ||
              options.some((topic) => topic.toLowerCase() === log.topics[i]),
          );
          if (matches) out.push(log);
        }
    }
    return out;
  }

  close(): void {
    this.#closed = true;
    if (this.#reconnect !== null) clearTimeout(this.#reconnect);
    this.#stream?.close();
  }
}
