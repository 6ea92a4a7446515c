/**
 * Checks, from L1 alone, that every commitment the gateway published was kept: an L1 inclusion
 * promise by a receipt in a block at or before the target slot; a rollup promise by a sequenced
 * batch settled in the inbox at or before the target slot that holds the transaction at the
 * promised position (decoded from the `propose` calldata); a bundle when all its members are kept.
 * Counts feed the devnet summary (`commitments: {issued, settled, broken}`).
 */
import type { GatewayClient, GatewayStream, SignedCommitmentJson, StreamMessageJson } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import {
  type ChainTime,
  CommitmentKind,
  decodeBatchData,
  type Logger,
  parseCommitment,
  slotOfTimestamp,
} from "@baton/protocol";
import { type Address, decodeFunctionData, type Hex, keccak256, type PublicClient } from "viem";

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
  #stream: GatewayStream | null = null;
  #sequence = 0n;

  constructor(
    private readonly client: PublicClient,
    private readonly gateway: GatewayClient,
    private readonly inbox: Address,
    private readonly l1ChainId: bigint,
    private readonly time: ChainTime,
    private readonly logger: Logger,
  ) {}

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

  /** Reads new inbox settlements and judges every commitment whose target slot has passed. */
  async check(currentSlot: number): Promise<void> {
    const head = await this.client.getBlockNumber();
    if (head >= this.#nextBlock) {
      const logs = await this.client.getContractEvents({
        address: this.inbox,
        abi: inboxAbi,
        eventName: "BatchProposed",
        fromBlock: this.#nextBlock,
        toBlock: head,
      });
      const inputs = new Map<Hex, Hex>();
      for (const log of logs) {
        const args = log.args as {
          batch: { chainId: bigint; firstPosition: bigint; number: bigint };
          sequenced: boolean;
        };
        if (!args.sequenced) continue;
        let input = inputs.get(log.transactionHash);
        if (input === undefined) {
          input = (await this.client.getTransaction({ hash: log.transactionHash })).input;
          inputs.set(log.transactionHash, input);
        }
        const block = await this.client.getBlock({ blockNumber: log.blockNumber });
        const slot = slotOfTimestamp(this.time, Number(block.timestamp)) ?? 0;
        const call = decodeFunctionData({ abi: inboxAbi, data: input });
        const batches = call.args[0] as readonly { batch: { chainId: bigint; number: bigint }; data: Hex }[];
        const carried = batches.find(
          (b) => b.batch.chainId === args.batch.chainId && b.batch.number === args.batch.number,
        );
        if (carried === undefined) continue;
        decodeBatchData(carried.data).forEach((entry, index) => {
          this.#settledRollupTxs.set(`${args.batch.chainId}:${args.batch.firstPosition + BigInt(index)}`, {
            txHash: keccak256(entry.tx),
            slot,
          });
        });
      }
      this.#nextBlock = head + 1n;
    }
    for (let i = this.#open.length - 1; i >= 0; i--) {
      const tracked = this.#open[i] as Tracked;
      const kept = await this.#kept(tracked);
      if (!kept && tracked.targetSlot >= currentSlot) continue;
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
        });
      }
    }
  }

  async #kept(tracked: Tracked): Promise<boolean> {
    if (tracked.kind === CommitmentKind.bundle) {
      for (const member of tracked.members) if (!(await this.#kept(member))) return false;
      return true;
    }
    if (tracked.chainId === this.l1ChainId) {
      const receipt = await this.client.getTransactionReceipt({ hash: tracked.txHash }).catch(() => null);
      if (receipt === null) return false;
      const block = await this.client.getBlock({ blockNumber: receipt.blockNumber });
      const slot = slotOfTimestamp(this.time, Number(block.timestamp)) ?? Number.MAX_SAFE_INTEGER;
      return slot <= tracked.targetSlot;
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
