/**
 * The `eth_` methods the node serves, each defined once: how many positional parameters it takes
 * and its handler, which checks its parameters strictly and answers in geth's JSON shapes.
 */
import type { Hex } from "viem";
import type { BlockSelector, BlockTag, ChainReader, RollupBlock, StateView } from "../chain/types.ts";
import { call, estimateGas } from "./call.ts";
import { invalidParams, RpcError } from "./errors.ts";
import { feeHistory, MAX_FEE_HISTORY_BLOCKS, MAX_REWARD_PERCENTILES, type TipOracle } from "./fees.ts";
import { formatBlock, formatLog, formatReceipt, formatTransaction, hexQuantity } from "./format.ts";
import {
  address,
  type BlockParam,
  blockNumberOrTag,
  blockParam,
  bool,
  callArgs,
  data,
  hash,
  isObject,
  logFilter,
  quantity,
  required,
} from "./params.ts";

export interface MethodContext {
  readonly reader: ChainReader;
  readonly tips: TipOracle;
  readonly clientVersion: string;
}

interface Method {
  /** Most positional parameters accepted. */
  readonly maxParams: number;
  readonly handler: (params: readonly unknown[], context: MethodContext) => Promise<unknown>;
}

/** The block a parameter names, or BLOCK_NOT_FOUND / BLOCK_NOT_CANONICAL. */
async function resolveBlock(reader: ChainReader, param: BlockParam): Promise<RollupBlock> {
  const block = await reader.block(param.selector);
  if (block === null) throw new RpcError("BLOCK_NOT_FOUND");
  if (param.requireCanonical) {
    const canonical = await reader.block(block.number);
    if (canonical?.hash !== block.hash) throw new RpcError("BLOCK_NOT_CANONICAL");
  }
  return block;
}

/** The state after the block a parameter names (`latest` when absent). */
async function resolveState(reader: ChainReader, raw: unknown): Promise<StateView> {
  const param =
    raw === undefined ? { selector: "latest" as const, requireCanonical: false } : blockParam("block", raw);
  if (param.requireCanonical) await resolveBlock(reader, param);
  const state = await reader.state(param.selector);
  if (state !== null) return state;
  throw new RpcError((await reader.block(param.selector)) === null ? "BLOCK_NOT_FOUND" : "STATE_UNAVAILABLE");
}

async function blockNumberOf(reader: ChainReader, tagOrNumber: BlockTag | bigint): Promise<bigint> {
  return typeof tagOrNumber === "bigint" ? tagOrNumber : reader.blockNumber(tagOrNumber);
}

async function blockJson(reader: ChainReader, block: RollupBlock | null, full: boolean) {
  if (block === null) return null;
  if (!full) return formatBlock(block, block.transactions);
  const transactions = await Promise.all(
    block.transactions.map(async (txHash) => {
      const tx = await reader.transaction(txHash);
      if (tx === null)
        throw new Error(`block ${block.number} lists ${txHash} but the reader has no such transaction`);
      return formatTransaction(tx, block.baseFeePerGas);
    }),
  );
  return formatBlock(block, transactions);
}

function blockSelectorByNumber(value: unknown): BlockSelector {
  return blockNumberOrTag("block", value);
}

export const methods: Readonly<Record<string, Method>> = {
  web3_clientVersion: { maxParams: 0, handler: async (_, { clientVersion }) => clientVersion },
  net_version: { maxParams: 0, handler: async (_, { reader }) => reader.chainId.toString() },
  eth_chainId: { maxParams: 0, handler: async (_, { reader }) => hexQuantity(reader.chainId) },
  eth_syncing: { maxParams: 0, handler: async () => false },
  eth_blockNumber: {
    maxParams: 0,
    handler: async (_, { reader }) => hexQuantity(await reader.blockNumber("latest")),
  },

  eth_getBalance: {
    maxParams: 2,
    handler: async (params, { reader }) => {
      const who = address("address", required(params, 0, "address"));
      return hexQuantity(await (await resolveState(reader, params[1])).balance(who));
    },
  },
  eth_getTransactionCount: {
    maxParams: 2,
    handler: async (params, { reader }) => {
      const who = address("address", required(params, 0, "address"));
      return hexQuantity(await (await resolveState(reader, params[1])).nonce(who));
    },
  },
  eth_getCode: {
    maxParams: 2,
    handler: async (params, { reader }) => {
      const who = address("address", required(params, 0, "address"));
      return (await resolveState(reader, params[1])).code(who);
    },
  },
  eth_getStorageAt: {
    maxParams: 3,
    handler: async (params, { reader }) => {
      const who = address("address", required(params, 0, "address"));
      const slot = storageSlot(required(params, 1, "slot"));
      return (await resolveState(reader, params[2])).storage(who, slot);
    },
  },
  eth_call: {
    maxParams: 3,
    handler: async (params, { reader }) => {
      const args = callArgs("transaction", required(params, 0, "transaction"));
      noStateOverrides(params[2]);
      return call(await resolveState(reader, params[1]), args);
    },
  },
  eth_estimateGas: {
    maxParams: 3,
    handler: async (params, { reader }) => {
      const args = callArgs("transaction", required(params, 0, "transaction"));
      noStateOverrides(params[2]);
      return hexQuantity(await estimateGas(await resolveState(reader, params[1]), args));
    },
  },

  eth_gasPrice: {
    maxParams: 0,
    handler: async (_, { reader, tips }) => {
      const head = await reader.block("latest");
      return hexQuantity((head?.baseFeePerGas ?? 0n) + (await tips.suggest()));
    },
  },
  eth_maxPriorityFeePerGas: {
    maxParams: 0,
    handler: async (_, { tips }) => hexQuantity(await tips.suggest()),
  },
  eth_feeHistory: {
    maxParams: 3,
    handler: async (params, { reader }) => {
      const count = feeBlockCount(required(params, 0, "blockCount"));
      const newestTag = blockNumberOrTag("newestBlock", required(params, 1, "newestBlock"));
      const percentiles = rewardPercentiles(params[2]);
      const newest = await blockNumberOf(reader, newestTag);
      const head = await reader.blockNumber("latest");
      if (newest > head)
        throw new RpcError("BLOCK_NOT_FOUND", `request beyond head block: ${newest} > ${head}`);
      return feeHistory(reader, count, newest, percentiles);
    },
  },

  eth_sendRawTransaction: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const raw = data("transaction", required(params, 0, "transaction"));
      if (raw === "0x") throw invalidParams("transaction must not be empty");
      return reader.sendRawTransaction(raw);
    },
  },
  eth_getTransactionByHash: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const tx = await reader.transaction(hash("hash", required(params, 0, "hash")));
      if (tx === null) return null;
      const block = await reader.block({ hash: tx.blockHash });
      return formatTransaction(tx, block?.baseFeePerGas ?? null);
    },
  },
  eth_getTransactionReceipt: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const receipt = await reader.receipt(hash("hash", required(params, 0, "hash")));
      return receipt === null ? null : formatReceipt(receipt);
    },
  },
  eth_getBlockByNumber: {
    maxParams: 2,
    handler: async (params, { reader }) => {
      const selector = blockSelectorByNumber(required(params, 0, "block"));
      const full = bool("fullTransactions", params[1] ?? false);
      return blockJson(reader, await reader.block(selector), full);
    },
  },
  eth_getBlockByHash: {
    maxParams: 2,
    handler: async (params, { reader }) => {
      const blockHash = hash("blockHash", required(params, 0, "blockHash"));
      const full = bool("fullTransactions", params[1] ?? false);
      return blockJson(reader, await reader.block({ hash: blockHash }), full);
    },
  },
  eth_getBlockTransactionCountByNumber: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const block = await reader.block(blockSelectorByNumber(required(params, 0, "block")));
      return block === null ? null : hexQuantity(block.transactions.length);
    },
  },
  eth_getBlockTransactionCountByHash: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const block = await reader.block({ hash: hash("blockHash", required(params, 0, "blockHash")) });
      return block === null ? null : hexQuantity(block.transactions.length);
    },
  },
  eth_getLogs: {
    maxParams: 1,
    handler: async (params, { reader }) => {
      const filter = logFilter("filter", required(params, 0, "filter"));
      let fromBlock: bigint;
      let toBlock: bigint;
      if (filter.blockHash !== undefined) {
        const block = await reader.block({ hash: filter.blockHash });
        if (block === null) throw new RpcError("BLOCK_NOT_FOUND", "unknown block");
        fromBlock = block.number;
        toBlock = block.number;
      } else {
        fromBlock = await blockNumberOf(reader, filter.fromBlock);
        toBlock = await blockNumberOf(reader, filter.toBlock);
        if (fromBlock > toBlock) throw invalidParams("filter.fromBlock is after filter.toBlock");
        const head = await reader.blockNumber("latest");
        if (fromBlock > head) return [];
        if (toBlock > head) toBlock = head;
      }
      const logs = await reader.logs({
        fromBlock,
        toBlock,
        addresses: filter.addresses,
        topics: filter.topics,
      });
      const wanted = filter.blockHash;
      return (wanted === undefined ? logs : logs.filter((log) => log.blockHash === wanted)).map(formatLog);
    },
  },
};

/** A storage slot: geth takes any hex up to 32 bytes (e.g. `0x0`); it is left-padded. */
function storageSlot(value: unknown): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{1,64}$/.test(value))
    throw invalidParams(`slot must be hex of at most 32 bytes, got ${JSON.stringify(value)?.slice(0, 80)}`);
  return `0x${value.slice(2).toLowerCase().padStart(64, "0")}`;
}

function noStateOverrides(value: unknown): void {
  if (value === undefined || value === null) return;
  if (isObject(value) && Object.keys(value).length === 0) return;
  throw invalidParams("state overrides are not supported");
}

/** A block count as hex (viem) or a plain integer (some clients), at most geth's 1024. */
function feeBlockCount(value: unknown): number {
  if (typeof value === "number" && Number.isInteger(value) && value >= 0)
    return Math.min(value, MAX_FEE_HISTORY_BLOCKS);
  const count = quantity("blockCount", value);
  return Number(count > BigInt(MAX_FEE_HISTORY_BLOCKS) ? BigInt(MAX_FEE_HISTORY_BLOCKS) : count);
}

function rewardPercentiles(value: unknown): readonly number[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value)) throw invalidParams("rewardPercentiles must be an array of numbers");
  if (value.length > MAX_REWARD_PERCENTILES)
    throw invalidParams(`rewardPercentiles has more than ${MAX_REWARD_PERCENTILES} entries`);
  let previous = -1;
  for (const [i, p] of value.entries()) {
    if (typeof p !== "number" || !Number.isFinite(p) || p < 0 || p > 100)
      throw invalidParams(`rewardPercentiles[${i}] must be a number from 0 to 100`);
    if (p < previous) throw invalidParams("rewardPercentiles must be in increasing order");
    previous = p;
  }
  return value as number[];
}
