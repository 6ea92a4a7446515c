/**
 * Checks, from L1 alone, that every commitment the gateway published was kept: an L1 inclusion
 * promise by a receipt in a block at or before the target slot; a rollup promise by a sequenced
 * batch settled in the inbox at or before the target slot that holds the transaction at the
 * promised position (decoded from the `propose` calldata, or from the batch's blobs, read through the
 * Beacon API and checked against their versioned hashes); a bundle when all its members are kept.
 * Counts feed the devnet summary (`commitments: {issued, settled, broken}`).
 */
import type { GatewayClient, GatewayStream, SignedCommitmentJson, StreamMessageJson } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import {
  type ChainTime,
  CommitmentKind,
  decodeBatchData,
  decodeBlobData,
  type Logger,
  parseCommitment,
  slotOfTimestamp,
} from "@baton/protocol";
import type { BlobSource } from "@baton/rollup";
import {
  type Address,
  decodeFunctionData,
  type Hex,
  keccak256,
  type PublicClient,
  parseEventLogs,
} from "viem";

interface Tracked {
  readonly chainId: bigint;
  readonly kind: number;
  readonly txHash: Hex;
  readonly position: bigint;
  readonly targetSlot: number;
  readonly members: Tracked[];
}

export interface CommitmentCounts {
  issued: number;
  settled: number;
  broken: number;
  /** Target slot not reached yet. */
  pending: number;
}

export class CommitmentTracker {
  readonly #open: Tracked[] = [];
  readonly counts: CommitmentCounts = { issued: 0, settled: 0, broken: 0, pending: 0 };
  readonly brokenExamples: { txHash: Hex; chainId: string; targetSlot: number }[] = [];
  /** Rollup transactions settled: `${chainId}:${position}` → tx hash and the slot it settled in. */
  readonly #settledRollupTxs = new Map<string, { txHash: Hex; slot: number }>();
  #nextBlock = 0n;
  /** Slot of the last scanned block. */
  #scannedSlot = -1;
  /** Every L1 transaction in the scanned blocks, with its block's slot. */
  readonly #minedL1 = new Map<Hex, number>();
  #stream: GatewayStream | null = null;
  #sequence = 0n;

  constructor(
    private readonly client: PublicClient,
    private readonly gateway: GatewayClient,
    private readonly inbox: Address,
    private readonly l1ChainId: bigint,
    private readonly time: ChainTime,
    private readonly logger: Logger,
    /** Where blob batches' data is read. */
    private readonly blobs: BlobSource,
  ) {}

  /** A blob batch's data, or null when its blobs do not decode (nothing in it is kept). */
  async #blobData(slot: bigint, versionedHashes: readonly Hex[]): Promise<Hex | null> {
    const blobs = await this.blobs.blobs(slot, versionedHashes);
    try {
      return decodeBlobData(blobs);
    } catch {
      return null;
    }
  }

  /** The batch's entries; none when its data does not decode (nothing in it is kept). */
  #entries(data: Hex | null) {
    if (data === null) return [];
    try {
      return decodeBatchData(data);
    } catch {
      return [];
    }
  }

  /** Follows the gateway's public stream (reconnecting from the last sequence seen). */
  start(): void {
    const connect = () => {
      const stream = this.gateway.stream(this.#sequence + 1n, (message) => this.#onMessage(message));
      this.#stream = stream;
      stream.opened.catch(() => {});
      stream.closed.then(() => {
        if (this.#stream === stream) setTimeout(connect, 200);
      });
    };
    connect();
  }

  #onMessage(message: StreamMessageJson): void {
    this.#sequence = BigInt(message.sequence);
    if (message.type !== "commitment") return;
    this.counts.issued++;
    this.counts.pending++;
    this.#open.push(track(message.data));
  }

  /**
   * Scans the L1 blocks not seen yet (every transaction, and the inbox's `propose` calls), then judges
   * every commitment whose target slot is covered by the scanned blocks and before `currentSlot`.
   */
  async check(currentSlot: number): Promise<void> {
    // No cache: viem caches the block number for its polling interval by default.
    const head = await this.client.getBlockNumber({ cacheTime: 0 });
    for (; this.#nextBlock <= head; this.#nextBlock++) {
      const block = await this.client.getBlock({ blockNumber: this.#nextBlock, includeTransactions: true });
      const slot = slotOfTimestamp(this.time, Number(block.timestamp)) ?? -1;
      for (const tx of block.transactions) {
        this.#minedL1.set(tx.hash, slot);
        if (tx.to?.toLowerCase() !== this.inbox.toLowerCase()) continue;
        const receipt = await this.client.getTransactionReceipt({ hash: tx.hash });
        if (receipt.status !== "success") continue;
        const events = parseEventLogs({ abi: inboxAbi, eventName: "BatchProposed", logs: receipt.logs });
        const call = decodeFunctionData({ abi: inboxAbi, data: tx.input });
        const carried = call.args[0] as readonly {
          batch: { chainId: bigint; number: bigint };
          data: Hex;
          blobIndices: readonly number[];
        }[];
        for (const event of events) {
          const { batch, sequenced, blobHashes } = event.args;
          if (!sequenced) continue;
          const input = carried.find(
            (b) => b.batch.chainId === batch.chainId && b.batch.number === batch.number,
          );
          if (input === undefined) continue;
          const data =
            input.blobIndices.length === 0
              ? input.data
              : await this.#blobData(BigInt(slot), blobHashes as readonly Hex[]);
          this.#entries(data).forEach((entry, index) => {
            this.#settledRollupTxs.set(`${batch.chainId}:${batch.firstPosition + BigInt(index)}`, {
              txHash: keccak256(entry.tx),
              slot,
            });
          });
        }
      }
      if (slot >= 0) this.#scannedSlot = slot;
    }
    for (let i = this.#open.length - 1; i >= 0; i--) {
      const tracked = this.#open[i] as Tracked;
      const kept = this.#kept(tracked);
      // Judged once the blocks up to its target slot are scanned and the slot is over.
      if (!kept && (tracked.targetSlot >= currentSlot || tracked.targetSlot > this.#scannedSlot)) continue;
      this.#open.splice(i, 1);
      this.counts.pending--;
      if (kept) this.counts.settled++;
      else {
        this.counts.broken++;
        if (this.brokenExamples.length < 10) {
          this.brokenExamples.push({
            txHash: tracked.txHash,
            chainId: tracked.chainId.toString(),
            targetSlot: tracked.targetSlot,
          });
        }
        this.logger.error("commitment broken", {
          txHash: tracked.txHash,
          chainId: tracked.chainId.toString(),
          targetSlot: tracked.targetSlot,
          kind: tracked.kind,
          position: tracked.position.toString(),
        });
      }
    }
  }

  #kept(tracked: Tracked): boolean {
    if (tracked.kind === CommitmentKind.bundle) return tracked.members.every((member) => this.#kept(member));
    if (tracked.chainId === this.l1ChainId) {
      const slot = this.#minedL1.get(tracked.txHash);
      return slot !== undefined && slot <= tracked.targetSlot;
    }
    const settled = this.#settledRollupTxs.get(`${tracked.chainId}:${tracked.position}`);
    return settled !== undefined && settled.txHash === tracked.txHash && settled.slot <= tracked.targetSlot;
  }

  stop(): void {
    const stream = this.#stream;
    this.#stream = null;
    stream?.close();
  }
}

function track(json: SignedCommitmentJson): Tracked {
  const commitment = parseCommitment(json.baton.commitment);
  return {
    chainId: commitment.chainId,
    kind: commitment.kind,
    txHash: commitment.txHash,
    position: commitment.position,
    targetSlot: Number(commitment.targetSlot),
    members: (json.baton.members ?? []).map(track),
  };
}
