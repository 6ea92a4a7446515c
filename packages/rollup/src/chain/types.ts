/**
 * The rollup chain as the node serves it: blocks derived from L1 (and the pending block built from
 * the gateway's promises), their transactions and receipts. Everything the JSON-RPC layer reads goes
 * through {@link ChainReader}; the node implements it over its database and execution engine.
 */
import type { CallRequest, CallResult, ExecutionLog } from "@baton/execution";
import type { Address, Hex } from "viem";

/**
 * Which block a read is about. `latest` is the newest block including preconfirmed ones (the pending
 * block when there is one); `pending` is the same; `safe` is the newest block derived from L1
 * batches; `finalized` the newest derived from a finalized L1 block; `earliest` the genesis.
 */
export type BlockTag = "latest" | "pending" | "safe" | "finalized" | "earliest";
export type BlockSelector = BlockTag | bigint | { readonly hash: Hex };

/** Where a derived block came from on L1 (null for the genesis and for a pending block). */
export interface L1Origin {
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  /** The batch's struct hash (`hashBatch`). */
  readonly batchHash: Hex;
}

/** A rollup block: an Ethereum (Prague) header, hashed as L1 hashes its headers. */
export interface RollupBlock {
  readonly number: bigint;
  readonly hash: Hex;
  readonly parentHash: Hex;
  readonly timestamp: bigint;
  /** Receives the priority fees (the window's committer, or the proposer of an unsigned batch). */
  readonly coinbase: Address;
  readonly stateRoot: Hex;
  readonly transactionsRoot: Hex;
  readonly receiptsRoot: Hex;
  readonly logsBloom: Hex;
  readonly gasUsed: bigint;
  readonly gasLimit: bigint;
  readonly baseFeePerGas: bigint;
  /** PREVRANDAO (zero on Baton rollups). */
  readonly mixHash: Hex;
  /** The batch's struct hash for a derived block (empty for the genesis and pending blocks). */
  readonly extraData: Hex;
  /** Hashes of the block's transactions, in order. */
  readonly transactions: readonly Hex[];
  /** Byte length of the header RLP plus the transactions (the `size` field). */
  readonly size: bigint;
  readonly l1: L1Origin | null;
  /** True for the pending block built from preconfirmations (not yet settled on L1). */
  readonly pending: boolean;
}

/** A transaction as included in a block (the fields of `eth_getTransactionByHash`). */
export interface RollupTransaction {
  readonly hash: Hex;
  /** The signed EIP-2718 bytes (a deposit's `0x7e` encoding for a deposit). */
  readonly raw: Hex;
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  readonly index: number;
  readonly from: Address;
}

export interface RollupLog extends ExecutionLog {
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  readonly transactionHash: Hex;
  readonly transactionIndex: number;
  /** Index of the log in its block. */
  readonly logIndex: number;
}

export interface RollupReceipt {
  readonly transactionHash: Hex;
  readonly transactionIndex: number;
  readonly blockNumber: bigint;
  readonly blockHash: Hex;
  readonly from: Address;
  readonly to: Address | null;
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 0x7e deposit. */
  readonly type: number;
  readonly status: "success" | "reverted";
  readonly gasUsed: bigint;
  readonly cumulativeGasUsed: bigint;
  readonly effectiveGasPrice: bigint;
  readonly contractAddress: Address | null;
  readonly logs: readonly RollupLog[];
  readonly logsBloom: Hex;
}

export interface LogFilter {
  readonly fromBlock: bigint;
  readonly toBlock: bigint;
  /** Any of these addresses; empty: any. */
  readonly addresses: readonly Address[];
  /** Per position: null matches anything, else any of the listed topics. */
  readonly topics: readonly (readonly Hex[] | null)[];
}

/** State of one block, for reads and calls. */
export interface StateView {
  readonly block: RollupBlock;
  balance(address: Address): Promise<bigint>;
  nonce(address: Address): Promise<bigint>;
  code(address: Address): Promise<Hex>;
  storage(address: Address, slot: Hex): Promise<Hex>;
  /** Runs `request` on this block's state in a block after it (as `eth_call` does) and discards it. */
  call(request: CallRequest): Promise<CallResult>;
}

/** What the node's JSON-RPC server reads and where it sends transactions. */
export interface ChainReader {
  readonly chainId: bigint;
  /** The number of the block a tag resolves to. */
  blockNumber(tag: BlockTag): Promise<bigint>;
  block(selector: BlockSelector): Promise<RollupBlock | null>;
  transaction(hash: Hex): Promise<RollupTransaction | null>;
  receipt(hash: Hex): Promise<RollupReceipt | null>;
  /** Logs in block order; throws `RollupError` with code `LOG_RANGE_TOO_LARGE` past the node's limit. */
  logs(filter: LogFilter): Promise<RollupLog[]>;
  /** The state after block `selector` (null if no such block, or its state was pruned). */
  state(selector: BlockSelector): Promise<StateView | null>;
  /**
   * Forwards a signed transaction to the current gateway as an inclusion request and returns its
   * hash once the gateway promised it; throws `RollupError` with the gateway's code otherwise.
   */
  sendRawTransaction(raw: Hex): Promise<Hex>;
}
