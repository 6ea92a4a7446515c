/**
 * Executes a block plan on the engine and assembles the block: its transactions, receipts and an
 * Ethereum (Prague) header hashed as L1 hashes its headers. A transaction the engine refuses
 * (`ExecutionError` with fault "transaction") is skipped by the rule every node applies: it changes
 * nothing and is not in the block.
 */
import { type BlockEnv, type ExecutionEngine, ExecutionError, type TxOutcome } from "@baton/execution";
import {
  EMPTY_TRIE_ROOT,
  encodeBlockHeader,
  fastKeccak256,
  transactionsTrie,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, bytesToHex, concatHex, type Hex, hexToBytes, numberToHex, toRlp } from "viem";
import type { BlockPlan } from "../derivation/deriver.ts";
import type { RollupBlock, RollupLog, RollupReceipt, RollupTransaction } from "./types.ts";

/**
 * The Prague header fields a rollup block has no use for, at their empty values: a rollup block has
 * no withdrawals, no blobs, no beacon root and no requests. The block hash covers them, so the node
 * must hash its headers with exactly these (see docs/rollup.md).
 */
export const EMPTY_HEADER_FIELDS = {
  sha3Uncles: "0x1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347",
  difficulty: "0x0",
  nonce: "0x0000000000000000",
  /** Root of the empty trie (no withdrawals). */
  withdrawalsRoot: "0x56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421",
  blobGasUsed: "0x0",
  excessBlobGas: "0x0",
  parentBeaconBlockRoot: "0x0000000000000000000000000000000000000000000000000000000000000000",
  /** EIP-7685 hash of no requests: sha256 of the empty string. */
  requestsHash: "0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
} as const satisfies Record<string, Hex>;

export interface ChainConstants {
  readonly baseFeePerGas: bigint;
  readonly gasLimit: bigint;
}

export interface BuiltBlock {
  readonly block: RollupBlock;
  readonly transactions: readonly RollupTransaction[];
  readonly receipts: readonly RollupReceipt[];
  /** Positions the engine refused, with its code. */
  readonly refused: readonly { readonly position: bigint; readonly code: string }[];
}

export interface BuildOptions {
  /** Compute a state root after every transaction (default false: only the block's). */
  readonly rootPerTx?: boolean;
  /** Pending blocks are not from L1. */
  readonly pending?: boolean;
}

export function planEnv(
  plan: Pick<BlockPlan, "number" | "timestamp" | "coinbase">,
  constants: ChainConstants,
): BlockEnv {
  return {
    number: plan.number,
    timestamp: plan.timestamp,
    coinbase: plan.coinbase,
    baseFeePerGas: constants.baseFeePerGas,
    gasLimit: constants.gasLimit,
    prevRandao: ZERO_HASH,
  };
}

/** Applies `plan` on `engine` (whose state is `parent`'s) and returns the block. */
export async function buildBlock(
  engine: ExecutionEngine,
  parent: RollupBlock,
  plan: BlockPlan,
  constants: ChainConstants,
  options: BuildOptions = {},
): Promise<BuiltBlock> {
  const env = planEnv(plan, constants);
  const executed: { raw: Hex; outcome: TxOutcome }[] = [];
  const refused: { position: bigint; code: string }[] = [];
  const stateRoot = options.rootPerTx === true;
  for (const item of plan.items) {
    try {
      const outcome =
        item.kind === "deposit"
          ? await engine.applyDeposit(
              {
                to: item.deposit.to,
                value: item.deposit.value,
                from: item.deposit.from,
                txHash: fastKeccak256(item.raw),
              },
              env,
              { stateRoot },
            )
          : await engine.execute(item.raw, env, { stateRoot });
      executed.push({ raw: item.raw, outcome });
    } catch (error) {
      if (!(error instanceof ExecutionError) || error.fault !== "transaction") throw error;
      refused.push({ position: item.position, code: error.code });
    }
  }
  const root = await engine.stateRoot();
  return assemble(parent, env, root, executed, refused, plan, options.pending === true);
}

function assemble(
  parent: RollupBlock,
  env: BlockEnv,
  stateRoot: Hex,
  executed: readonly { raw: Hex; outcome: TxOutcome }[],
  refused: readonly { position: bigint; code: string }[],
  plan: BlockPlan | null,
  pending: boolean,
): BuiltBlock {
  const receiptBytes: Hex[] = [];
  const blooms: Uint8Array[] = [];
  let gasUsed = 0n;
  for (const { outcome } of executed) {
    const bloom = logsBloom(outcome.logs);
    blooms.push(bloom);
    gasUsed = outcome.cumulativeGasUsed;
    receiptBytes.push(encodeReceipt(outcome, bloom));
  }
  const blockBloom = new Uint8Array(256);
  for (const bloom of blooms)
    for (let i = 0; i < 256; i++) blockBloom[i] = (blockBloom[i] as number) | (bloom[i] as number);
  const raws = executed.map((e) => e.raw);
  const transactionsRoot = raws.length === 0 ? EMPTY_TRIE_ROOT : transactionsTrie(raws).rootHash;
  const receiptsRoot = receiptBytes.length === 0 ? EMPTY_TRIE_ROOT : transactionsTrie(receiptBytes).rootHash;
  const header = {
    parentHash: parent.hash,
    sha3Uncles: EMPTY_HEADER_FIELDS.sha3Uncles,
    miner: env.coinbase,
    stateRoot,
    transactionsRoot,
    receiptsRoot,
    logsBloom: bytesToHex(blockBloom),
    difficulty: EMPTY_HEADER_FIELDS.difficulty,
    number: numberToHex(env.number),
    gasLimit: numberToHex(env.gasLimit),
    gasUsed: numberToHex(gasUsed),
    timestamp: numberToHex(env.timestamp),
    extraData: (plan?.batchHash ?? "0x") as Hex,
    mixHash: env.prevRandao,
    nonce: EMPTY_HEADER_FIELDS.nonce,
    baseFeePerGas: numberToHex(env.baseFeePerGas),
    withdrawalsRoot: EMPTY_HEADER_FIELDS.withdrawalsRoot,
    blobGasUsed: EMPTY_HEADER_FIELDS.blobGasUsed,
    excessBlobGas: EMPTY_HEADER_FIELDS.excessBlobGas,
    parentBeaconBlockRoot: EMPTY_HEADER_FIELDS.parentBeaconBlockRoot,
    requestsHash: EMPTY_HEADER_FIELDS.requestsHash,
  };
  const headerRlp = encodeBlockHeader(header);
  const hash = fastKeccak256(headerRlp);
  const size = BigInt((headerRlp.length - 2) / 2 + raws.reduce((n, raw) => n + (raw.length - 2) / 2, 0));
  const block: RollupBlock = {
    number: env.number,
    hash,
    parentHash: parent.hash,
    timestamp: env.timestamp,
    coinbase: env.coinbase.toLowerCase() as Address,
    stateRoot,
    transactionsRoot,
    receiptsRoot,
    logsBloom: header.logsBloom,
    gasUsed,
    gasLimit: env.gasLimit,
    baseFeePerGas: env.baseFeePerGas,
    mixHash: env.prevRandao,
    extraData: header.extraData,
    transactions: executed.map((e) => e.outcome.txHash),
    size,
    l1:
      plan === null || pending
        ? null
        : { blockNumber: plan.l1BlockNumber, blockHash: plan.l1BlockHash, batchHash: plan.batchHash },
    pending,
  };
  const transactions: RollupTransaction[] = [];
  const receipts: RollupReceipt[] = [];
  let logIndex = 0;
  executed.forEach(({ raw, outcome }, index) => {
    transactions.push({
      hash: outcome.txHash,
      raw,
      blockNumber: block.number,
      blockHash: hash,
      index,
      from: outcome.from,
    });
    const logs: RollupLog[] = outcome.logs.map((log) => ({
      ...log,
      blockNumber: block.number,
      blockHash: hash,
      transactionHash: outcome.txHash,
      transactionIndex: index,
      logIndex: logIndex++,
    }));
    receipts.push({
      transactionHash: outcome.txHash,
      transactionIndex: index,
      blockNumber: block.number,
      blockHash: hash,
      from: outcome.from,
      to: outcome.to,
      type: outcome.type,
      status: outcome.status,
      gasUsed: outcome.gasUsed,
      cumulativeGasUsed: outcome.cumulativeGasUsed,
      effectiveGasPrice: outcome.effectiveGasPrice,
      contractAddress: outcome.contractAddress,
      logs,
      logsBloom: bytesToHex(blooms[index] as Uint8Array),
    });
  });
  return { block, transactions, receipts, refused };
}

/** The genesis block (number 0) of a rollup whose genesis state root is `stateRoot`. */
export function genesisBlock(stateRoot: Hex, timestamp: bigint, constants: ChainConstants): RollupBlock {
  const root: RollupBlock = {
    number: -1n,
    hash: ZERO_HASH,
    parentHash: ZERO_HASH,
    timestamp,
    coinbase: `0x${"00".repeat(20)}`,
    stateRoot,
    transactionsRoot: EMPTY_TRIE_ROOT,
    receiptsRoot: EMPTY_TRIE_ROOT,
    logsBloom: `0x${"00".repeat(256)}`,
    gasUsed: 0n,
    gasLimit: constants.gasLimit,
    baseFeePerGas: constants.baseFeePerGas,
    mixHash: ZERO_HASH,
    extraData: "0x",
    transactions: [],
    size: 0n,
    l1: null,
    pending: false,
  };
  const env: BlockEnv = {
    number: 0n,
    timestamp,
    coinbase: root.coinbase,
    baseFeePerGas: constants.baseFeePerGas,
    gasLimit: constants.gasLimit,
    prevRandao: ZERO_HASH,
  };
  return assemble(root, env, stateRoot, [], [], null, false).block;
}

/** The receipt's EIP-2718 encoding: `type ‖ rlp([status, cumulativeGasUsed, bloom, logs])` (no type byte for legacy). */
export function encodeReceipt(outcome: TxOutcome, bloom: Uint8Array): Hex {
  const body = toRlp([
    outcome.status === "success" ? "0x01" : "0x",
    outcome.cumulativeGasUsed === 0n ? "0x" : numberToHex(outcome.cumulativeGasUsed),
    bytesToHex(bloom),
    outcome.logs.map((log) => [log.address, [...log.topics], log.data]),
  ]);
  return outcome.type === 0 ? body : concatHex([numberToHex(outcome.type, { size: 1 }), body]);
}

/** The 2048-bit bloom of `logs` (Yellow Paper 4.3.1): each address and topic sets three bits. */
export function logsBloom(
  logs: readonly { readonly address: Hex; readonly topics: readonly Hex[] }[],
): Uint8Array {
  const bloom = new Uint8Array(256);
  const add = (value: Hex) => {
    const hash = hexToBytes(fastKeccak256(value));
    for (let i = 0; i < 6; i += 2) {
      const bit = (((hash[i] as number) << 8) | (hash[i + 1] as number)) & 2047;
      const byte = 255 - (bit >> 3);
      bloom[byte] = (bloom[byte] as number) | (1 << (bit & 7));
    }
  };
  for (const log of logs) {
    add(log.address);
    for (const topic of log.topics) add(topic);
  }
  return bloom;
}
