/**
 * The node's {@link ChainReader}: what its JSON-RPC server reads. Derived blocks come from the chain
 * database; `latest`/`pending` are the derived head until preconfirmed blocks exist on top of it;
 * state is read at a block's state root, never from the engine that is deriving.
 */
import type { Hex } from "viem";
import { planEnv } from "./chain/blockBuilder.ts";
import type {
  BlockSelector,
  BlockTag,
  ChainReader,
  LogFilter,
  RollupBlock,
  RollupLog,
  RollupReceipt,
  RollupTransaction,
  StateView,
} from "./chain/types.ts";
import { RollupError, RollupErrorCode } from "./errors.ts";
import type { RollupNode } from "./node.ts";

/** Most blocks one `eth_getLogs` may span. */
export const MAX_LOG_BLOCK_RANGE = 10_000n;

export class NodeChainReader implements ChainReader {
  constructor(private readonly node: RollupNode) {}

  get chainId(): bigint {
    return this.node.chainId;
  }

  #tagged(tag: BlockTag): RollupBlock {
    switch (tag) {
      case "earliest":
        return this.node.genesis;
      case "finalized":
        return this.node.finalized();
      case "safe":
        return this.node.head;
      default:
        return this.node.pendingHead() ?? this.node.head;
    }
  }

  async blockNumber(tag: BlockTag): Promise<bigint> {
    return this.#tagged(tag).number;
  }

  async block(selector: BlockSelector): Promise<RollupBlock | null> {
    if (typeof selector === "string") return this.#tagged(selector);
    if (typeof selector === "bigint")
      return this.node.store.block(selector) ?? this.node.pendingBlock(selector) ?? null;
    return this.node.store.blockByHash(selector.hash) ?? this.node.pendingBlockByHash(selector.hash) ?? null;
  }

  async transaction(hash: Hex): Promise<RollupTransaction | null> {
    return this.node.store.transaction(hash) ?? this.node.pendingTransaction(hash) ?? null;
  }

  async receipt(hash: Hex): Promise<RollupReceipt | null> {
    return this.node.store.receipt(hash) ?? this.node.pendingReceipt(hash) ?? null;
  }

  async logs(filter: LogFilter): Promise<RollupLog[]> {
    if (filter.toBlock - filter.fromBlock + 1n > MAX_LOG_BLOCK_RANGE)
      throw new RollupError(RollupErrorCode.logRangeTooLarge, "Log query spans too many blocks", {
        details: { limit: MAX_LOG_BLOCK_RANGE.toString() },
      });
    const derived = this.node.store.logs(filter);
    return [...derived, ...this.node.pendingLogs(filter)];
  }

  async state(selector: BlockSelector): Promise<StateView | null> {
    const block = await this.block(selector);
    if (block === null) return null;
    const view = await this.node.state.view(block.stateRoot);
    // Calls run in the block after `block`, as eth_call on a block does.
    const env = planEnv(
      { number: block.number + 1n, timestamp: block.timestamp, coinbase: block.coinbase },
      this.node.constants,
    );
    return {
      block,
      balance: async (address) => (await view.account(address)).balance,
      nonce: async (address) => (await view.account(address)).nonce,
      code: (address) => view.code(address),
      storage: (address, slot) => view.storage(address, slot),
      call: (request) => view.call(request, env),
    };
  }

  sendRawTransaction(raw: Hex): Promise<Hex> {
    return this.node.sendRawTransaction(raw);
  }
}
