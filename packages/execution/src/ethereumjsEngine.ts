import { keccak256Buffer } from "@baton/protocol";
import { type Common, type CustomCrypto, createCustomCommon, Hardfork, Mainnet } from "@ethereumjs/common";
import { createEVM, type EVM, type EVMMockBlockchainInterface } from "@ethereumjs/evm";
import { MerklePatriciaTrie } from "@ethereumjs/mpt";
import { Caches, MerkleStateManager } from "@ethereumjs/statemanager";
import { getCalldataFloorGas } from "@ethereumjs/tx";
import {
  Account,
  type Address,
  bigIntToUnpaddedBytes,
  equalsBytes,
  generateAddress,
  KECCAK256_NULL,
  type KZG,
  ValueEncoding,
} from "@ethereumjs/util";
import { createVM, type RunTxResult, runTx, type VM } from "@ethereumjs/vm";
import { type Address as AddressHex, bytesToHex, type Hex, hexToBytes, isHex } from "viem";
import { asRunTxBlock, evmBlock } from "./blockEnv.ts";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import { validateGenesis, writeGenesis } from "./genesis.ts";
import { loadNativeSecp256k1, nativeEcrecover } from "./nativeCrypto.ts";
import type { TrieStore } from "./sqliteTrieStore.ts";
import { argument, EthereumjsStateView, StateReader, toAddress, toLogs } from "./stateReader.ts";
import { type DecodedTransaction, decodeTransaction } from "./transaction.ts";
import type {
  AccountState,
  BlockEnv,
  CallRequest,
  CallResult,
  DepositMint,
  ExecuteOptions,
  ExecutionEngine,
  RollupGenesis,
  StateView,
  TxOutcome,
} from "./types.ts";

/** The Ethereum rules rollup transactions execute under (with the rollup's chain id). */
export const ROLLUP_HARDFORK = Hardfork.Prague;

export interface EthereumjsEngineOptions {
  /** Recover signatures with the native libsecp256k1 addon (about 10x faster); false uses pure JS. */
  readonly nativeCrypto: boolean;
  /**
   * What BLOCKHASH returns for rollup block `number` (asked only for the 256 blocks before
   * `env.number`). Undefined: zero for every block. It is part of the input of post-state roots.
   */
  readonly blockHash: ((number: bigint) => Hex | Promise<Hex>) | undefined;
  /**
   * Where the state's trie nodes and code live (e.g. `openSqliteTrieStore(path)`); the caller opens
   * and closes it. Undefined: in memory, gone with the engine.
   */
  readonly store: TrieStore | undefined;
  /**
   * Open the state at this root of `store` (one a `flush()` returned) instead of writing the genesis;
   * `EXECUTION_UNKNOWN_STATE_ROOT` if the store lacks it. The genesis still gives the chain id.
   */
  readonly root: Hex | undefined;
}

export const defaultEthereumjsEngineOptions: EthereumjsEngineOptions = {
  nativeCrypto: true,
  blockHash: undefined,
  store: undefined,
  root: undefined,
};

const ZERO_HASH = `0x${"00".repeat(32)}` as const;
const DELEGATION_PREFIX = Uint8Array.of(0xef, 0x01, 0x00);

/**
 * No KZG setup: the point-evaluation precompile (0x0a) fails every proof, as for an invalid one
 * (all gas given to it is consumed). Rollups have no blobs to open. Nothing else uses KZG here.
 */
const NO_KZG: KZG = {
  verifyProof: () => false,
  blobToKzgCommitment: () => unsupported(),
  computeBlobProof: () => unsupported(),
  verifyBlobProofBatch: () => false,
  computeCells: () => unsupported(),
  computeCellsAndProofs: () => unsupported(),
  recoverCellsAndProofs: () => unsupported(),
  verifyCellKzgProofBatch: () => false,
};
function unsupported(): never {
  throw new Error("KZG is not available on rollups");
}

/**
 * Creates the default {@link ExecutionEngine}: ethereumjs's VM, `runTx` per transaction (never its
 * quadratic block builder), Prague rules with the genesis' chain id, and a `MerkleStateManager` over
 * a Merkle-Patricia trie, in memory or in `options.store`.
 *
 * With a store: without `root`, the genesis is written and flushed; with `root`, the state opens at
 * that root. The trie writes its nodes (and the state manager its code, under `CODEHASH_PREFIX`) to
 * the store at state-manager checkpoint depth 0, which is where the engine computes roots; the
 * store holds them in memory until `flush()`.
 */
export async function createEthereumjsEngine(
  genesis: RollupGenesis,
  options: Partial<EthereumjsEngineOptions> = {},
): Promise<ExecutionEngine> {
  const config = Object.freeze({ ...defaultEthereumjsEngineOptions, ...options });
  validateGenesis(genesis);
  const customCrypto: CustomCrypto = { kzg: NO_KZG };
  if (config.nativeCrypto) {
    customCrypto.ecrecover = nativeEcrecover(loadNativeSecp256k1());
    // Trie nodes, storage keys and KECCAK256 hash through the native sponge (pure JS where the addon
    // cannot load): the storage-trie hashing of every write was the largest cost of an ERC-20 transfer.
    customCrypto.keccak256 = (message: Uint8Array) =>
      keccak256Buffer(Buffer.from(message.buffer, message.byteOffset, message.byteLength));
  }
  const common = createCustomCommon({ chainId: genesis.chainId.toString(), name: "baton-rollup" }, Mainnet, {
    hardfork: ROLLUP_HARDFORK,
    customCrypto,
  });
  const { store } = config;
  const trie =
    store === undefined
      ? new MerklePatriciaTrie({ useKeyHashing: true, common })
      : new MerklePatriciaTrie({
          useKeyHashing: true,
          common,
          db: store,
          valueEncoding: ValueEncoding.Bytes,
        });
  const state = new EngineStateManager({ common, trie, caches: new Caches() });
  if (store !== undefined) state.computedRoots = [];
  const blockchain = blockHashSource(config.blockHash);
  const evm = await createEVM({ common, stateManager: state, blockchain });
  const vm = await createVM({ common, stateManager: state, evm });
  if (config.root !== undefined) {
    if (store === undefined) throw argument("root", config.root, "a root together with a store");
    trie.root(await existingRoot(trie, config.root));
  } else {
    await writeGenesis(state, genesis);
    await state.getStateRoot(); // writes the genesis into the trie
    if (store !== undefined) await flushStore(store, state);
  }
  return new EthereumjsEngine(common, vm, evm, state, trie, store, blockchain);
}

/**
 * Makes durable every state whose root the engine computed since the last flush (each reported
 * `postStateRoot`, `stateRoot()`, checkpoint): the store keeps what they reach and forgets the
 * intermediate node versions no reported state reaches.
 */
async function flushStore(store: TrieStore, state: EngineStateManager): Promise<void> {
  const roots = state.computedRoots ?? [];
  await store.flush(roots);
  roots.length = 0;
}

/** `root` as bytes, once checked to be in the trie's database. */
async function existingRoot(trie: MerklePatriciaTrie, root: Hex): Promise<Uint8Array> {
  if (!isHex(root, { strict: true }) || root.length !== 66) throw argument("root", root, "32 bytes of hex");
  const bytes = hexToBytes(root);
  if (!(await trie.checkRoot(bytes)))
    throw new ExecutionError(ExecutionErrorCode.unknownStateRoot, "The store does not hold this state root", {
      details: { root },
      hint: "Pass a root returned by flush() on this store (roots not flushed are lost on restart).",
    });
  return bytes;
}

/**
 * ethereumjs's state manager, with its checkpoint depth visible (to recover from a failed `runTx`)
 * and, over a store, the state roots computed since the last flush: the states a flush keeps.
 */
class EngineStateManager extends MerkleStateManager {
  /** Null when not tracked (in memory every node is kept anyway). */
  computedRoots: Uint8Array[] | null = null;

  get depth(): number {
    return this._checkpointCount;
  }

  override async getStateRoot(): Promise<Uint8Array> {
    const root = await super.getStateRoot();
    const roots = this.computedRoots;
    if (roots !== null) {
      const last = roots.at(-1);
      if (last === undefined || !equalsBytes(last, root)) roots.push(root);
    }
    return root;
  }
}

/** BLOCKHASH reads `blockchain.getBlock(n).hash()` under Prague (no EIP-7709 yet). */
function blockHashSource(blockHash: EthereumjsEngineOptions["blockHash"]): EVMMockBlockchainInterface {
  const source: EVMMockBlockchainInterface = {
    async getBlock(number: number) {
      const hash = blockHash === undefined ? ZERO_HASH : await blockHash(BigInt(number));
      if (!isHex(hash, { strict: true }) || hash.length !== 66)
        throw new Error(`blockHash(${number}) did not return 32 bytes of hex`);
      const bytes = hexToBytes(hash);
      return { hash: () => bytes };
    },
    async putBlock() {},
    shallowCopy: () => source,
  };
  return source;
}

/** Gas used so far in one block. */
interface BlockGas {
  readonly number: bigint | undefined;
  readonly used: bigint;
}

/** What a checkpoint restores. */
interface Snapshot {
  readonly root: Uint8Array;
  readonly blockGas: BlockGas;
}

class EthereumjsEngine implements ExecutionEngine {
  readonly chainId: bigint;
  private blockGas: BlockGas = { number: undefined, used: 0n };
  private readonly saved: Snapshot[] = [];
  /** A state-manager checkpoint is open over transactions executed without a root (see `settle`). */
  private deferring = false;
  private tail: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly reads: StateReader;

  constructor(
    private readonly common: Common,
    private readonly vm: VM,
    private readonly evm: EVM,
    private readonly state: EngineStateManager,
    private readonly trie: MerklePatriciaTrie,
    private readonly store: TrieStore | undefined,
    private readonly blockchain: EVMMockBlockchainInterface,
  ) {
    this.chainId = common.chainId();
    this.reads = new StateReader(state, evm);
  }

  get checkpointDepth(): number {
    return this.saved.length;
  }

  /** Runs `task` after every earlier call has settled: calls never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(() => {
      if (this.closed) throw new ExecutionError(ExecutionErrorCode.closed, "The execution engine is closed");
      return task();
    });
    this.tail = run.catch(() => undefined);
    return run;
  }

  stateRoot(): Promise<Hex> {
    return this.serial(async () => {
      await this.settle();
      return bytesToHex(await this.state.getStateRoot());
    });
  }

  account(address: AddressHex): Promise<AccountState> {
    return this.serial(() => this.reads.account(address));
  }

  code(address: AddressHex): Promise<Hex> {
    return this.serial(() => this.reads.code(address));
  }

  storage(address: AddressHex, slot: Hex): Promise<Hex> {
    return this.serial(() => this.reads.storage(address, slot));
  }

  execute(rawTx: Hex, env: BlockEnv, options: ExecuteOptions = {}): Promise<TxOutcome> {
    return this.serial(async () => {
      const block = evmBlock(env);
      const decoded = decodeTransaction(rawTx, this.common);
      const gasBefore = this.blockGas.number === env.number ? this.blockGas.used : 0n;
      await this.validate(decoded, env, gasBefore);
      const withRoot = options.stateRoot !== false;
      if (withRoot) await this.settle();
      else if (!this.deferring) {
        await this.state.checkpoint();
        this.deferring = true;
      }
      // Settled, the trie holds the whole state: its root is the state before this transaction.
      const before = withRoot ? this.trie.root() : undefined;
      const depth = this.state.depth;
      let result: RunTxResult | undefined;
      let root: Hex | null = null;
      try {
        result = await runTx(this.vm, {
          tx: decoded.tx,
          block: asRunTxBlock(block),
          skipHardForkValidation: true,
          blockGasUsed: gasBefore,
        });
        if (withRoot) root = bytesToHex(await this.state.getStateRoot());
      } catch (cause) {
        await this.recover(depth, result === undefined ? undefined : before);
        throw new ExecutionError(ExecutionErrorCode.internal, "The engine failed on a valid transaction", {
          details: { txHash: decoded.hash },
          cause,
        });
      }
      const cumulativeGasUsed = gasBefore + result.totalGasSpent;
      this.blockGas = { number: env.number, used: cumulativeGasUsed };
      return this.outcome(decoded, env, result, cumulativeGasUsed, root);
    });
  }

  applyDeposit(deposit: DepositMint, env: BlockEnv, options: ExecuteOptions = {}): Promise<TxOutcome> {
    return this.serial(async () => {
      evmBlock(env); // validates env
      const to = toAddress("to", deposit.to);
      toAddress("from", deposit.from);
      if (typeof deposit.value !== "bigint" || deposit.value < 0n || deposit.value >= 2n ** 256n)
        throw argument("value", deposit.value, "a uint256");
      if (!isHex(deposit.txHash, { strict: true }) || deposit.txHash.length !== 66)
        throw argument("txHash", deposit.txHash, "32 bytes of hex");
      const withRoot = options.stateRoot !== false;
      if (withRoot) await this.settle();
      else if (!this.deferring) {
        await this.state.checkpoint();
        this.deferring = true;
      }
      const before = withRoot ? this.trie.root() : undefined;
      const depth = this.state.depth;
      let root: Hex | null = null;
      try {
        await this.credit(to, deposit.value);
        if (withRoot) root = bytesToHex(await this.state.getStateRoot());
      } catch (cause) {
        await this.recover(depth, before);
        throw new ExecutionError(ExecutionErrorCode.internal, "The engine failed on a deposit", {
          details: { txHash: deposit.txHash },
          cause,
        });
      }
      const cumulativeGasUsed = this.blockGas.number === env.number ? this.blockGas.used : 0n;
      this.blockGas = { number: env.number, used: cumulativeGasUsed };
      return {
        txHash: deposit.txHash.toLowerCase() as Hex,
        from: deposit.from.toLowerCase() as AddressHex,
        to: deposit.to.toLowerCase() as AddressHex,
        type: 0x7e,
        nonce: 0n,
        status: "success",
        gasUsed: 0n,
        cumulativeGasUsed,
        effectiveGasPrice: 0n,
        postStateRoot: root,
        logs: [],
        contractAddress: null,
        output: "0x",
      };
    });
  }

  /** Adds `value` to `to`'s balance, creating the account; a zero value touches nothing (EIP-161). */
  private async credit(to: Address, value: bigint): Promise<void> {
    if (value === 0n) return;
    const account = (await this.state.getAccount(to)) ?? new Account();
    account.balance += value;
    await this.state.putAccount(to, account);
  }

  /**
   * Puts the state back as it was before a transaction that threw. runTx reverts its own checkpoint
   * when the EVM fails cleanly, but an exception thrown from inside the EVM (e.g. by the blockHash
   * option) leaves its inner checkpoints open with the sender's debit in them: close them by reverting.
   */
  private async recover(depth: number, rootBefore: Uint8Array | undefined): Promise<void> {
    while (this.state.depth > depth) await this.state.revert();
    this.evm.transientStorage.clear();
    this.evm.journal.cleanJournal();
    if (rootBefore !== undefined) await this.state.setStateRoot(rootBefore);
  }

  /**
   * Writes the transactions run without a root into the trie (closes the deferring checkpoint).
   *
   * Why roots are only taken at checkpoint depth 0 of the state manager: its account/storage caches
   * flush only the current checkpoint's changes and forget their pre-images when they do, so a root
   * taken inside a checkpoint misses older unflushed writes and a later revert leaves stale cache
   * entries. The engine's own checkpoints are therefore snapshots of the (append-only) trie's root.
   */
  private async settle(): Promise<void> {
    if (!this.deferring) return;
    this.deferring = false;
    await this.state.commit();
  }

  /** The checks that need state or the block, in the order of {@link ExecutionErrorCode}. */
  private async validate(decoded: DecodedTransaction, env: BlockEnv, gasBefore: bigint): Promise<void> {
    const { tx, sender, feeCap } = decoded;
    const details = { txHash: decoded.hash };
    const refuse = (code: ExecutionErrorCode, message: string, more: Record<string, unknown>) =>
      new ExecutionError(code, message, { details: { ...details, ...more } });
    const available = env.gasLimit - gasBefore;
    if (tx.gasLimit > available)
      throw refuse(
        ExecutionErrorCode.blockGasLimitExceeded,
        "Transaction gas limit is over the block's remaining gas",
        {
          gasLimit: tx.gasLimit,
          available,
        },
      );
    if (feeCap < env.baseFeePerGas)
      throw refuse(ExecutionErrorCode.feeCapTooLow, "Fee cap is below the base fee", {
        feeCap,
        baseFeePerGas: env.baseFeePerGas,
      });
    const intrinsic = tx.getIntrinsicGas();
    const floor = getCalldataFloorGas(tx, sender);
    const minimum = intrinsic > floor ? intrinsic : floor;
    if (tx.gasLimit < minimum)
      throw refuse(ExecutionErrorCode.intrinsicGasTooLow, "Gas limit is below the intrinsic gas", {
        gasLimit: tx.gasLimit,
        minimum,
      });
    const account = await this.state.getAccount(sender);
    const nonce = account?.nonce ?? 0n;
    if (tx.nonce < nonce)
      throw refuse(ExecutionErrorCode.nonceTooLow, "Nonce too low", { nonce: tx.nonce, expected: nonce });
    if (tx.nonce > nonce)
      throw refuse(ExecutionErrorCode.nonceTooHigh, "Nonce too high", { nonce: tx.nonce, expected: nonce });
    if (account !== undefined && !equalsBytes(account.codeHash, KECCAK256_NULL)) {
      const code = await this.state.getCode(sender);
      if (!equalsBytes(code.subarray(0, 3), DELEGATION_PREFIX))
        throw refuse(ExecutionErrorCode.senderNotEoa, "Sender has code (EIP-3607)", {
          sender: sender.toString(),
        });
    }
    const balance = account?.balance ?? 0n;
    const cost = tx.value + tx.gasLimit * feeCap;
    if (balance < cost)
      throw refuse(ExecutionErrorCode.insufficientFunds, "Balance is below value + gas limit * fee cap", {
        balance,
        cost,
      });
  }

  private outcome(
    decoded: DecodedTransaction,
    env: BlockEnv,
    result: RunTxResult,
    cumulativeGasUsed: bigint,
    postStateRoot: Hex | null,
  ): TxOutcome {
    const { tx, sender } = decoded;
    const effectiveGasPrice =
      "maxFeePerGas" in tx ? env.baseFeePerGas + tx.getEffectivePriorityFee(env.baseFeePerGas) : tx.gasPrice;
    const contractAddress =
      tx.to === undefined
        ? (bytesToHex(generateAddress(sender.bytes, bigIntToUnpaddedBytes(tx.nonce))) as AddressHex)
        : null;
    return {
      txHash: decoded.hash,
      from: sender.toString(),
      to: tx.to === undefined ? null : (tx.to.toString() as AddressHex),
      type: tx.type,
      nonce: tx.nonce,
      status: result.execResult.exceptionError === undefined ? "success" : "reverted",
      gasUsed: result.totalGasSpent,
      cumulativeGasUsed,
      effectiveGasPrice,
      postStateRoot,
      logs: toLogs(result.execResult.logs),
      contractAddress,
      output: bytesToHex(result.execResult.returnValue),
    };
  }

  call(request: CallRequest, env: BlockEnv): Promise<CallResult> {
    return this.serial(() => this.reads.call(request, env));
  }

  checkpoint(): Promise<void> {
    return this.serial(async () => {
      await this.settle();
      this.saved.push({ root: await this.state.getStateRoot(), blockGas: this.blockGas });
    });
  }

  commit(): Promise<void> {
    return this.serial(async () => {
      if (this.saved.pop() === undefined) throw noCheckpoint("commit");
    });
  }

  revert(): Promise<void> {
    return this.serial(async () => {
      const saved = this.saved.pop();
      if (saved === undefined) throw noCheckpoint("revert");
      await this.settle();
      // Restores the root (its nodes are still in the database) and empties the caches.
      await this.state.setStateRoot(saved.root);
      this.blockGas = saved.blockGas;
    });
  }

  flush(): Promise<Hex> {
    return this.serial(async () => {
      if (this.saved.length > 0) throw checkpointOpen("flush");
      await this.settle();
      const root = await this.state.getStateRoot();
      if (this.store !== undefined) await flushStore(this.store, this.state);
      return bytesToHex(root);
    });
  }

  setStateRoot(root: Hex): Promise<void> {
    return this.serial(async () => {
      if (this.saved.length > 0) throw checkpointOpen("setStateRoot");
      const bytes = await existingRoot(this.trie, root);
      await this.settle();
      // Empties the state manager's account, storage and code caches and its storage tries.
      await this.state.setStateRoot(bytes);
      this.state.originalStorageCache.clear();
      this.blockGas = { number: undefined, used: 0n };
    });
  }

  at(root: Hex): Promise<StateView> {
    return this.serial(async () => {
      // Its own trie object (over the same store), state manager, caches and EVM.
      const trie = this.trie.shallowCopy(false);
      trie.root(await existingRoot(trie, root));
      const state = new MerkleStateManager({ common: this.common, trie, caches: new Caches() });
      const evm = await createEVM({ common: this.common, stateManager: state, blockchain: this.blockchain });
      return new EthereumjsStateView(
        root.toLowerCase() as Hex,
        new StateReader(state, evm),
        () => this.closed,
      );
    });
  }

  /** Does not close the store: its owner does, after flushing what it wants kept. */
  close(): Promise<void> {
    return this.serial(async () => {
      this.closed = true;
    });
  }
}

function checkpointOpen(method: string): ExecutionError {
  return new ExecutionError(ExecutionErrorCode.checkpointOpen, `${method}() while a checkpoint is open`, {
    hint: "Commit or revert every open checkpoint first: the state moves and persists by whole blocks.",
  });
}

function noCheckpoint(method: string): ExecutionError {
  return new ExecutionError(ExecutionErrorCode.noCheckpoint, `${method}() without an open checkpoint`, {
    hint: "Call checkpoint() first; checkpoints nest and each is closed by one commit() or revert().",
  });
}
