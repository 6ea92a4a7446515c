/**
 * A test double of the rollup node for the JSON-RPC tests: a small in-memory chain over the real
 * execution engine. Each `mine(raws)` executes real signed transactions into a block (with its
 * receipts and logs); the state of any block is rebuilt by replaying its blocks on a fresh engine.
 * Deposits are listed with their receipt but not minted (the engine has no mint). Test support only:
 * not exported from the package.
 */
import {
  createEthereumjsEngine,
  type ExecutionEngine,
  ExecutionError,
  type RollupGenesis,
} from "@baton/execution";
import { encodeBlockHeader, encodeDepositTx, transactionsTrie } from "@baton/protocol";
import { type Address, bytesToHex, type Hex, keccak256, numberToHex, parseTransaction, toRlp } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { EMPTY_HEADER_FIELDS, logsBloom } from "../chain/blockBuilder.ts";
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
} from "../chain/types.ts";
import { RollupError, RollupErrorCode } from "../errors.ts";

/** anvil's first two dev keys. */
export const KEY_A: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const KEY_B: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const ALICE = privateKeyToAccount(KEY_A);
export const BOB = privateKeyToAccount(KEY_B);
export const COINBASE: Address = "0x00000000000000000000000000000000000c0ffe";
export const CAROL: Address = "0x000000000000000000000000000000000000ca01";
export const CHAIN_ID = 424_242n;
export const GWEI = 10n ** 9n;
export const ETHER = 10n ** 18n;
export const GAS_LIMIT = 30_000_000n;
const GENESIS_TIME = 1_700_000_000n;
const ZERO_HASH: Hex = `0x${"00".repeat(32)}`;

export const STORED_TOPIC: Hex = keccak256("0x73746f726564"); // keccak256("stored")

/**
 * Runtime of the test's storage contract. Without calldata it returns slot 0. With calldata it
 * stores word 0 in slot 0 and logs it: LOG2(topics [STORED_TOPIC, word], data word).
 */
export const STORAGE_RUNTIME: Hex = `0x36600f5760005460005260206000f35b60003580600055806000527f${STORED_TOPIC.slice(2)}60206000a200`;

/** Runtime that always reverts with `data` (at most 255 bytes). */
export function revertingRuntime(data: Hex): Hex {
  const length = (data.length - 2) / 2;
  const len = length.toString(16).padStart(2, "0");
  // PUSH1 len PUSH1 12 PUSH1 0 CODECOPY PUSH1 len PUSH1 0 REVERT, then the data (at offset 12).
  return `0x60${len}600c60003960${len}6000fd${data.slice(2)}`;
}

/** Init code that deploys `runtime` as is (at most 255 bytes). */
export function deployCode(runtime: Hex): Hex {
  const length = (runtime.length - 2) / 2;
  const len = length.toString(16).padStart(2, "0");
  // PUSH1 len DUP1 PUSH1 0x0b PUSH1 0 CODECOPY PUSH1 0 RETURN, then the runtime (at offset 11).
  return `0x60${len}80600b6000396000f3${runtime.slice(2)}`;
}

export function genesis(): RollupGenesis {
  return {
    chainId: CHAIN_ID,
    alloc: { [ALICE.address]: { balance: 100n * ETHER }, [BOB.address]: { balance: 5n * ETHER } },
    gasLimit: GAS_LIMIT,
    baseFeePerGas: GWEI,
  };
}

/** A deposit's raw bytes: `0x7e ‖ rlp([chainId, depositNonce, from, to, value])`. */
export function depositRaw(depositNonce: bigint, from: Address, to: Address, value: bigint): Hex {
  return encodeDepositTx({ chainId: CHAIN_ID, depositNonce, from, to, value });
}

/** The block bloom of `logs`, as hex. */
function bloom(logs: readonly { address: Hex; topics: readonly Hex[] }[]): Hex {
  return bytesToHex(logsBloom(logs));
}

interface StoredBlock {
  readonly block: RollupBlock;
  readonly raws: readonly Hex[];
}

export class TestChain implements ChainReader {
  readonly chainId = CHAIN_ID;
  readonly #blocks: StoredBlock[] = [];
  readonly #transactions = new Map<Hex, RollupTransaction>();
  readonly #receipts = new Map<Hex, RollupReceipt>();
  readonly #states = new Map<bigint, ExecutionEngine>();
  #head!: ExecutionEngine;
  safe = 0n;
  finalized = 0n;
  /** Most blocks one `logs` call may cover. */
  maxLogRange = 1_000n;
  /** Replaces the default `sendRawTransaction` (mine the transaction at once) when set. */
  onSend: ((raw: Hex) => Promise<Hex>) | undefined;

  static async create(): Promise<TestChain> {
    const chain = new TestChain();
    chain.#head = await createEthereumjsEngine(genesis());
    const stateRoot = await chain.#head.stateRoot();
    chain.#append({ number: 0n, parentHash: ZERO_HASH, stateRoot, raws: [], receipts: [], gasUsed: 0n });
    return chain;
  }

  get head(): RollupBlock {
    return this.#blocks[this.#blocks.length - 1]!.block;
  }

  #env(number: bigint) {
    return {
      number,
      timestamp: GENESIS_TIME + 12n * number,
      coinbase: COINBASE,
      baseFeePerGas: GWEI,
      gasLimit: GAS_LIMIT,
      prevRandao: ZERO_HASH,
    };
  }

  /** Executes `raws` into a new block on top of the head; throws what the engine throws. */
  async mine(raws: readonly Hex[]): Promise<RollupBlock> {
    const number = this.head.number + 1n;
    const env = this.#env(number);
    const receipts: Omit<RollupReceipt, "blockHash">[] = [];
    let gasUsed = 0n;
    let logIndex = 0;
    for (const [index, raw] of raws.entries()) {
      const transactionHash = keccak256(raw);
      if (raw.startsWith("0x7e")) {
        receipts.push({
          transactionHash,
          transactionIndex: index,
          blockNumber: number,
          from: ALICE.address.toLowerCase() as Address,
          to: CAROL,
          type: 0x7e,
          status: "success",
          gasUsed: 0n,
          cumulativeGasUsed: gasUsed,
          effectiveGasPrice: 0n,
          contractAddress: null,
          logs: [],
          logsBloom: bloom([]),
        });
        continue;
      }
      const outcome = await this.#head.execute(raw, env);
      gasUsed = outcome.cumulativeGasUsed;
      const logs = outcome.logs.map((log) => ({
        ...log,
        blockNumber: number,
        blockHash: ZERO_HASH,
        transactionHash,
        transactionIndex: index,
        logIndex: logIndex++,
      }));
      receipts.push({
        transactionHash,
        transactionIndex: index,
        blockNumber: number,
        from: outcome.from,
        to: outcome.contractAddress === null ? toOf(raw) : null,
        type: outcome.type,
        status: outcome.status,
        gasUsed: outcome.gasUsed,
        cumulativeGasUsed: outcome.cumulativeGasUsed,
        effectiveGasPrice: outcome.effectiveGasPrice,
        contractAddress: outcome.contractAddress,
        logs,
        logsBloom: bloom(outcome.logs),
      });
    }
    const stateRoot = await this.#head.stateRoot();
    return this.#append({ number, parentHash: this.head.hash, stateRoot, raws, receipts, gasUsed });
  }

  #append(input: {
    number: bigint;
    parentHash: Hex;
    stateRoot: Hex;
    raws: readonly Hex[];
    receipts: readonly Omit<RollupReceipt, "blockHash">[];
    gasUsed: bigint;
  }): RollupBlock {
    const env = this.#env(input.number);
    const allLogs = input.receipts.flatMap((receipt) => receipt.logs);
    const header = {
      parentHash: input.parentHash,
      sha3Uncles: EMPTY_HEADER_FIELDS.sha3Uncles,
      miner: COINBASE,
      stateRoot: input.stateRoot,
      transactionsRoot: transactionsTrie(input.raws).rootHash,
      // A stand-in: the RPC serves the receipts root as given.
      receiptsRoot: keccak256(toRlp(input.receipts.map((r) => r.transactionHash))),
      logsBloom: bloom(allLogs),
      difficulty: EMPTY_HEADER_FIELDS.difficulty,
      number: numberToHex(input.number),
      gasLimit: numberToHex(env.gasLimit),
      gasUsed: numberToHex(input.gasUsed),
      timestamp: numberToHex(env.timestamp),
      extraData: "0x",
      mixHash: ZERO_HASH,
      nonce: EMPTY_HEADER_FIELDS.nonce,
      baseFeePerGas: numberToHex(env.baseFeePerGas),
      withdrawalsRoot: EMPTY_HEADER_FIELDS.withdrawalsRoot,
      blobGasUsed: EMPTY_HEADER_FIELDS.blobGasUsed,
      excessBlobGas: EMPTY_HEADER_FIELDS.excessBlobGas,
      parentBeaconBlockRoot: EMPTY_HEADER_FIELDS.parentBeaconBlockRoot,
      requestsHash: EMPTY_HEADER_FIELDS.requestsHash,
    } as const;
    const encoded = encodeBlockHeader(header);
    const hash = keccak256(encoded);
    const block: RollupBlock = {
      number: input.number,
      hash,
      parentHash: input.parentHash,
      timestamp: env.timestamp,
      coinbase: COINBASE,
      stateRoot: input.stateRoot,
      transactionsRoot: header.transactionsRoot,
      receiptsRoot: header.receiptsRoot,
      logsBloom: header.logsBloom,
      gasUsed: input.gasUsed,
      gasLimit: env.gasLimit,
      baseFeePerGas: env.baseFeePerGas,
      mixHash: ZERO_HASH,
      extraData: "0x",
      transactions: input.receipts.map((r) => r.transactionHash),
      size: BigInt((encoded.length - 2) / 2 + input.raws.reduce((n, raw) => n + (raw.length - 2) / 2, 0)),
      l1: null,
      pending: false,
    };
    this.#blocks.push({ block, raws: input.raws });
    for (const [index, receipt] of input.receipts.entries()) {
      const raw = input.raws[index]!;
      const logs = receipt.logs.map((log) => ({ ...log, blockHash: hash }));
      this.#receipts.set(receipt.transactionHash, { ...receipt, blockHash: hash, logs });
      this.#transactions.set(receipt.transactionHash, {
        hash: receipt.transactionHash,
        raw,
        blockNumber: input.number,
        blockHash: hash,
        index,
        from: receipt.from,
      });
    }
    return block;
  }

  #number(selector: BlockSelector): bigint | null {
    if (typeof selector === "bigint") return selector;
    if (typeof selector === "string") {
      if (selector === "earliest") return 0n;
      if (selector === "safe") return this.safe;
      if (selector === "finalized") return this.finalized;
      return this.head.number;
    }
    const found = this.#blocks.find((stored) => stored.block.hash === selector.hash.toLowerCase());
    return found === undefined ? null : found.block.number;
  }

  async blockNumber(tag: BlockTag): Promise<bigint> {
    return this.#number(tag)!;
  }

  async block(selector: BlockSelector): Promise<RollupBlock | null> {
    const number = this.#number(selector);
    return number === null ? null : (this.#blocks[Number(number)]?.block ?? null);
  }

  async transaction(hash: Hex): Promise<RollupTransaction | null> {
    return this.#transactions.get(hash) ?? null;
  }

  async receipt(hash: Hex): Promise<RollupReceipt | null> {
    return this.#receipts.get(hash) ?? null;
  }

  async logs(filter: LogFilter): Promise<RollupLog[]> {
    if (filter.toBlock - filter.fromBlock + 1n > this.maxLogRange)
      throw new RollupError(RollupErrorCode.logRangeTooLarge, "Log range too large", {
        details: { limit: this.maxLogRange },
      });
    const out: RollupLog[] = [];
    for (let n = filter.fromBlock; n <= filter.toBlock; n++) {
      const stored = this.#blocks[Number(n)];
      if (stored === undefined) break;
      for (const hash of stored.block.transactions)
        for (const log of this.#receipts.get(hash)?.logs ?? []) {
          if (filter.addresses.length > 0 && !filter.addresses.includes(log.address)) continue;
          const matches = filter.topics.every(
            (wanted, i) =>
              wanted === null || (log.topics[i] !== undefined && wanted.includes(log.topics[i]!)),
          );
          if (matches) out.push(log);
        }
    }
    return out;
  }

  /** The engine holding the state after block `number`, rebuilt by replay (cached). */
  async #stateAt(number: bigint): Promise<ExecutionEngine> {
    const cached = this.#states.get(number);
    if (cached !== undefined) return cached;
    const engine = await createEthereumjsEngine(genesis());
    for (const stored of this.#blocks.slice(1, Number(number) + 1))
      for (const raw of stored.raws)
        if (!raw.startsWith("0x7e")) await engine.execute(raw, this.#env(stored.block.number));
    this.#states.set(number, engine);
    return engine;
  }

  async state(selector: BlockSelector): Promise<StateView | null> {
    const block = await this.block(selector);
    if (block === null) return null;
    const engine = await this.#stateAt(block.number);
    const env = this.#env(block.number + 1n);
    return {
      block,
      balance: async (address) => (await engine.account(address)).balance,
      nonce: async (address) => (await engine.account(address)).nonce,
      code: (address) => engine.code(address),
      storage: (address, slot) => engine.storage(address, slot),
      call: (request) => engine.call(request, env),
    };
  }

  async sendRawTransaction(raw: Hex): Promise<Hex> {
    if (this.onSend !== undefined) return this.onSend(raw);
    try {
      await this.mine([raw]);
    } catch (error) {
      if (error instanceof ExecutionError)
        throw new RollupError(RollupErrorCode.gatewayRefused, "Transaction refused", {
          details: {
            gatewayCode: error.code === "EXECUTION_NONCE_TOO_LOW" ? "NONCE_TOO_LOW" : "EXECUTION_INVALID",
          },
          cause: error,
        });
      throw error;
    }
    return keccak256(raw);
  }

  async close(): Promise<void> {
    await this.#head.close();
    for (const engine of this.#states.values()) await engine.close();
  }
}

/** The `to` of a signed transaction (null for a creation). */
function toOf(raw: Hex): Address | null {
  return parseTransaction(raw).to ?? null;
}
