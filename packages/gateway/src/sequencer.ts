/**
 * The decision path of a preconfirmation request: validate everything, price it, assign positions
 * and parents, sign, persist, publish. Decisions run one at a time (a FIFO section), so two
 * requests never see the same unpromised gas, nonce or position; the durable write happens after
 * the section (group commit) and the signature leaves only once it is on disk.
 */
import {
  type CommitmentRequestJson,
  GatewayApiError,
  type SignedCommitmentJson,
  type StateResultJson,
} from "@baton/clients";
import { ExecutionError, type TxOutcome } from "@baton/execution";
import {
  type BatonDomain,
  bundleHash,
  type Commitment,
  CommitmentKind,
  commitmentKindOf,
  commitmentToJson,
  decodePreconfRequest,
  encodeCommitmentPayload,
  hashCommitment,
  type Logger,
  PreconfRequestError,
  preconfRequestHash,
  typedDataDigest,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, type Hex, zeroAddress } from "viem";
import type { DigestSigner } from "./crypto.ts";
import type { L1Access } from "./l1.ts";
import type { RollupLane } from "./lanes.ts";
import { type L1Ledger, worstCaseCost } from "./ledger.ts";
import type { GatewayMetrics } from "./metrics.ts";
import type { GatewayOptions } from "./options.ts";
import type { PriceInput, PricingPolicy } from "./pricing.ts";
import type { SenderRecovery } from "./recovery.ts";
import type { GatewayStore, StoredTransaction } from "./store.ts";
import type { StreamHub } from "./stream.ts";
import { type DecodedTransaction, decodeTransactionParts, effectivePriorityFee } from "./transaction.ts";
import type { Window, WindowTracker } from "./windows.ts";

/** Gas and blobs promised in one window, per chain. */
export interface WindowUsage {
  readonly gas: Map<bigint, bigint>;
  blobs: number;
}

interface Checked {
  readonly kind: CommitmentKind;
  readonly requestHash: Hex;
  readonly beneficiary: Address;
  readonly requestedSlot: bigint;
  readonly txs: readonly DecodedTransaction[];
}

const EXECUTION_TO_GATEWAY: Record<string, GatewayApiError["code"]> = {
  EXECUTION_NONCE_TOO_LOW: "NONCE_TOO_LOW",
  EXECUTION_NONCE_TOO_HIGH: "NONCE_GAP",
  EXECUTION_INSUFFICIENT_FUNDS: "INSUFFICIENT_BALANCE",
  EXECUTION_FEE_CAP_TOO_LOW: "FEE_BELOW_BASE_FEE",
  EXECUTION_INTRINSIC_GAS_TOO_LOW: "TX_INTRINSIC_GAS",
  EXECUTION_BLOCK_GAS_LIMIT_EXCEEDED: "WINDOW_FULL",
  EXECUTION_INVALID_SIGNATURE: "TX_BAD_SIGNATURE",
  EXECUTION_UNDECODABLE_TX: "TX_UNDECODABLE",
  EXECUTION_BLOB_TX: "TX_BLOB_LIMIT",
};

export interface SequencerDeps {
  readonly options: Readonly<GatewayOptions>;
  readonly domain: BatonDomain;
  readonly signer: DigestSigner;
  readonly recovery: SenderRecovery;
  readonly store: GatewayStore;
  readonly windows: WindowTracker;
  readonly l1: L1Access;
  readonly ledger: L1Ledger;
  readonly lanes: ReadonlyMap<bigint, RollupLane>;
  readonly pricing: PricingPolicy;
  readonly metrics: GatewayMetrics;
  readonly stream: StreamHub;
  readonly logger: Logger;
  readonly now: () => number;
  /** Cuts the open batches of windows other than `targetSlot` before a promise in it. */
  readonly cutStale: (targetSlot: bigint) => Promise<void>;
}

/** The JSON text each reply was stored as: the server sends it as is instead of serializing again. */
const replyText = new WeakMap<SignedCommitmentJson, string>();

/** The stored JSON text of a reply from {@link Sequencer.request}, if it has one. */
export function storedText(reply: SignedCommitmentJson): string | undefined {
  return replyText.get(reply);
}

export class Sequencer {
  /** Requests decided but not yet durable, by request hash (a duplicate waits for the same reply). */
  readonly #inflight = new Map<Hex, Promise<SignedCommitmentJson>>();
  /** Transactions promised, to the request that promised them. */
  readonly #promisedTxs = new Map<Hex, Hex>();
  readonly #usage = new Map<bigint, WindowUsage>();
  /** Requests under way, from arrival to reply, including those still reading L1 before the section. */
  readonly #active = new Set<Promise<unknown>>();
  #section: Promise<unknown> = Promise.resolve();
  #pending = 0;
  sequence: bigint;

  constructor(private readonly deps: SequencerDeps) {
    this.sequence = deps.store.lastSequence();
  }

  /** Next stream sequence number (commitments and batches share it). */
  nextSequence(): bigint {
    this.sequence += 1n;
    return this.sequence;
  }

  usage(targetSlot: bigint): WindowUsage {
    let usage = this.#usage.get(targetSlot);
    if (usage === undefined) {
      usage = { gas: new Map(), blobs: 0 };
      this.#usage.set(targetSlot, usage);
      for (const slot of this.#usage.keys()) if (slot < targetSlot - 64n) this.#usage.delete(slot);
    }
    return usage;
  }

  /** Rebuilds what restart needs from stored transactions (called once at start). */
  restoreTransaction(tx: StoredTransaction): void {
    if (tx.requestHash !== null) this.#promisedTxs.set(tx.txHash, tx.requestHash);
    const usage = this.usage(tx.targetSlot);
    usage.gas.set(tx.chainId, (usage.gas.get(tx.chainId) ?? 0n) + tx.gas);
    if (tx.chainId === this.deps.l1.chainId) this.deps.ledger.restore(tx.sender, tx.nonce, tx.cost);
  }

  // ---------------------------------------------------------------------------------------------
  // Checks that need no state.

  async #check(body: CommitmentRequestJson): Promise<Checked> {
    const { options, domain } = this.deps;
    if (body.slasher.toLowerCase() !== domain.verifyingContract.toLowerCase()) {
      throw new GatewayApiError("WRONG_SLASHER", undefined, { expected: domain.verifyingContract });
    }
    let kind: CommitmentKind;
    let request: ReturnType<typeof decodePreconfRequest>;
    try {
      kind = commitmentKindOf(body.commitment_type);
    } catch (error) {
      if (error instanceof PreconfRequestError) throw new GatewayApiError("UNKNOWN_KIND");
      throw error;
    }
    try {
      request = decodePreconfRequest(body.payload);
    } catch {
      // Whatever the decoder throws on these untrusted bytes, they are no request: its canonical
      // re-encoding, for one, throws viem's IntegerOutOfRangeError on a slot word over 2^64.
      throw new GatewayApiError("PAYLOAD_UNDECODABLE");
    }
    const count = request.transactions.length;
    if (kind === CommitmentKind.bundle ? count < 2 || count > options.maxBundleSize : count !== 1) {
      throw new GatewayApiError("WRONG_TRANSACTION_COUNT", undefined, { count, kind });
    }
    const parts = request.transactions.map((raw) => {
      if ((raw.length - 2) / 2 > options.maxTxBytes) {
        throw new GatewayApiError("TX_TOO_LARGE", undefined, { limit: options.maxTxBytes });
      }
      return decodeTransactionParts(raw);
    });
    // Senders are recovered off the event loop (the largest fixed cost of a request).
    const txs = await Promise.all(
      parts.map(async (part): Promise<DecodedTransaction> => {
        if ("from" in part) return part;
        const { signer, ...tx } = part;
        const from = await this.deps.recovery.recover(signer.digest, signer.signature, signer.yParity);
        if (from === null) throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature recovers no sender");
        return { ...tx, from };
      }),
    );
    const seen = new Set<Hex>();
    for (const tx of txs) {
      if (seen.has(tx.hash)) throw new GatewayApiError("DUPLICATE_IN_BUNDLE", undefined, { txHash: tx.hash });
      seen.add(tx.hash);
      const isL1 = tx.chainId === this.deps.l1.chainId;
      if (!isL1 && !this.deps.lanes.has(tx.chainId)) {
        throw new GatewayApiError("TX_UNKNOWN_CHAIN", undefined, { chainId: tx.chainId.toString() });
      }
      if (isL1 && kind !== CommitmentKind.inclusion) {
        throw new GatewayApiError("KIND_NOT_OFFERED", "L1 transactions get inclusion promises only", {
          chainId: tx.chainId.toString(),
          kind,
        });
      }
      if (!isL1 && tx.blobCount > 0)
        throw new GatewayApiError("TX_BLOB_LIMIT", "Rollup transactions carry no blobs");
      if (!isL1 && (tx.type === "eip4844" || tx.type === "eip7702")) {
        throw new GatewayApiError("KIND_NOT_OFFERED", `Rollups do not take ${tx.type} transactions`);
      }
      if (isL1 && tx.blobCount > options.l1BlobsPerSlot) {
        throw new GatewayApiError("TX_BLOB_LIMIT", undefined, {
          blobs: tx.blobCount,
          limit: options.l1BlobsPerSlot,
        });
      }
      if (tx.gas < tx.intrinsicGas) {
        throw new GatewayApiError("TX_INTRINSIC_GAS", undefined, {
          gas: tx.gas.toString(),
          intrinsic: tx.intrinsicGas.toString(),
        });
      }
      const limit = isL1 ? options.maxTxGas : (this.deps.lanes.get(tx.chainId)?.options.blockGasLimit ?? 0n);
      if (tx.gas > limit)
        throw new GatewayApiError("TX_GAS_TOO_HIGH", undefined, {
          gas: tx.gas.toString(),
          limit: limit.toString(),
        });
    }
    const first = txs[0] as DecodedTransaction;
    return {
      kind,
      requestHash: preconfRequestHash(body.commitment_type, body.payload, domain.verifyingContract),
      beneficiary: request.beneficiary === zeroAddress ? first.from : request.beneficiary,
      requestedSlot: request.slot,
      txs,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Requests.

  /** Answers a commitment request: the stored commitment for a duplicate, or a new one. */
  request(body: CommitmentRequestJson): Promise<SignedCommitmentJson> {
    const run = this.#request(body);
    this.#active.add(run);
    const forget = () => this.#active.delete(run);
    run.then(forget, forget);
    return run;
  }

  async #request(body: CommitmentRequestJson): Promise<SignedCommitmentJson> {
    const checked = await this.#check(body);
    const stored = this.#existing(checked.requestHash);
    if (stored !== null) return stored;
    for (const tx of checked.txs) {
      const other = this.#promisedTxs.get(tx.hash);
      if (other !== undefined && other !== checked.requestHash) {
        throw new GatewayApiError("ALREADY_COMMITTED", undefined, { txHash: tx.hash, requestHash: other });
      }
    }
    if (this.#pending >= this.deps.options.maxPending) throw new GatewayApiError("OVERLOADED");
    this.#pending++;
    try {
      await this.#prepare(checked);
      // The section ends once decided; the durable write is awaited outside it (group commit).
      const decided = await this.#enter(() => this.#decide(checked));
      return await decided.reply;
    } finally {
      this.#pending--;
    }
  }

  #existing(requestHash: Hex): Promise<SignedCommitmentJson> | null {
    const inflight = this.#inflight.get(requestHash);
    if (inflight !== undefined) return inflight;
    const json = this.deps.store.commitment(requestHash);
    if (json === null) return null;
    const reply = JSON.parse(json) as SignedCommitmentJson;
    replyText.set(reply, json);
    return Promise.resolve(reply);
  }

  /** Reads what the decision needs from L1 (outside the section). */
  async #prepare(checked: Checked): Promise<void> {
    const head = this.deps.l1.head();
    for (const tx of checked.txs) {
      if (tx.chainId === this.deps.l1.chainId) await this.deps.ledger.prepare(tx.from, head.number);
    }
  }

  /** Runs `fn` alone, after every earlier decision (the settlement loop cuts batches through it). */
  exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.#enter(fn);
  }

  /** Runs `fn` after every earlier decision, alone. */
  #enter<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#section.then(fn, fn);
    this.#section = run.catch(() => {});
    return run;
  }

  async #decide(checked: Checked): Promise<{ reply: Promise<SignedCommitmentJson> }> {
    // A duplicate may have been decided while this one waited.
    const again = this.#existing(checked.requestHash);
    if (again !== null) return { reply: again };
    for (const tx of checked.txs) {
      const other = this.#promisedTxs.get(tx.hash);
      if (other !== undefined)
        throw new GatewayApiError("ALREADY_COMMITTED", undefined, { txHash: tx.hash, requestHash: other });
    }
    const { options, l1, ledger, lanes } = this.deps;
    const nowMs = this.deps.now();
    const window = this.deps.windows.servingWindow(nowMs, checked.requestedSlot);
    await this.deps.cutStale(window.targetSlot);
    const usage = this.usage(window.targetSlot);
    const head = l1.head();
    // The base fee can rise 12.5% per block until the target slot's block.
    const blocksAhead = window.targetSlot - this.deps.windows.reachableSlot(nowMs, 0) + 1n;
    let projectedBaseFee = head.baseFeePerGas;
    for (let i = 0n; i < (blocksAhead > 0n ? blocksAhead : 1n) && i < 64n; i++) {
      projectedBaseFee += (projectedBaseFee + 7n) / 8n;
    }

    // Static checks against the window and the senders' promised state.
    const gasByChain = new Map<bigint, bigint>();
    let blobs = 0;
    let tip = 0n;
    for (const tx of checked.txs) {
      const isL1 = tx.chainId === l1.chainId;
      const baseFee = isL1 ? projectedBaseFee : (lanes.get(tx.chainId)?.options.baseFeePerGas ?? 0n);
      if (tx.maxFeePerGas < baseFee) {
        throw new GatewayApiError("FEE_BELOW_BASE_FEE", undefined, {
          maxFeePerGas: tx.maxFeePerGas.toString(),
          projected: baseFee.toString(),
        });
      }
      gasByChain.set(tx.chainId, (gasByChain.get(tx.chainId) ?? 0n) + tx.gas);
      blobs += tx.blobCount;
      tip += effectivePriorityFee(tx, baseFee) * tx.gas;
      if (isL1) ledger.check(tx);
    }
    let priceInput: PriceInput | null = null;
    for (const [chainId, gas] of gasByChain) {
      const capacity =
        window.slots *
        (chainId === l1.chainId ? options.l1GasPerSlot : (lanes.get(chainId)?.options.gasPerSlot ?? 0n));
      const promised = usage.gas.get(chainId) ?? 0n;
      if (promised + gas > capacity) {
        throw new GatewayApiError("WINDOW_FULL", undefined, {
          chainId: chainId.toString(),
          remaining: (capacity - promised).toString(),
          requested: gas.toString(),
        });
      }
      const input = {
        kind: checked.kind,
        gas,
        remainingGas: capacity - promised,
        capacityGas: capacity,
        touches: checked.txs.flatMap((tx) => tx.touches),
        nowMs,
      };
      // Price on the chain whose window is fullest relative to the request.
      if (priceInput === null || input.remainingGas < priceInput.remainingGas) priceInput = input;
    }
    if (blobs > 0 && usage.blobs + blobs > Number(window.slots) * options.l1BlobsPerSlot) {
      throw new GatewayApiError("TX_BLOB_LIMIT", "Not enough unpromised blobs left in the window");
    }
    const totalGas = [...gasByChain.values()].reduce((a, b) => a + b, 0n);
    const price = this.deps.pricing.quote({ ...(priceInput as PriceInput), gas: totalGas });
    if (tip < price.minTip) {
      throw new GatewayApiError("TIP_TOO_LOW", undefined, {
        tip: tip.toString(),
        minTip: price.minTip.toString(),
      });
    }

    // Rollup transactions run on the pending state, all or none.
    const outcomes = await this.#executeRollupTxs(checked, window, nowMs);

    // Decided: build, sign and reserve.
    const reply = this.#commit(checked, window, tip, outcomes);
    for (const [chainId, gas] of gasByChain) usage.gas.set(chainId, (usage.gas.get(chainId) ?? 0n) + gas);
    usage.blobs += blobs;
    this.deps.pricing.recordPromise({ ...(priceInput as PriceInput), gas: totalGas });
    for (const tx of checked.txs) if (tx.chainId === l1.chainId) ledger.add(tx);
    this.deps.metrics.gasPromised.set({ chain: "l1" }, Number(usage.gas.get(l1.chainId) ?? 0n));
    this.deps.metrics.gasAvailable.set({ chain: "l1" }, Number(window.slots * options.l1GasPerSlot));
    return { reply };
  }

  async #executeRollupTxs(checked: Checked, window: Window, nowMs: number): Promise<Map<Hex, TxOutcome>> {
    const outcomes = new Map<Hex, TxOutcome>();
    const rollupTxs = checked.txs.filter((tx) => tx.chainId !== this.deps.l1.chainId);
    if (rollupTxs.length === 0) return outcomes;
    const touched = [...new Set(rollupTxs.map((tx) => tx.chainId))].map(
      (id) => this.deps.lanes.get(id) as RollupLane,
    );
    for (const lane of touched) {
      for (const forced of await lane.openBatch(window.targetSlot, nowMs)) {
        this.deps.store
          .saveForced(forced)
          .catch((error: unknown) =>
            this.deps.logger.error("persisting a forced inclusion failed", { error: String(error) }),
          );
      }
      await lane.engine.checkpoint();
    }
    try {
      for (const tx of rollupTxs) {
        const lane = this.deps.lanes.get(tx.chainId) as RollupLane;
        outcomes.set(tx.hash, await lane.execute(tx.raw));
      }
    } catch (error) {
      for (const lane of touched) await lane.engine.revert();
      if (error instanceof ExecutionError) {
        const code = EXECUTION_TO_GATEWAY[error.code] ?? "EXECUTION_INVALID";
        throw new GatewayApiError(code, undefined, { execution: error.code });
      }
      throw error;
    }
    for (const lane of touched) await lane.engine.commit();
    return outcomes;
  }

  #commit(
    checked: Checked,
    window: Window,
    tip: bigint,
    outcomes: Map<Hex, TxOutcome>,
  ): Promise<SignedCommitmentJson> {
    const { options, l1, lanes, domain } = this.deps;
    const bundle =
      checked.kind === CommitmentKind.bundle
        ? bundleHash(checked.txs.map((tx) => ({ chainId: tx.chainId, txHash: tx.hash })))
        : null;
    const stored: StoredTransaction[] = [];
    const sign = (
      commitment: Commitment,
      hash: Hex,
      sequence: bigint,
      result?: StateResultJson,
      members?: SignedCommitmentJson[],
    ) => {
      const signature = this.deps.signer.sign(typedDataDigest(domain, hash));
      const json: SignedCommitmentJson = {
        commitment: {
          commitment_type: commitment.kind,
          payload: encodeCommitmentPayload(commitment),
          request_hash: checked.requestHash,
          slasher: domain.verifyingContract,
        },
        signature,
        baton: {
          commitment: commitmentToJson(commitment),
          hash,
          sequence: sequence.toString(),
          ...(result === undefined ? {} : { result }),
          ...(members === undefined ? {} : { members }),
        },
      };
      return json;
    };
    const memberCommitments: SignedCommitmentJson[] = [];
    let primary: Commitment | null = null;
    let primaryCommitmentHash: Hex | null = null;
    let result: StateResultJson | undefined;
    for (const tx of checked.txs) {
      const isL1 = tx.chainId === l1.chainId;
      let position = 0n;
      let parent: Hex = ZERO_HASH;
      let postStateRoot: Hex = ZERO_HASH;
      let kind = checked.kind === CommitmentKind.bundle ? CommitmentKind.ordering : checked.kind;
      if (!isL1) {
        const lane = lanes.get(tx.chainId) as RollupLane;
        position = lane.append(tx.raw, tx.hash, bundle);
        const outcome = outcomes.get(tx.hash);
        if (kind === CommitmentKind.ordering || kind === CommitmentKind.state) {
          parent = lane.parents.get(window.targetSlot) ?? ZERO_HASH;
        }
        if (kind === CommitmentKind.state && outcome !== undefined) {
          postStateRoot = outcome.postStateRoot ?? ZERO_HASH;
          result = { status: outcome.status, gasUsed: outcome.gasUsed.toString(), postStateRoot };
        }
      } else {
        kind = CommitmentKind.inclusion;
      }
      const commitment: Commitment = {
        targetSlot: window.targetSlot,
        chainId: tx.chainId,
        kind,
        txHash: tx.hash,
        position,
        parent,
        postStateRoot,
        tip: checked.kind === CommitmentKind.bundle ? 0n : tip,
        livenessPenalty: options.livenessPenaltyWei,
        insurance: options.insuranceWei,
        beneficiary: checked.beneficiary,
        requestHash: checked.requestHash,
      };
      const commitmentHash = hashCommitment(commitment);
      if (!isL1 && (kind === CommitmentKind.ordering || kind === CommitmentKind.state)) {
        (lanes.get(tx.chainId) as RollupLane).parents.set(window.targetSlot, commitmentHash);
      }
      stored.push({
        txHash: tx.hash,
        chainId: tx.chainId,
        requestHash: checked.requestHash,
        sender: tx.from,
        nonce: tx.nonce,
        raw: tx.raw,
        bundle,
        position: isL1 ? -1n : position,
        targetSlot: window.targetSlot,
        gas: tx.gas,
        cost: worstCaseCost(tx),
        kind,
        commitmentHash,
      });
      if (checked.kind === CommitmentKind.bundle)
        memberCommitments.push(sign(commitment, commitmentHash, 0n));
      else {
        primary = commitment;
        primaryCommitmentHash = commitmentHash;
      }
    }
    if (primary === null) {
      primary = {
        targetSlot: window.targetSlot,
        chainId: l1.chainId,
        kind: CommitmentKind.bundle,
        txHash: bundle as Hex,
        position: 0n,
        parent: ZERO_HASH,
        postStateRoot: ZERO_HASH,
        tip,
        livenessPenalty: options.livenessPenaltyWei,
        insurance: options.insuranceWei,
        beneficiary: checked.beneficiary,
        requestHash: checked.requestHash,
      };
    }
    const sequence = this.nextSequence();
    const reply = sign(
      primary,
      primaryCommitmentHash ?? hashCommitment(primary),
      sequence,
      result,
      checked.kind === CommitmentKind.bundle ? memberCommitments : undefined,
    );
    for (const tx of checked.txs) this.#promisedTxs.set(tx.hash, checked.requestHash);
    const text = JSON.stringify(reply);
    replyText.set(reply, text);
    const started = performance.now();
    const durable = this.deps.store
      .saveCommitment({ requestHash: checked.requestHash, json: text, sequence, transactions: stored })
      .then(() => {
        this.deps.metrics.persistLatency.observe((performance.now() - started) / 1000);
        this.#inflight.delete(checked.requestHash);
        this.deps.stream.publish(sequence, "commitment", text);
        this.deps.metrics.commitments.inc({ kind: String(primary.kind), chain: primary.chainId.toString() });
        for (const tx of checked.txs) if (tx.chainId === l1.chainId) this.#forward(tx);
        return reply;
      });
    this.#inflight.set(checked.requestHash, durable);
    return durable;
  }

  /** Sends a promised L1 transaction to the L1 node's pool (constraints come with the sidecar). */
  #forward(tx: DecodedTransaction): void {
    this.deps.l1.sendRawTransaction(tx.raw).catch((error: unknown) => {
      this.deps.logger.warn("L1 node refused a promised transaction", {
        txHash: tx.hash,
        error: String(error).split("\n")[0]?.slice(0, 200),
      });
    });
  }

  /** The price of a request now (does not promise). */
  async quote(body: CommitmentRequestJson) {
    const checked = await this.#check(body);
    const nowMs = this.deps.now();
    const window = this.deps.windows.servingWindow(nowMs, checked.requestedSlot);
    const usage = this.usage(window.targetSlot);
    const head = this.deps.l1.head();
    let gas = 0n;
    let tip = 0n;
    let remaining: bigint | null = null;
    let capacity = 0n;
    for (const tx of checked.txs) {
      const isL1 = tx.chainId === this.deps.l1.chainId;
      const lane = this.deps.lanes.get(tx.chainId);
      const chainCapacity =
        window.slots * (isL1 ? this.deps.options.l1GasPerSlot : (lane?.options.gasPerSlot ?? 0n));
      const left = chainCapacity - (usage.gas.get(tx.chainId) ?? 0n);
      if (remaining === null || left < remaining) {
        remaining = left;
        capacity = chainCapacity;
      }
      gas += tx.gas;
      tip +=
        effectivePriorityFee(tx, isL1 ? head.baseFeePerGas : (lane?.options.baseFeePerGas ?? 0n)) * tx.gas;
    }
    const price = this.deps.pricing.quote({
      kind: checked.kind,
      gas,
      remainingGas: remaining ?? 0n,
      capacityGas: capacity,
      touches: checked.txs.flatMap((tx) => tx.touches),
      nowMs,
    });
    return { kind: checked.kind, window, gas, tip, price };
  }

  /** Waits for every request, decision and durable write under way. */
  async drain(): Promise<void> {
    await this.#section.catch(() => {});
    await Promise.allSettled([...this.#active, ...this.#inflight.values()]);
  }
}
