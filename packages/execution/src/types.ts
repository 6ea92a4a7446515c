import type { Address, Hex } from "viem";

/** One account of a rollup's genesis state. */
export interface GenesisAccount {
  readonly balance: bigint;
  readonly nonce?: bigint;
  /** Runtime bytecode. */
  readonly code?: Hex;
  /** Storage slots (32-byte keys) to values (up to 32 bytes, big-endian); zero values are skipped. */
  readonly storage?: Readonly<Record<Hex, Hex>>;
}

/** What a rollup starts from: its chain id and initial accounts. */
export interface RollupGenesis {
  /** The rollup's EIP-155 chain id: the only one its transactions may be signed for. */
  readonly chainId: bigint;
  readonly alloc: Readonly<Record<Address, GenesisAccount>>;
  /** The gas limit of the rollup's first block (the rollup node's business; the engine checks it is positive). */
  readonly gasLimit: bigint;
  /** The base fee of the rollup's first block (the rollup node's business; the engine checks it is not negative). */
  readonly baseFeePerGas: bigint;
}

/**
 * The block a transaction executes in, as the EVM sees it (NUMBER, TIMESTAMP, COINBASE, BASEFEE,
 * GASLIMIT, PREVRANDAO). Part of the input of every post-state root: re-executing a transaction with
 * another `BlockEnv` may give another root.
 */
export interface BlockEnv {
  readonly number: bigint;
  readonly timestamp: bigint;
  /** Receives the priority fee of every transaction (EIP-1559); the base fee is burned. */
  readonly coinbase: Address;
  readonly baseFeePerGas: bigint;
  /** The block's gas limit: the sum of the transactions' gas used may not exceed it. */
  readonly gasLimit: bigint;
  /** 32 bytes, returned by PREVRANDAO (formerly DIFFICULTY). */
  readonly prevRandao: Hex;
}

/** An event emitted by a transaction or a call. */
export interface ExecutionLog {
  readonly address: Address;
  readonly topics: readonly Hex[];
  readonly data: Hex;
}

/**
 * What applying one transaction did: the fields of its receipt, plus the state root after it.
 * Addresses are lower-case hex.
 */
export interface TxOutcome {
  /** keccak256 of the raw transaction. */
  readonly txHash: Hex;
  /** The sender; for a deposit, the L1 account that deposited. */
  readonly from: Address;
  /** The recipient (a deposit's `to`), or null for a contract creation. */
  readonly to: Address | null;
  /** 0 legacy, 1 EIP-2930, 2 EIP-1559, 0x7e an L1 deposit ({@link ExecutionEngine.applyDeposit}). */
  readonly type: 0 | 1 | 2 | 0x7e;
  /** The transaction's nonce; 0 for a deposit (it has none). */
  readonly nonce: bigint;
  /** "reverted" for any exceptional halt (REVERT, out of gas, invalid opcode...); the fees are paid anyway. */
  readonly status: "success" | "reverted";
  /** Gas paid for, after refunds and the EIP-7623 calldata floor (the receipt's `gasUsed`). */
  readonly gasUsed: bigint;
  /** Gas used by the transactions of the block `env.number` so far, this one included. */
  readonly cumulativeGasUsed: bigint;
  /** Wei paid per unit of gas: `min(maxFeePerGas, baseFee + maxPriorityFeePerGas)`, or `gasPrice`. */
  readonly effectiveGasPrice: bigint;
  /**
   * The Ethereum state root (secure Merkle-Patricia trie of accounts) right after this transaction;
   * null when the caller asked not to compute it. See `docs/execution.md` for exactly what it covers.
   */
  readonly postStateRoot: Hex | null;
  readonly logs: readonly ExecutionLog[];
  /** The created contract's address for a creation transaction (even a reverted one, as in geth), else null. */
  readonly contractAddress: Address | null;
  /** Return data of the top-level call: the revert reason when reverted. */
  readonly output: Hex;
}

/** Options of {@link ExecutionEngine.execute}. */
export interface ExecuteOptions {
  /**
   * Compute `postStateRoot` (default true). Without it the engine may keep the transaction's trie
   * writes in memory and apply them together with later ones, at the next call that needs the
   * root (`stateRoot()`, a transaction with a root, `checkpoint()`...): faster when only the
   * block's final root matters, as in derivation (see the benchmark).
   */
  readonly stateRoot?: boolean;
}

/**
 * A genuine L1 deposit to credit ({@link ExecutionEngine.applyDeposit}): the fields of `@baton/protocol`'s
 * `Deposit` the engine needs. Whether a `0x7e` forced inclusion is genuine is the caller's check
 * (`isGenuineDeposit`), made against the rollup bridge's L1 events.
 */
export interface DepositMint {
  /** The rollup account credited. */
  readonly to: Address;
  /** Wei added to `to`'s balance. */
  readonly value: bigint;
  /** The L1 account that deposited (the outcome's `from`). */
  readonly from: Address;
  /** keccak256 of the deposit's raw `0x7e` bytes (the outcome's `txHash`). */
  readonly txHash: Hex;
}

/** A read-only call (`eth_call`): no signature, no nonce check, no fee, nothing kept. */
export interface CallRequest {
  /** Default: the zero address. */
  readonly from?: Address;
  /** Absent or null: run `data` as init code. */
  readonly to?: Address | null;
  readonly data?: Hex;
  /** Moved from `from` to `to`; `from` must hold it. Default 0. */
  readonly value?: bigint;
  /** Default: the block's gas limit. */
  readonly gas?: bigint;
  /** Seen by GASPRICE; nothing is charged. Default 0. */
  readonly gasPrice?: bigint;
}

export interface CallResult {
  readonly status: "success" | "reverted";
  /** Gas used by execution, intrinsic gas not included. */
  readonly gasUsed: bigint;
  /** Return data, or the revert data. */
  readonly returnData: Hex;
  readonly logs: readonly ExecutionLog[];
}

export interface AccountState {
  readonly nonce: bigint;
  readonly balance: bigint;
}

/**
 * The state at one root, read-only: what `eth_getBalance`, `eth_getCode`, `eth_getStorageAt` and
 * `eth_call` read at an older block while the engine executes on at the head.
 */
export interface StateView {
  readonly stateRoot: Hex;
  account(address: Address): Promise<AccountState>;
  code(address: Address): Promise<Hex>;
  storage(address: Address, slot: Hex): Promise<Hex>;
  /** Runs a call on this state in block `env` and discards its effects. */
  call(request: CallRequest, env: BlockEnv): Promise<CallResult>;
}

/**
 * Executes a rollup's transactions, in order, on one state (in memory, or in a store on disk).
 * Implementations apply calls in the order they are made even when the caller does not await each
 * one (a call never interleaves with another); all methods throw {@link ExecutionError}.
 */
export interface ExecutionEngine {
  readonly chainId: bigint;
  /** The current state root. */
  stateRoot(): Promise<Hex>;
  /** Nonce and balance of an account (zero for an account that does not exist). */
  account(address: Address): Promise<AccountState>;
  /** Runtime code of an account (`0x` if none). */
  code(address: Address): Promise<Hex>;
  /** A storage slot's value as 32 bytes (`eth_getStorageAt`). */
  storage(address: Address, slot: Hex): Promise<Hex>;
  /**
   * Applies one signed EIP-2718 transaction (legacy with EIP-155, EIP-2930 or EIP-1559) to the
   * current state in block `env`. An invalid transaction throws an {@link ExecutionError} whose code
   * says why, and leaves the state untouched; a valid one is applied even if it reverts.
   *
   * Block gas: the engine counts the gas used in block `env.number`; a transaction whose gas limit is
   * over `env.gasLimit` minus that count is refused. The count starts at 0 whenever `env.number`
   * differs from the previous transaction's.
   */
  execute(rawTx: Hex, env: BlockEnv, options?: ExecuteOptions): Promise<TxOutcome>;
  /**
   * Applies a genuine L1 deposit in block `env`: adds `value` to `to`'s balance (creating the
   * account; a zero value changes nothing). No gas, no fee, no nonce, no signature, no code runs.
   * The outcome has type 0x7e, status success, gas used 0, the block's gas count unchanged as
   * `cumulativeGasUsed`, effective gas price 0, no logs, nonce 0, output `0x`. Undone by `revert()`
   * like a transaction; `options.stateRoot` as for {@link execute}.
   */
  applyDeposit(deposit: DepositMint, env: BlockEnv, options?: ExecuteOptions): Promise<TxOutcome>;
  /** Runs a call on the current state in block `env` and discards its effects. */
  call(request: CallRequest, env: BlockEnv): Promise<CallResult>;
  /**
   * Opens a (nested) checkpoint: everything executed after it can be undone together by `revert()`
   * or kept by `commit()`. Used for atomic groups of transactions (bundles).
   */
  checkpoint(): Promise<void>;
  /** Keeps what was executed since the innermost open checkpoint, and closes it. */
  commit(): Promise<void>;
  /** Undoes what was executed since the innermost open checkpoint (state and block gas), and closes it. */
  revert(): Promise<void>;
  /** Number of open checkpoints. */
  readonly checkpointDepth: number;
  /**
   * Makes the state durable in the engine's store (no-op in memory) and returns its root: after a
   * restart the engine opens at that root. Only with no checkpoint open (`EXECUTION_CHECKPOINT_OPEN`).
   */
  flush(): Promise<Hex>;
  /**
   * Moves the current state to `root`, any root the store holds (an earlier block's, for a reorg):
   * execution goes on from there. The block gas count restarts. Only with no checkpoint open
   * (`EXECUTION_CHECKPOINT_OPEN`); `EXECUTION_UNKNOWN_STATE_ROOT` if the store lacks the root.
   */
  setStateRoot(root: Hex): Promise<void>;
  /**
   * A read-only view of the state at `root` (any root the store holds), independent of what the
   * engine executes next. `EXECUTION_UNKNOWN_STATE_ROOT` if the store lacks the root.
   */
  at(root: Hex): Promise<StateView>;
  /** Releases resources; every later call throws `EXECUTION_CLOSED`. */
  close(): Promise<void>;
}
