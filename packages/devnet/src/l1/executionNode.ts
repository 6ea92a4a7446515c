import { BEACON_ROOTS_CODE, HISTORY_SERVE_WINDOW, HISTORY_STORAGE_CODE } from "@baton/contracts";
import {
  BatonError,
  type BatonErrorOptions,
  BEACON_ROOTS_ADDRESS,
  BEACON_ROOTS_HISTORY_BUFFER_LENGTH,
  BYTES_PER_BLOB,
  blobCommitment,
  blobProof,
  commitmentVersionedHash,
  encodeBlockHeader,
  GAS_PER_BLOB,
  HISTORY_STORAGE_ADDRESS,
  proveTransaction,
  type RpcBlockHeader,
} from "@baton/protocol";
import { ssz } from "@lodestar/types";
import { type Hex, hexToBytes, numberToHex, pad, parseTransaction, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ExecutionPayload } from "../beacon/stateTransition.ts";

/** Stable codes of {@link ExecutionNodeError}: what went wrong, not how the message words it. */
export const ExecutionNodeErrorCode = {
  /** The node answered a JSON-RPC error. */
  requestFailed: "EXECUTION_NODE_REQUEST_FAILED",
  /** A block mined by the devnet is not at the timestamp it was mined for. */
  wrongTimestamp: "EXECUTION_NODE_WRONG_TIMESTAMP",
  /** A transaction asked to be proven is not in a block. */
  notInBlock: "EXECUTION_NODE_NOT_IN_BLOCK",
  /** The transactions trie rebuilt from the node's transactions is not the block's. */
  trieMismatch: "EXECUTION_NODE_TRIE_MISMATCH",
  /** A block's blob sidecars do not match its blob gas or its transactions' versioned hashes. */
  blobSidecarsMismatch: "EXECUTION_NODE_BLOB_SIDECARS_MISMATCH",
} as const;
export type ExecutionNodeErrorCode = (typeof ExecutionNodeErrorCode)[keyof typeof ExecutionNodeErrorCode];

export class ExecutionNodeError extends BatonError {
  override readonly name = "ExecutionNodeError";

  constructor(
    readonly code: ExecutionNodeErrorCode,
    shortMessage: string,
    options?: BatonErrorOptions,
  ) {
    super(shortMessage, options);
  }
}

/** A block's blob sidecars as anvil keeps them: blobs, commitments and proofs, in block order. */
export interface BlobSidecars {
  readonly blobs: Hex[];
  readonly commitments: Hex[];
  readonly proofs: Hex[];
}

/** The first byte of an EIP-4844 (type 3) transaction's canonical encoding. */
const BLOB_TX_TYPE = 0x03;

/**
 * The KZG commitments of `payload`'s blobs, taken from its `sidecars` and checked as the consensus
 * and execution layers together would: as many as its blob gas pays for, and their versioned hashes
 * those of its blob transactions, in order. A block that fails this would be a wrong beacon block:
 * it throws instead.
 */
export function checkedBlobCommitments(
  payload: Pick<ExecutionPayload, "blockNumber" | "blobGasUsed" | "transactions">,
  sidecars: BlobSidecars | null,
): Uint8Array[] {
  const mismatch = (reason: string, details: Record<string, unknown> = {}) =>
    new ExecutionNodeError(
      ExecutionNodeErrorCode.blobSidecarsMismatch,
      "Blob sidecars do not match the block",
      {
        details: { blockNumber: payload.blockNumber, reason, ...details },
        hint: "the block changed between mining and reading its sidecars, or anvil's sidecars are not its transactions'",
      },
    );
  const expected = Number(payload.blobGasUsed / GAS_PER_BLOB);
  if (payload.blobGasUsed % GAS_PER_BLOB !== 0n) {
    throw mismatch("blob gas used is not a whole number of blobs", { blobGasUsed: payload.blobGasUsed });
  }
  const commitments = sidecars?.commitments ?? [];
  if (commitments.length !== expected || (sidecars && sidecars.blobs.length !== expected)) {
    throw mismatch("blob count", {
      expected,
      commitments: commitments.length,
      blobs: sidecars?.blobs.length ?? 0,
    });
  }
  const txHashes = payload.transactions
    .filter((raw) => raw[0] === BLOB_TX_TYPE)
    .flatMap((raw) => parseTransaction(toHex(raw)).blobVersionedHashes ?? []);
  const bytes = commitments.map((commitment) => hexToBytes(commitment));
  const hashes = bytes.map(commitmentVersionedHash);
  if (hashes.length !== txHashes.length || hashes.some((hash, i) => hash !== txHashes[i]?.toLowerCase())) {
    throw mismatch("versioned hashes", { sidecars: hashes.join(","), transactions: txHashes.join(",") });
  }
  return bytes;
}

interface RpcBlock extends RpcBlockHeader {
  hash: Hex;
  transactions: Hex[];
  withdrawals?: { index: Hex; validatorIndex: Hex; address: Hex; amount: Hex }[];
}

/** What `TransactionInclusion.verify` takes to prove that a transaction is in an L1 block. */
export interface TransactionInclusionProof {
  readonly txHash: Hex;
  readonly blockNumber: number;
  readonly blockHash: Hex;
  /** The block's RLP header (its keccak256 is `blockHash`). */
  readonly header: Hex;
  readonly txIndex: number;
  /** Transactions-trie nodes from the header's `transactionsRoot` to key `rlp(txIndex)`. */
  readonly proof: Hex[];
}

/**
 * The devnet's control of its L1 execution node (anvil) over JSON-RPC: mining one block per slot at
 * the slot's timestamp, writing beacon roots where EIP-4788 keeps them and parent block hashes where
 * EIP-2935 keeps them (anvil runs neither system call).
 */
export class ExecutionNode {
  private nextId = 1;

  constructor(readonly url: string) {}

  async request<T>(method: string, params: unknown[] = []): Promise<T> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: this.nextId++, method, params }),
      signal: AbortSignal.timeout(10_000),
    });
    const body = (await response.json()) as { result?: T; error?: { code: number; message: string } };
    if (body.error) {
      throw new ExecutionNodeError(ExecutionNodeErrorCode.requestFailed, "Execution node request failed", {
        details: { method, code: body.error.code, message: body.error.message },
      });
    }
    return body.result as T;
  }

  async chainId(): Promise<number> {
    return Number(await this.request<Hex>("eth_chainId"));
  }

  async blockNumber(): Promise<number> {
    return Number(await this.request<Hex>("eth_blockNumber"));
  }

  /** Install the EIP-4788 beacon-roots contract at its canonical address. */
  async installBeaconRootsContract(): Promise<void> {
    await this.request("anvil_setCode", [BEACON_ROOTS_ADDRESS, BEACON_ROOTS_CODE]);
  }

  /** Install the EIP-2935 history storage contract at its canonical address (its storage is kept). */
  async installHistoryStorageContract(): Promise<void> {
    await this.request("anvil_setCode", [HISTORY_STORAGE_ADDRESS, HISTORY_STORAGE_CODE]);
  }

  /**
   * Record `hash` as the hash of block `number`, exactly as the EIP-2935 system call of block
   * `number + 1` does: at slot `number % 8191`. Written into pending state, so the next mined block
   * carries it.
   */
  async setHistoricalBlockHash(number: number, hash: Hex): Promise<void> {
    await this.request("anvil_setStorageAt", [
      HISTORY_STORAGE_ADDRESS,
      pad(numberToHex(number % HISTORY_SERVE_WINDOW), { size: 32 }),
      hash,
    ]);
  }

  /** The hash EIP-2935 serves for block `number` (null when it reverts: outside its window). */
  async historicalBlockHash(number: number, blockTag: Hex | "latest" = "latest"): Promise<Hex | null> {
    try {
      return await this.request<Hex>("eth_call", [
        { to: HISTORY_STORAGE_ADDRESS, data: pad(numberToHex(number), { size: 32 }) },
        blockTag,
      ]);
    } catch (error) {
      if (error instanceof ExecutionNodeError && error.code === ExecutionNodeErrorCode.requestFailed)
        return null;
      throw error;
    }
  }

  /**
   * Record `root` as the parent beacon block root of the block at `timestamp`, exactly as the
   * EIP-4788 system call does: timestamp at slot `t % 8191`, root at slot `t % 8191 + 8191`.
   * Written into pending state, so the next mined block carries it.
   */
  async setBeaconRoot(timestamp: number, root: Uint8Array): Promise<void> {
    const index = BigInt(timestamp % BEACON_ROOTS_HISTORY_BUFFER_LENGTH);
    const slotOf = (i: bigint) => pad(numberToHex(i), { size: 32 });
    await this.request("anvil_setStorageAt", [
      BEACON_ROOTS_ADDRESS,
      slotOf(index),
      pad(numberToHex(timestamp), { size: 32 }),
    ]);
    await this.request("anvil_setStorageAt", [
      BEACON_ROOTS_ADDRESS,
      slotOf(index + BigInt(BEACON_ROOTS_HISTORY_BUFFER_LENGTH)),
      toHex(root),
    ]);
  }

  /** Read the beacon root EIP-4788 holds for `timestamp` (null when it has none). */
  async beaconRoot(timestamp: number, blockTag: Hex | "latest" = "latest"): Promise<Hex | null> {
    try {
      return await this.request<Hex>("eth_call", [
        { to: BEACON_ROOTS_ADDRESS, data: pad(numberToHex(timestamp), { size: 32 }) },
        blockTag,
      ]);
    } catch (error) {
      if (error instanceof ExecutionNodeError && error.code === ExecutionNodeErrorCode.requestFailed)
        return null;
      throw error;
    }
  }

  /**
   * Mine one block at exactly `timestamp` and return it as a beacon execution payload. Its parent's
   * hash is written where EIP-2935 keeps it first, as the system call at the start of the block
   * would: the parent is the node's latest block, whatever reorgs or restarts came before.
   */
  async mineBlock(timestamp: number): Promise<ExecutionPayload> {
    return this.payloadOf(await this.mineRpcBlock(timestamp));
  }

  /** {@link mineBlock} without building the payload: the block's number, hash and transaction count. */
  async mine(timestamp: number): Promise<{ number: number; hash: Hex; transactions: number }> {
    const block = await this.mineRpcBlock(timestamp);
    return { number: Number(block.number), hash: block.hash, transactions: block.transactions.length };
  }

  /**
   * The blob sidecars of block `blockNumber` (`anvil_getBlobSidecarsByBlockId`): blobs, commitments
   * and proofs in block order; empty lists for a block without blobs, null for a block anvil does not
   * have. Read on demand, never kept: a long devnet's blobs would take gigabytes.
   */
  async blobSidecars(blockNumber: number): Promise<BlobSidecars | null> {
    return await this.request<BlobSidecars | null>("anvil_getBlobSidecarsByBlockId", [
      numberToHex(blockNumber),
    ]);
  }

  /**
   * The KZG commitments a beacon block carrying `payload` lists (`blob_kzg_commitments`): none
   * without blob gas (no request), else the block's sidecars, checked by {@link checkedBlobCommitments}.
   */
  async blobKzgCommitments(payload: ExecutionPayload): Promise<Uint8Array[]> {
    if (payload.blobGasUsed === 0n) return [];
    return checkedBlobCommitments(payload, await this.blobSidecars(payload.blockNumber));
  }

  /** Transactions waiting in the node's pool (`txpool_status`): pending (executable) and queued. */
  async poolStatus(): Promise<{ pending: number; queued: number }> {
    const status = await this.request<{ pending: Hex; queued: Hex }>("txpool_status");
    return { pending: Number(status.pending), queued: Number(status.queued) };
  }

  private async mineRpcBlock(timestamp: number): Promise<RpcBlock> {
    const parent = await this.request<RpcBlock>("eth_getBlockByNumber", ["latest", false]);
    await this.setHistoricalBlockHash(Number(parent.number), parent.hash);
    await this.request("evm_mine", [timestamp]);
    const block = await this.request<RpcBlock>("eth_getBlockByNumber", ["latest", false]);
    if (Number(block.timestamp) !== timestamp) {
      throw new ExecutionNodeError(
        ExecutionNodeErrorCode.wrongTimestamp,
        "Mined block has the wrong timestamp",
        {
          details: { expected: timestamp, actual: Number(block.timestamp) },
        },
      );
    }
    return block;
  }

  async latestPayload(): Promise<ExecutionPayload> {
    return this.payloadOf(await this.request<RpcBlock>("eth_getBlockByNumber", ["latest", false]));
  }

  /** Drop the last `depth` blocks (their transactions go back to the pool). */
  async rollback(depth: number): Promise<void> {
    await this.request("anvil_rollback", [depth]);
  }

  /**
   * Makes anvil load its KZG trusted setup now: its first blob transaction otherwise takes about
   * 2.5 s to accept, enough for a gateway's first blob proposal to miss its slot. Sends a blob
   * transaction whose proof is for another blob, which anvil refuses once it has checked the proof:
   * nothing reaches the pool or the chain. Returns how long anvil took.
   */
  async warmBlobVerification(privateKey: Hex): Promise<number> {
    const account = privateKeyToAccount(privateKey);
    const blob = new Uint8Array(BYTES_PER_BLOB);
    const other = new Uint8Array(BYTES_PER_BLOB);
    other[1] = 1;
    const commitment = blobCommitment(blob);
    const serializedTransaction = await account.signTransaction({
      type: "eip4844",
      chainId: Number(await this.request<Hex>("eth_chainId")),
      nonce: Number(await this.request<Hex>("eth_getTransactionCount", [account.address, "pending"])),
      to: account.address,
      gas: 21_000n,
      maxFeePerGas: 100_000_000_000n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 100_000_000_000n,
      blobVersionedHashes: [commitmentVersionedHash(commitment)],
      sidecars: [
        {
          blob: toHex(blob),
          commitment: toHex(commitment),
          proof: toHex(blobProof(other, blobCommitment(other))),
        },
      ],
    });
    const start = performance.now();
    try {
      await this.request("eth_sendRawTransaction", [serializedTransaction]);
    } catch (error) {
      if (!(error instanceof ExecutionNodeError)) throw error;
      return performance.now() - start;
    }
    throw new ExecutionNodeError(
      ExecutionNodeErrorCode.blobSidecarsMismatch,
      "anvil accepted a blob transaction with a wrong proof",
    );
  }

  async dropAllTransactions(): Promise<void> {
    await this.request("anvil_dropAllTransactions");
  }

  async setCoinbase(address: Hex): Promise<void> {
    await this.request("anvil_setCoinbase", [address]);
  }

  /**
   * The proof that transaction `txHash` is in its block, for `TransactionInclusion.verify` on L1:
   * the block's RLP header and the transactions-trie proof of the transaction's index.
   */
  async transactionInclusionProof(txHash: Hex): Promise<TransactionInclusionProof> {
    const tx = await this.request<{ blockNumber: Hex | null; transactionIndex: Hex | null } | null>(
      "eth_getTransactionByHash",
      [txHash],
    );
    if (!tx?.blockNumber || tx.transactionIndex === null) {
      throw new ExecutionNodeError(ExecutionNodeErrorCode.notInBlock, "Transaction is not in a block", {
        details: { txHash },
      });
    }
    const block = await this.request<RpcBlock>("eth_getBlockByNumber", [tx.blockNumber, false]);
    const raw = await Promise.all(
      block.transactions.map((hash) => this.request<Hex>("eth_getRawTransactionByHash", [hash])),
    );
    const txIndex = Number(tx.transactionIndex);
    const { root, proof } = proveTransaction(raw, txIndex);
    if (root !== block.transactionsRoot) {
      throw new ExecutionNodeError(
        ExecutionNodeErrorCode.trieMismatch,
        "Rebuilt transactions trie does not match the block",
        {
          details: { blockNumber: Number(block.number), expected: block.transactionsRoot, actual: root },
        },
      );
    }
    return {
      txHash,
      blockNumber: Number(block.number),
      blockHash: block.hash,
      header: encodeBlockHeader(block),
      txIndex,
      proof,
    };
  }

  private async payloadOf(block: RpcBlock): Promise<ExecutionPayload> {
    const transactions = await Promise.all(
      block.transactions.map(async (hash) =>
        hexToBytes(await this.request<Hex>("eth_getRawTransactionByHash", [hash])),
      ),
    );
    const payload = ssz.fulu.ExecutionPayload.defaultValue();
    payload.parentHash = hexToBytes(block.parentHash);
    payload.feeRecipient = hexToBytes(block.miner);
    payload.stateRoot = hexToBytes(block.stateRoot);
    payload.receiptsRoot = hexToBytes(block.receiptsRoot);
    payload.logsBloom = hexToBytes(block.logsBloom);
    payload.prevRandao = hexToBytes(block.mixHash);
    payload.blockNumber = Number(block.number);
    payload.gasLimit = Number(block.gasLimit);
    payload.gasUsed = Number(block.gasUsed);
    payload.timestamp = Number(block.timestamp);
    payload.extraData = hexToBytes(block.extraData);
    payload.baseFeePerGas = BigInt(block.baseFeePerGas ?? 0);
    payload.blockHash = hexToBytes(block.hash);
    payload.transactions = transactions;
    payload.withdrawals = (block.withdrawals ?? []).map((w) => ({
      index: Number(w.index),
      validatorIndex: Number(w.validatorIndex),
      address: hexToBytes(w.address),
      amount: BigInt(w.amount),
    }));
    payload.blobGasUsed = BigInt(block.blobGasUsed ?? 0);
    payload.excessBlobGas = BigInt(block.excessBlobGas ?? 0);
    return payload;
  }
}
