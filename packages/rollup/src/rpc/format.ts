/**
 * The JSON shapes of blocks, transactions, receipts and logs, as geth serves them. Transaction
 * fields are decoded from the signed bytes, never made up; a deposit (`0x7e`) has no signature and
 * is served with its own few fields.
 */
import { type Address, fromRlp, type Hex, hexToBigInt, parseTransaction } from "viem";
import { EMPTY_HEADER_FIELDS } from "../chain/blockBuilder.ts";
import type { RollupBlock, RollupLog, RollupReceipt, RollupTransaction } from "../chain/types.ts";

export function hexQuantity(value: bigint | number): Hex {
  return `0x${value.toString(16)}`;
}

export { DEPOSIT_TX_TYPE } from "@baton/protocol";
export { EMPTY_HEADER_FIELDS } from "../chain/blockBuilder.ts";

export function formatBlock(block: RollupBlock, transactions: readonly unknown[] | readonly Hex[]) {
  return {
    number: hexQuantity(block.number),
    hash: block.hash,
    parentHash: block.parentHash,
    nonce: EMPTY_HEADER_FIELDS.nonce,
    sha3Uncles: EMPTY_HEADER_FIELDS.sha3Uncles,
    logsBloom: block.logsBloom,
    transactionsRoot: block.transactionsRoot,
    stateRoot: block.stateRoot,
    receiptsRoot: block.receiptsRoot,
    miner: block.coinbase,
    difficulty: EMPTY_HEADER_FIELDS.difficulty,
    totalDifficulty: "0x0",
    extraData: block.extraData,
    size: hexQuantity(block.size),
    gasLimit: hexQuantity(block.gasLimit),
    gasUsed: hexQuantity(block.gasUsed),
    timestamp: hexQuantity(block.timestamp),
    mixHash: block.mixHash,
    baseFeePerGas: hexQuantity(block.baseFeePerGas),
    withdrawalsRoot: EMPTY_HEADER_FIELDS.withdrawalsRoot,
    blobGasUsed: EMPTY_HEADER_FIELDS.blobGasUsed,
    excessBlobGas: EMPTY_HEADER_FIELDS.excessBlobGas,
    parentBeaconBlockRoot: EMPTY_HEADER_FIELDS.parentBeaconBlockRoot,
    requestsHash: EMPTY_HEADER_FIELDS.requestsHash,
    transactions,
    uncles: [],
    withdrawals: [],
  };
}

/** The fields of a deposit's `0x7e ‖ rlp([chainId, depositNonce, from, to, value])`, or null if malformed. */
export function decodeDeposit(
  raw: Hex,
): { chainId: bigint; depositNonce: bigint; from: Address; to: Address; value: bigint } | null {
  if (!raw.toLowerCase().startsWith("0x7e")) return null;
  let fields: unknown;
  try {
    fields = fromRlp(`0x${raw.slice(4)}`, "hex");
  } catch {
    return null;
  }
  if (!Array.isArray(fields) || fields.length !== 5 || fields.some((f) => typeof f !== "string")) return null;
  const [chainId, depositNonce, from, to, value] = fields as Hex[];
  if (from?.length !== 42 || to?.length !== 42) return null;
  const int = (h: Hex) => (h === "0x" ? 0n : hexToBigInt(h));
  return {
    chainId: int(chainId as Hex),
    depositNonce: int(depositNonce as Hex),
    from: from.toLowerCase() as Address,
    to: to.toLowerCase() as Address,
    value: int(value as Hex),
  };
}

const TYPE_HEX = { legacy: "0x0", eip2930: "0x1", eip1559: "0x2", eip4844: "0x3", eip7702: "0x4" } as const;

/**
 * `eth_getTransactionByHash`'s object. `baseFeePerGas` is the including block's: a mined EIP-1559
 * transaction's `gasPrice` is the price it paid, as geth serves it.
 */
export function formatTransaction(tx: RollupTransaction, baseFeePerGas: bigint | null) {
  const located = {
    blockHash: tx.blockHash,
    blockNumber: hexQuantity(tx.blockNumber),
    transactionIndex: hexQuantity(tx.index),
    hash: tx.hash,
    from: tx.from,
  };
  if (tx.raw.toLowerCase().startsWith("0x7e")) {
    const deposit = decodeDeposit(tx.raw);
    return {
      ...located,
      type: "0x7e",
      nonce: "0x0",
      gas: "0x0",
      gasPrice: "0x0",
      to: deposit?.to ?? null,
      value: hexQuantity(deposit?.value ?? 0n),
      input: "0x",
      ...(deposit === null ? {} : { chainId: hexQuantity(deposit.chainId) }),
    };
  }
  const parsed = parseTransaction(tx.raw);
  const common = {
    ...located,
    type: TYPE_HEX[parsed.type as keyof typeof TYPE_HEX] ?? "0x0",
    nonce: hexQuantity(parsed.nonce ?? 0),
    gas: hexQuantity(parsed.gas ?? 0n),
    to: parsed.to ?? null,
    value: hexQuantity(parsed.value ?? 0n),
    input: parsed.data ?? "0x",
    r: hexQuantity(hexToBigInt(parsed.r ?? "0x0")),
    s: hexQuantity(hexToBigInt(parsed.s ?? "0x0")),
  };
  if (parsed.type === "legacy")
    return {
      ...common,
      gasPrice: hexQuantity(parsed.gasPrice ?? 0n),
      ...(parsed.chainId === undefined ? {} : { chainId: hexQuantity(parsed.chainId) }),
      v: hexQuantity(parsed.v ?? 0n),
    };
  const yParity = hexQuantity(parsed.yParity ?? 0);
  const accessList = (parsed.accessList ?? []).map((entry) => ({
    address: entry.address,
    storageKeys: entry.storageKeys,
  }));
  const signed = { ...common, chainId: hexQuantity(parsed.chainId ?? 0), accessList, v: yParity, yParity };
  if (parsed.type === "eip2930") return { ...signed, gasPrice: hexQuantity(parsed.gasPrice ?? 0n) };
  const maxFeePerGas = parsed.maxFeePerGas ?? 0n;
  const maxPriorityFeePerGas = parsed.maxPriorityFeePerGas ?? 0n;
  const gasPrice =
    baseFeePerGas === null ? maxFeePerGas : min(maxFeePerGas, baseFeePerGas + maxPriorityFeePerGas);
  return {
    ...signed,
    gasPrice: hexQuantity(gasPrice),
    maxFeePerGas: hexQuantity(maxFeePerGas),
    maxPriorityFeePerGas: hexQuantity(maxPriorityFeePerGas),
  };
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

export function formatLog(log: RollupLog) {
  return {
    address: log.address,
    topics: log.topics,
    data: log.data,
    blockNumber: hexQuantity(log.blockNumber),
    blockHash: log.blockHash,
    transactionHash: log.transactionHash,
    transactionIndex: hexQuantity(log.transactionIndex),
    logIndex: hexQuantity(log.logIndex),
    removed: false,
  };
}

export function formatReceipt(receipt: RollupReceipt) {
  return {
    transactionHash: receipt.transactionHash,
    transactionIndex: hexQuantity(receipt.transactionIndex),
    blockHash: receipt.blockHash,
    blockNumber: hexQuantity(receipt.blockNumber),
    from: receipt.from,
    to: receipt.to,
    cumulativeGasUsed: hexQuantity(receipt.cumulativeGasUsed),
    gasUsed: hexQuantity(receipt.gasUsed),
    effectiveGasPrice: hexQuantity(receipt.effectiveGasPrice),
    contractAddress: receipt.contractAddress,
    logs: receipt.logs.map(formatLog),
    logsBloom: receipt.logsBloom,
    type: hexQuantity(receipt.type),
    status: receipt.status === "success" ? "0x1" : "0x0",
  };
}
