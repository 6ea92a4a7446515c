import { BEACON_ROOTS_CODE } from "@baton/contracts";
import { BatonError, BEACON_ROOTS_ADDRESS, BEACON_ROOTS_HISTORY_BUFFER_LENGTH } from "@baton/protocol";
import { ssz } from "@lodestar/types";
import { type Hex, hexToBytes, numberToHex, pad, toHex } from "viem";
import type { ExecutionPayload } from "../beacon/stateTransition.ts";

export class ExecutionNodeError extends BatonError {
  override readonly name = "ExecutionNodeError";
}

interface RpcBlock {
  number: Hex;
  hash: Hex;
  parentHash: Hex;
  miner: Hex;
  stateRoot: Hex;
  receiptsRoot: Hex;
  logsBloom: Hex;
  mixHash: Hex;
  gasLimit: Hex;
  gasUsed: Hex;
  timestamp: Hex;
  extraData: Hex;
  baseFeePerGas?: Hex;
  blobGasUsed?: Hex;
  excessBlobGas?: Hex;
  transactions: Hex[];
  withdrawals?: { index: Hex; validatorIndex: Hex; address: Hex; amount: Hex }[];
}

/**
 * The devnet's control of its L1 execution node (anvil) over JSON-RPC: mining one block per slot at
 * the slot's timestamp, and writing beacon roots where EIP-4788 keeps them.
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
      throw new ExecutionNodeError("Execution node request failed", {
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
      if (error instanceof ExecutionNodeError) return null;
      throw error;
    }
  }

  /** Mine one block at exactly `timestamp` and return it as a beacon execution payload. */
  async mineBlock(timestamp: number): Promise<ExecutionPayload> {
    await this.request("evm_mine", [timestamp]);
    const block = await this.request<RpcBlock>("eth_getBlockByNumber", ["latest", false]);
    if (Number(block.timestamp) !== timestamp) {
      throw new ExecutionNodeError("Mined block has the wrong timestamp", {
        details: { expected: timestamp, actual: Number(block.timestamp) },
      });
    }
    return this.payloadOf(block);
  }

  async latestPayload(): Promise<ExecutionPayload> {
    return this.payloadOf(await this.request<RpcBlock>("eth_getBlockByNumber", ["latest", false]));
  }

  /** Drop the last `depth` blocks (their transactions go back to the pool). */
  async rollback(depth: number): Promise<void> {
    await this.request("anvil_rollback", [depth]);
  }

  async dropAllTransactions(): Promise<void> {
    await this.request("anvil_dropAllTransactions");
  }

  async setCoinbase(address: Hex): Promise<void> {
    await this.request("anvil_setCoinbase", [address]);
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
