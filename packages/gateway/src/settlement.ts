/**
 * Batches and settlement: cuts each rollup's open batch at a steady sub-slot cadence (and always
 * before its window closes), signs it, persists and publishes it, and sends the inbox transaction
 * carrying every batch cut since the last one, so it lands in the next L1 block. A reverted
 * proposal puts its batches back in the queue while their window is still open.
 */

import type { SignedBatchJson } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import { type BatonDomain, batchDigest, batchToJson, type Logger, SLOTS_PER_EPOCH } from "@baton/protocol";
import { type Address, bytesToHex, createWalletClient, encodeFunctionData, type Hex, http } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DigestSigner } from "./crypto.ts";
import type { KzgWorker } from "./kzg.ts";
import type { L1Access } from "./l1.ts";
import type { CutBatch, RollupLane } from "./lanes.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { GatewayOptions } from "./options.ts";
import type { Sequencer } from "./sequencer.ts";
import type { GatewayStore } from "./store.ts";
import type { StreamHub } from "./stream.ts";
import type { WindowTracker } from "./windows.ts";

export interface SignedBatch extends CutBatch {
  readonly signature: Hex;
  readonly sequence: bigint;
}

export interface SettlementDeps {
  readonly options: Readonly<GatewayOptions>;
  readonly domain: BatonDomain;
  readonly signer: DigestSigner;
  readonly store: GatewayStore;
  readonly stream: StreamHub;
  readonly windows: WindowTracker;
  readonly lanes: ReadonlyMap<bigint, RollupLane>;
  readonly sequencer: () => Sequencer;
  readonly l1: L1Access;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly now: () => number;
  /** Proves blob batches' blobs. */
  readonly kzg: KzgWorker;
}

const TICK_MS = 50;

export class Settlement {
  /** Signed batches waiting for an inbox transaction, in cut order. */
  #queue: SignedBatch[] = [];
  /** Sealed batches whose records are not durable yet: none is sent before its record is. */
  readonly #unsaved = new Map<SignedBatch, Promise<void>>();
  #timer: NodeJS.Timeout | null = null;
  #ticking = false;
  #nonce: number | null = null;
  readonly #wallet;
  readonly #inFlight = new Set<Promise<void>>();
  #lastForcedFetch = 0;
  #l1ChainId: number | undefined;
  #stopped = false;

  constructor(private readonly deps: SettlementDeps) {
    const account = privateKeyToAccount(deps.options.submitterKey ?? deps.options.committerKey);
    this.#wallet = createWalletClient({ account, transport: http(deps.options.l1RpcUrl, { retryCount: 0 }) });
  }

  get submitter() {
    return this.#wallet.account.address;
  }

  start(): void {
    this.#timer = setInterval(() => {
      if (this.#ticking) return;
      this.#ticking = true;
      this.tick()
        .catch((error: unknown) =>
          this.deps.logger.error("settlement tick failed", { error: String(error).slice(0, 300) }),
        )
        .finally(() => {
          this.#ticking = false;
        });
    }, TICK_MS);
  }

  /** Puts back batches that were cut before a restart but never carried by a mined transaction. */
  requeue(batches: readonly SignedBatch[]): void {
    this.#queue.push(...batches);
  }

  /** Signs, persists and publishes a cut batch, and queues it for the inbox. Inside the decision section. */
  seal(cut: CutBatch): SignedBatch {
    const signature = this.deps.signer.sign(batchDigest(this.deps.domain, cut.batch));
    const sequence = this.deps.sequencer().nextSequence();
    const signed: SignedBatch = { ...cut, signature, sequence };
    const json = JSON.stringify(batchJson(signed, null));
    const saved = this.deps.store
      .saveBatch({ chainId: cut.batch.chainId, number: cut.batch.number, hash: cut.hash, json, sequence })
      .then(
        () => {
          this.#unsaved.delete(signed);
          this.deps.stream.publish(sequence, "batch", json);
        },
        (error: unknown) => {
          // Never sent: a signature whose record may be lost must not reach L1.
          this.#unsaved.delete(signed);
          this.#queue = this.#queue.filter((b) => b !== signed);
          this.deps.logger.error("persisting a batch failed", { error: String(error) });
        },
      );
    this.#unsaved.set(signed, saved);
    this.deps.metrics.batches.inc({ chain: cut.batch.chainId.toString() });
    this.#queue.push(signed);
    this.deps.logger.debug("batch cut", {
      chainId: cut.batch.chainId.toString(),
      number: cut.batch.number.toString(),
      targetSlot: cut.batch.targetSlot.toString(),
      txs: cut.batch.txCount,
    });
    return signed;
  }

  /** Cuts open batches of windows other than `targetSlot` (inside the decision section). */
  async cutStale(targetSlot: bigint): Promise<void> {
    for (const lane of this.deps.lanes.values()) {
      if (lane.open !== null && lane.open.targetSlot !== targetSlot) {
        const cut = await lane.cut();
        if (cut !== null) this.seal(cut);
      }
    }
  }

  /** One pass: refresh lists and forced queues, cut what is due, send what is cut. */
  async tick(): Promise<void> {
    const { windows, now, options } = this.deps;
    const nowMs = now();
    const slot = windows.reachableSlot(nowMs, 0);
    await windows.refresh(slot);
    if (nowMs - this.#lastForcedFetch > options.secondsPerSlot * 1000) {
      this.#lastForcedFetch = nowMs;
      for (const lane of this.deps.lanes.values()) {
        lane.forcedQueue = await this.deps.l1.forcedInclusions(
          lane.chainId,
          lane.forcedNext,
          lane.options.bridge,
        );
      }
    }
    const cutMarginMs = Math.max(TICK_MS * 2, Math.floor(options.closeMarginMs / 2));
    await this.deps.sequencer().exclusive(async () => {
      const t = now();
      for (const lane of this.deps.lanes.values()) {
        const open = lane.open;
        if (open === null) {
          await this.#openForForced(lane, t);
          continue;
        }
        const closing = t >= windows.slotStartMs(open.targetSlot) - cutMarginMs;
        if (closing || t - open.openedAtMs >= options.batchIntervalMs) {
          const cut = await lane.cut();
          if (cut !== null) this.seal(cut);
        }
      }
    });
    await this.#send();
  }

  /** With no open batch, opens one as soon as a forced inclusion is queued (all are consumed eagerly). */
  async #openForForced(lane: RollupLane, nowMs: number): Promise<void> {
    if (lane.forcedQueue.length === 0) return;
    let window: ReturnType<WindowTracker["servingWindow"]>;
    try {
      window = this.deps.windows.servingWindow(nowMs);
    } catch {
      return;
    }
    for (const forced of await lane.openBatch(window.targetSlot, nowMs))
      await this.deps.store.saveForced(forced);
  }

  /** Sends every queued batch whose window is still reachable in one `propose`. */
  async #send(): Promise<void> {
    // Wait for the records of sealed batches (a failed one leaves the queue).
    if (this.#unsaved.size > 0) await Promise.all(this.#unsaved.values());
    if (this.#queue.length === 0) return;
    const { windows, now, l1, logger, metrics, options } = this.deps;
    const blockSlot = windows.reachableSlot(now(), 0);
    const live = this.#queue.filter((b) => b.batch.targetSlot >= blockSlot);
    const dropped = this.#queue.length - live.length;
    if (dropped > 0) logger.error("batches missed their window", { dropped });
    this.#queue = [];
    if (live.length === 0) return;
    live.sort((a, b) =>
      a.batch.chainId === b.batch.chainId
        ? Number(a.batch.number - b.batch.number)
        : a.batch.chainId < b.batch.chainId
          ? -1
          : 1,
    );
    const epoch = blockSlot / BigInt(SLOTS_PER_EPOCH);
    const current = windows.list(epoch);
    // The next epoch's list is only read past the current list's last entry (and may not be posted yet).
    const next = windows.list(epoch + 1n) ?? [];
    if (current === undefined) {
      logger.warn("lookahead lists unknown; batches wait", { epoch: Number(epoch) });
      this.#queue = live;
      return;
    }
    // Blobs per transaction are capped: batches beyond wait for the next proposal, each rollup's in order.
    const carried: SignedBatch[] = [];
    const held = new Set<bigint>();
    let blobCount = 0;
    for (const b of live) {
      const blobs = b.blobs?.blobs.length ?? 0;
      // A batch larger than the cap alone goes in a transaction of its own.
      const over = blobCount + blobs > options.maxBlobsPerProposal && carried.length > 0;
      if (held.has(b.batch.chainId) || over) {
        held.add(b.batch.chainId);
        this.#queue.push(b);
        continue;
      }
      blobCount += blobs;
      carried.push(b);
    }
    let nextBlob = 0;
    const inputs = carried.map((b) => {
      if (b.blobs === undefined)
        return { batch: b.batch, signature: b.signature, data: b.data, blobIndices: [] };
      const blobIndices = b.blobs.blobs.map(() => nextBlob++);
      return { batch: b.batch, signature: b.signature, data: "0x" as Hex, blobIndices };
    });
    const data = encodeFunctionData({
      abi: inboxAbi,
      functionName: "propose",
      args: [inputs, [...current], [...next]],
    });
    const gas = 200_000n + 160_000n * BigInt(carried.length) + 40n * BigInt(data.length / 2);
    const baseFee = l1.head().baseFeePerGas;
    try {
      if (this.#nonce === null) {
        this.#nonce = await l1.client.getTransactionCount({ address: this.submitter, blockTag: "pending" });
      }
      const nonce = this.#nonce;
      const fees = { maxFeePerGas: baseFee * 3n + 2_000_000_000n, maxPriorityFeePerGas: 1_000_000_000n };
      const to = this.deps.options.contracts.inbox;
      const hash =
        blobCount === 0
          ? await this.#wallet.sendTransaction({ chain: null, to, data, gas, nonce, ...fees })
          : await this.#sendWithBlobs(carried, { to, data, gas, nonce, ...fees });
      this.#nonce = nonce + 1;
      metrics.proposals.inc({ outcome: "sent" });
      logger.debug("propose sent", {
        txHash: hash,
        batches: carried.length,
        blobs: blobCount,
        blockSlot: Number(blockSlot),
      });
      for (const b of carried) {
        this.deps.store.markBatchSent(b.batch.chainId, b.batch.number, hash).catch(() => {});
      }
      const watch = this.#watch(hash, carried).finally(() => this.#inFlight.delete(watch));
      this.#inFlight.add(watch);
    } catch (error) {
      this.#nonce = null;
      metrics.proposals.inc({ outcome: "failed" });
      logger.warn("sending propose failed; batches requeued", {
        error: String(error).split("\n")[0]?.slice(0, 200),
      });
      this.#queue = [...carried, ...this.#queue];
    }
  }

  /**
   * Sends the proposal as a blob transaction (EIP-4844) carrying the blob batches' blobs in order,
   * with their proofs in the network wrapper. The blob fee cap is twice the current blob base fee.
   */
  async #sendWithBlobs(
    batches: readonly SignedBatch[],
    tx: {
      to: Address;
      data: Hex;
      gas: bigint;
      nonce: number;
      maxFeePerGas: bigint;
      maxPriorityFeePerGas: bigint;
    },
  ): Promise<Hex> {
    const { client } = this.deps.l1;
    this.#l1ChainId ??= await client.getChainId();
    const blobs = batches.flatMap((b) => b.blobs?.blobs ?? []);
    const commitments = batches.flatMap((b) => b.blobs?.commitments ?? []);
    const proofs = await this.deps.kzg.proofs(blobs, commitments);
    const sidecars = blobs.map((blob, i) => ({
      blob: bytesToHex(blob),
      commitment: bytesToHex(commitments[i] as Uint8Array),
      proof: bytesToHex(proofs[i] as Uint8Array),
    }));
    const blobBaseFee = await client.getBlobBaseFee();
    const serializedTransaction = await this.#wallet.account.signTransaction({
      type: "eip4844",
      chainId: this.#l1ChainId,
      ...tx,
      maxFeePerBlobGas: blobBaseFee * 2n + 1n,
      blobVersionedHashes: batches.flatMap((b) => b.blobs?.versionedHashes ?? []),
      sidecars,
    });
    return this.#wallet.sendRawTransaction({ serializedTransaction });
  }

  /** Polls the proposal's receipt until it is mined, or its batches' windows are over, or the loop stops. */
  async #watch(hash: Hex, batches: SignedBatch[]): Promise<void> {
    const lastTarget = batches.reduce((max, b) => (b.batch.targetSlot > max ? b.batch.targetSlot : max), 0n);
    const deadlineMs = this.deps.windows.slotStartMs(lastTarget + 2n);
    while (!this.#stopped && this.deps.now() < deadlineMs) {
      const receipt = await this.deps.l1.client.getTransactionReceipt({ hash }).catch(() => null);
      if (receipt !== null) {
        if (receipt.status === "success") {
          this.deps.metrics.proposals.inc({ outcome: "mined" });
          return;
        }
        this.deps.metrics.proposals.inc({ outcome: "reverted" });
        this.deps.logger.error("propose reverted; batches requeued", {
          txHash: hash,
          batches: batches.length,
        });
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    if (this.#stopped) return;
    this.#nonce = null;
    this.#queue = [...batches, ...this.#queue];
  }

  /** Stops cutting; sends what is cut and waits for the receipts (bounded). */
  async stop(timeoutMs: number): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#send().catch(() => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inFlight]),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    this.#stopped = true;
  }
}

export function batchJson(signed: SignedBatch, l1Transaction: Hex | null): SignedBatchJson {
  return {
    batch: batchToJson(signed.batch),
    hash: signed.hash,
    signature: signed.signature,
    data: signed.data,
    sequence: signed.sequence.toString(),
    l1Transaction,
  };
}
