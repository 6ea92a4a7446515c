/**
 * The rollup node: follows L1, derives and executes blocks, keeps them in its database, and serves
 * them (docs/rollup.md). One node per rollup.
 *
 * The loop: check that the L1 block under the cursor is still canonical (else roll back to where L1
 * forked and derive again); read the inputs of the next range of L1 blocks; feed the deriver; build
 * the blocks it plans; flush their state; commit the blocks, the inputs and the cursor in one
 * transaction.
 */
import { createGatewayClient, GatewayApiError, type GatewayClient } from "@baton/clients";
import type { ExecutionEngine, RollupGenesis } from "@baton/execution";
import { CommitmentKind, encodePreconfRequest, fastKeccak256, type Logger } from "@baton/protocol";
import { type Address, type Hex, zeroAddress } from "viem";
import { type BuiltBlock, buildBlock, type ChainConstants, genesisBlock } from "./chain/blockBuilder.ts";
import { ChainStore, type L1Cursor } from "./chain/chainStore.ts";
import type { LogFilter, RollupBlock, RollupLog, RollupReceipt, RollupTransaction } from "./chain/types.ts";
import { createBeaconBlobSource } from "./derivation/blobSource.ts";
import { type BlockPlan, Deriver } from "./derivation/deriver.ts";
import { createRpcL1Source, type L1BlockRef, type L1Source } from "./derivation/l1Source.ts";
import { RollupError, RollupErrorCode } from "./errors.ts";
import { type BrokenBatch, PendingChain } from "./pending.ts";
import { openState, type RollupState } from "./state.ts";

export interface RollupNodeOptions {
  readonly genesis: RollupGenesis;
  /** Gas limit of every block (one block per batch), as the gateway's `RollupOptions.blockGasLimit`. */
  readonly blockGasLimit: bigint;
  /** The rollup's constant base fee, as the gateway's. */
  readonly baseFeePerGas: bigint;
  readonly l1RpcUrl: string;
  readonly contracts: { readonly inbox: Address; readonly slasher: Address; readonly bridge: Address | null };
  /** Beacon genesis time (seconds) and slot length: slot times, and the rollup genesis block's timestamp. */
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
  /** The inbox's `maxInactivity` (seconds). */
  readonly maxInactivity: bigint;
  /** When the rollups were registered on L1 (default: the beacon genesis time). */
  readonly registeredAt?: bigint;
  /** The first L1 block that can hold inbox events (the inbox's deployment). */
  readonly l1StartBlock: bigint;
  /** L1 blocks read per `eth_getLogs`. */
  readonly l1BlockRange: bigint;
  readonly pollMs: number;
  readonly dataDir: string;
  /** Where `eth_sendRawTransaction` goes (the current gateway), or null. */
  readonly gatewayUrl: string | null;
  /**
   * A beacon node's HTTP URL, where blob-carried batch data is read, or null. Without one, the
   * first blob batch stops derivation with `BLOB_UNAVAILABLE` until the node is restarted with one.
   */
  readonly beaconUrl: string | null;
}

export const defaultRollupNodeOptions = {
  l1StartBlock: 0n,
  l1BlockRange: 1_000n,
  pollMs: 250,
  gatewayUrl: null,
  beaconUrl: null,
} as const;

export class RollupNode {
  #deriver!: Deriver;
  /** Plans the deriver released that are not built yet (after a replay). */
  #planned: BlockPlan[] = [];
  #head: RollupBlock;
  #finalizedL1: bigint | null = null;
  #timer: NodeJS.Timeout | null = null;
  #syncing: Promise<void> | null = null;
  #closed = false;
  #l1ChainId = 0n;
  readonly #gateway: GatewayClient | null;
  #pending: PendingChain | null = null;
  /** Whether the engine holds pending blocks on top of the head's state. */
  #enginePending = false;
  /** A batch arrived or the head moved since the pending blocks were built. */
  #pendingDirty = true;
  /** The last pass read L1 up to its head. */
  #caughtUp = false;

  private constructor(
    readonly options: RollupNodeOptions,
    readonly store: ChainStore,
    readonly state: RollupState,
    readonly l1: L1Source,
    readonly genesis: RollupBlock,
    private readonly logger: Logger,
  ) {
    this.#head = store.head();
    this.#gateway = options.gatewayUrl === null ? null : createGatewayClient(options.gatewayUrl);
  }

  get chainId(): bigint {
    return this.options.genesis.chainId;
  }

  get constants(): ChainConstants {
    return { baseFeePerGas: this.options.baseFeePerGas, gasLimit: this.options.blockGasLimit };
  }

  /** The newest derived block (`safe`). */
  get head(): RollupBlock {
    return this.#head;
  }

  /** The newest derived block whose L1 block is finalized (the genesis if none). */
  finalized(): RollupBlock {
    if (this.#finalizedL1 === null) return this.genesis;
    const block = this.store.lastBlockAtOrBelow(this.#finalizedL1);
    return block.number > this.#head.number ? this.#head : block;
  }

  get engine(): ExecutionEngine {
    return this.state.engine;
  }

  /**
   * Opens the node's database (creating it with the genesis if new), rebuilds the deriver from the
   * stored L1 inputs, and starts following L1 unless `follow` is false (tests drive `sync()`).
   */
  static async start(
    options: RollupNodeOptions,
    deps: { logger: Logger; l1?: L1Source; follow?: boolean },
  ): Promise<RollupNode> {
    const logger = deps.logger;
    const state = await openState(options.genesis, options.dataDir);
    const constants = { baseFeePerGas: options.baseFeePerGas, gasLimit: options.blockGasLimit };
    const genesis = genesisBlock(state.genesisRoot, BigInt(options.genesisTime), constants);
    let store: ChainStore;
    try {
      store = ChainStore.open(options.dataDir, options.genesis.chainId, genesis);
    } catch (error) {
      await state.close();
      throw error;
    }
    const l1 =
      deps.l1 ??
      createRpcL1Source({
        rpcUrl: options.l1RpcUrl,
        inbox: options.contracts.inbox,
        chainId: options.genesis.chainId,
        bridge: options.contracts.bridge,
        blobs: options.beaconUrl === null ? null : createBeaconBlobSource({ beaconUrl: options.beaconUrl }),
        genesisTime: BigInt(options.genesisTime),
        secondsPerSlot: BigInt(options.secondsPerSlot),
      });
    const node = new RollupNode(options, store, state, l1, genesis, logger);
    try {
      node.#l1ChainId = await l1.chainId();
      await state.reset(node.#head.stateRoot);
      await node.#rebuildDeriver();
    } catch (error) {
      await node.close();
      throw error;
    }
    logger.info("rollup node started", {
      chainId: options.genesis.chainId.toString(),
      head: node.#head.number.toString(),
      stateRoot: node.#head.stateRoot,
      l1Cursor: store.cursor()?.number.toString() ?? null,
    });
    if (node.#gateway !== null) {
      node.#pending = new PendingChain(
        {
          chainId: options.genesis.chainId,
          l1ChainId: node.#l1ChainId,
          slasher: options.contracts.slasher,
          genesisTime: BigInt(options.genesisTime),
          secondsPerSlot: BigInt(options.secondsPerSlot),
          constants,
          deposit: (raw) => node.#deriver.genuineDeposit(raw),
        },
        logger.child({ module: "pending" }),
        () => {
          node.#pendingDirty = true;
          if (deps.follow !== false) node.sync().catch(() => {});
        },
      );
      node.#pending.follow(node.#gateway);
    }
    if (deps.follow !== false) node.#schedule(0);
    return node;
  }

  #schedule(delayMs: number): void {
    if (this.#closed) return;
    this.#timer = setTimeout(() => {
      this.sync().then(
        () => this.#schedule(this.options.pollMs),
        (error: unknown) => {
          this.logger.warn("sync failed", { error: String(error).split("\n")[0] });
          this.#schedule(this.options.pollMs * 4);
        },
      );
    }, delayMs);
  }

  /** One pass of the loop (serialised: concurrent callers share the pass in progress). */
  sync(): Promise<void> {
    if (this.#syncing === null) {
      this.#syncing = this.#syncOnce().finally(() => {
        this.#syncing = null;
      });
    }
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    if (this.#closed) return;
    const head = await this.l1.head();
    this.#finalizedL1 = await this.l1.finalized();
    let cursor = this.store.cursor();
    if (cursor !== null) {
      const canonical = await this.l1.block(cursor.number);
      if (canonical === null || canonical.hash !== cursor.hash) {
        await this.#rewind(cursor);
        cursor = this.store.cursor();
      }
    }
    const from = cursor === null ? this.options.l1StartBlock : cursor.number + 1n;
    let to = from + this.options.l1BlockRange - 1n;
    if (to > head.number) to = head.number;
    if (from <= to) {
      const end = to === head.number ? head : await this.l1.block(to);
      if (end === null) return; // L1 moved under us: next pass
      const inputs = await this.l1.inputs(from, to);
      await this.#undoOnFailure(async () => {
        for (const block of inputs) await this.#deriver.addL1Block(block);
        this.#deriver.advance(end.timestamp);
        await this.#commit(inputs, { number: end.number, hash: end.hash, timestamp: end.timestamp });
      });
    } else if (this.#planned.length > 0 && cursor !== null) {
      const at = cursor;
      await this.#undoOnFailure(() => this.#commit([], at));
    }
    // Pending blocks only once derivation has caught up with L1 (not on every pass of a catch-up).
    this.#caughtUp = to >= head.number;
    if (this.#caughtUp) await this.#rebuildPending();
  }

  /**
   * Runs a feed-and-commit step; if it fails, nothing of it stays: the engine goes back to the head's
   * state and the deriver is rebuilt from what is stored, so the next pass reads the same L1 range
   * again from a clean state.
   */
  async #undoOnFailure(step: () => Promise<void>): Promise<void> {
    try {
      await step();
    } catch (error) {
      await this.state.reset(this.#head.stateRoot);
      this.#enginePending = false;
      this.#pendingDirty = true;
      this.#pending?.invalidate();
      await this.#rebuildDeriver();
      throw error;
    }
  }

  /** Rebuilds the pending blocks on the head from the gateway's published batches. */
  async #rebuildPending(): Promise<void> {
    const pending = this.#pending;
    if (pending === null || !this.#pendingDirty) return;
    this.#pendingDirty = false;
    const wasPending = this.#enginePending;
    // Set first: whatever the rebuild leaves in the engine (even after a failure) is not the head's.
    this.#enginePending = true;
    try {
      await pending.rebuild(
        this.#head,
        (number) => this.store.block(number + 1n)?.extraData ?? null,
        this.state,
        async () => {
          if (wasPending) await this.state.reset(this.#head.stateRoot);
        },
      );
    } catch (error) {
      pending.invalidate();
      this.#pendingDirty = true;
      throw error;
    }
  }

  /** The newest pending block, or null without any. */
  pendingHead(): RollupBlock | null {
    return this.#pending?.blocks.at(-1)?.block ?? null;
  }
  pendingBlock(number: bigint): RollupBlock | null {
    return this.#pending?.block(number) ?? null;
  }
  pendingBlockByHash(hash: Hex): RollupBlock | null {
    return this.#pending?.blockByHash(hash) ?? null;
  }
  pendingTransaction(hash: Hex): RollupTransaction | null {
    return this.#pending?.transaction(hash) ?? null;
  }
  pendingReceipt(hash: Hex): RollupReceipt | null {
    return this.#pending?.receipt(hash) ?? null;
  }
  pendingLogs(filter: LogFilter): RollupLog[] {
    return this.#pending?.logs(filter) ?? [];
  }
  /** Batches the gateway published that L1 settled differently. */
  get brokenBatches(): readonly BrokenBatch[] {
    return this.#pending?.broken ?? [];
  }

  /** Builds the ready plans and commits them with `inputs` and the new cursor. */
  async #commit(inputs: Parameters<ChainStore["commit"]>[0], cursor: L1Cursor): Promise<void> {
    const plans = [...this.#planned, ...this.#deriver.takeReady()].filter(
      (plan) => plan.number > this.#head.number,
    );
    this.#planned = [];
    if (plans.length > 0 && this.#enginePending) {
      await this.state.reset(this.#head.stateRoot);
      this.#enginePending = false;
    }
    const built: BuiltBlock[] = [];
    let parent = this.#head;
    for (const plan of plans) {
      const block = await buildBlock(this.state.engine, parent, plan, this.constants);
      for (const skip of plan.skipped)
        this.logger.debug("position skipped", {
          number: plan.number.toString(),
          position: skip.position.toString(),
          reason: skip.reason,
        });
      for (const refused of block.refused)
        this.logger.debug("transaction refused", {
          number: plan.number.toString(),
          position: refused.position.toString(),
          code: refused.code,
        });
      built.push(block);
      parent = block.block;
    }
    // State first: a crash after the flush leaves unreferenced trie nodes, never a block without state.
    await this.state.flush();
    this.store.commit(inputs, built, cursor);
    if (built.length > 0) {
      this.#head = parent;
      this.#pendingDirty = true;
      this.logger.info("derived", {
        blocks: built.length,
        head: parent.number.toString(),
        stateRoot: parent.stateRoot,
        txs: built.reduce((n, b) => n + b.transactions.length, 0),
      });
    }
  }

  /** L1 reorganised under the cursor: forget what was derived from the orphaned blocks. */
  async #rewind(stale: L1Cursor): Promise<void> {
    let fork: L1BlockRef | null = null;
    for (const stored of this.store.inputHashes()) {
      if (stored.number > stale.number) continue;
      const canonical = await this.l1.block(stored.number);
      if (canonical !== null && canonical.hash === stored.hash) {
        fork = canonical;
        break;
      }
    }
    const before = fork ?? (await this.l1.block(this.options.l1StartBlock - 1n));
    const forkCursor: L1Cursor =
      before === null
        ? { number: this.options.l1StartBlock - 1n, hash: "0x", timestamp: 0n }
        : { number: before.number, hash: before.hash, timestamp: before.timestamp };
    const head = this.store.rollback(forkCursor.number, forkCursor);
    this.logger.warn("L1 reorg: rolled back", {
      staleL1: stale.number.toString(),
      forkL1: forkCursor.number.toString(),
      head: head.number.toString(),
      droppedBlocks: (this.#head.number - head.number).toString(),
    });
    this.#head = head;
    await this.state.reset(head.stateRoot);
    this.#enginePending = false;
    this.#pendingDirty = true;
    this.#pending?.invalidate();
    await this.#rebuildDeriver();
  }

  /** A fresh deriver fed every stored input; plans past the head wait in `#planned`. */
  async #rebuildDeriver(): Promise<void> {
    const o = this.options;
    const deriver = new Deriver(
      {
        chainId: o.genesis.chainId,
        inbox: o.contracts.inbox,
        l1ChainId: this.#l1ChainId,
        slasher: o.contracts.slasher,
        genesisTime: BigInt(o.genesisTime),
        secondsPerSlot: BigInt(o.secondsPerSlot),
        maxInactivity: o.maxInactivity,
        ...(o.registeredAt === undefined ? {} : { registeredAt: o.registeredAt }),
      },
      this.logger,
      BigInt(o.genesisTime),
    );
    for (const block of this.store.inputs()) await deriver.addL1Block(block);
    const cursor = this.store.cursor();
    if (cursor !== null) deriver.advance(cursor.timestamp);
    this.#planned = deriver.takeReady().filter((plan) => plan.number > this.#head.number);
    this.#deriver = deriver;
  }

  /**
   * Forwards a signed rollup transaction to the gateway as an inclusion request for the window it
   * serves; returns the transaction's hash once promised.
   */
  async sendRawTransaction(raw: Hex): Promise<Hex> {
    const gateway = this.#gateway;
    if (gateway === null)
      throw new RollupError(
        RollupErrorCode.gatewayUnavailable,
        "This node has no gateway to send transactions to",
      );
    try {
      const health = await gateway.health(undefined);
      const target = health.servingWindow?.targetSlot;
      if (target === undefined)
        throw new RollupError(RollupErrorCode.gatewayUnavailable, "The gateway serves no window now", {
          hint: "Retry in a slot, or force-include the transaction through the inbox.",
        });
      await gateway.commitmentRequest({
        commitment_type: CommitmentKind.inclusion,
        payload: encodePreconfRequest({
          transactions: [raw],
          slot: BigInt(target),
          beneficiary: zeroAddress,
        }),
        slasher: this.options.contracts.slasher,
      });
      return fastKeccak256(raw);
    } catch (error) {
      if (error instanceof RollupError) throw error;
      if (error instanceof GatewayApiError)
        throw new RollupError(RollupErrorCode.gatewayRefused, error.message.split("\n")[0] ?? "refused", {
          details: { gatewayCode: error.code },
        });
      throw new RollupError(RollupErrorCode.gatewayUnavailable, "The gateway could not be reached", {
        cause: error,
      });
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#pending?.close();
    await this.#syncing?.catch(() => {});
    this.l1.close();
    this.store.close();
    await this.state.close();
  }
}
