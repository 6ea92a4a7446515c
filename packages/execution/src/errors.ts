import { BatonError, type BatonErrorOptions } from "@baton/protocol";

/**
 * Stable codes of {@link ExecutionError}: the gateway branches on them to answer a request and labels
 * metrics with them, so a code is never renamed or reused.
 *
 * The transaction codes are listed in the order the engine checks them (from "cannot be read" to
 * "cannot be paid"; the type byte is looked at before the rest is decoded), so a transaction with
 * several faults always reports the same one.
 */
export const ExecutionErrorCode = {
  /** The bytes are not a well-formed EIP-2718 envelope of a known type (RLP, field sizes, values). */
  undecodableTx: "EXECUTION_UNDECODABLE_TX",
  /** An EIP-4844 blob transaction (type 3): rollups have no blobs. */
  blobTx: "EXECUTION_BLOB_TX",
  /** An EIP-7702 set-code transaction (type 4): not accepted on rollups for now. */
  setCodeTx: "EXECUTION_SET_CODE_TX",
  /** The transaction is signed for another chain id. */
  wrongChainId: "EXECUTION_WRONG_CHAIN_ID",
  /** A legacy transaction without EIP-155 replay protection (v = 27 or 28). */
  unprotectedTx: "EXECUTION_UNPROTECTED_TX",
  /** The signature recovers no sender, or its `s` is in the upper half of the curve order (EIP-2). */
  invalidSignature: "EXECUTION_INVALID_SIGNATURE",
  /** `maxPriorityFeePerGas` is above `maxFeePerGas`. */
  tipAboveFeeCap: "EXECUTION_TIP_ABOVE_FEE_CAP",
  /** A contract creation whose init code is over 49,152 bytes (EIP-3860). */
  initCodeTooLarge: "EXECUTION_INITCODE_TOO_LARGE",
  /** The transaction's gas limit is over what is left of the block's gas limit. */
  blockGasLimitExceeded: "EXECUTION_BLOCK_GAS_LIMIT_EXCEEDED",
  /** `maxFeePerGas` (or a legacy `gasPrice`) is below the block's base fee. */
  feeCapTooLow: "EXECUTION_FEE_CAP_TOO_LOW",
  /** The gas limit is below the intrinsic gas (or the EIP-7623 calldata floor). */
  intrinsicGasTooLow: "EXECUTION_INTRINSIC_GAS_TOO_LOW",
  /** The nonce is below the sender's account nonce. */
  nonceTooLow: "EXECUTION_NONCE_TOO_LOW",
  /** The nonce is above the sender's account nonce (no gaps: there is no transaction pool). */
  nonceTooHigh: "EXECUTION_NONCE_TOO_HIGH",
  /** The sender's account has code (EIP-3607). */
  senderNotEoa: "EXECUTION_SENDER_NOT_EOA",
  /** The balance is below `value + gasLimit * maxFeePerGas` (`gasPrice` for legacy transactions). */
  insufficientFunds: "EXECUTION_INSUFFICIENT_FUNDS",
  /** An argument other than the transaction is malformed: a `BlockEnv` field, an address, a slot, a call. */
  invalidArgument: "EXECUTION_INVALID_ARGUMENT",
  /** The genesis (chain id, alloc) is malformed. */
  invalidGenesis: "EXECUTION_INVALID_GENESIS",
  /** `commit()` or `revert()` without an open `checkpoint()`. */
  noCheckpoint: "EXECUTION_NO_CHECKPOINT",
  /** The engine was used after `close()`. */
  closed: "EXECUTION_CLOSED",
  /** A state root that the engine's store does not hold (never flushed there, or from another chain). */
  unknownStateRoot: "EXECUTION_UNKNOWN_STATE_ROOT",
  /** `setStateRoot()` or `flush()` while a checkpoint is open: they act on whole blocks only. */
  checkpointOpen: "EXECUTION_CHECKPOINT_OPEN",
  /** The native secp256k1 addon was asked for and could not be loaded. */
  nativeCryptoUnavailable: "EXECUTION_NATIVE_CRYPTO_UNAVAILABLE",
  /** The engine failed on a transaction that passed validation: a bug or a failing dependency. */
  internal: "EXECUTION_INTERNAL",
} as const;
export type ExecutionErrorCode = (typeof ExecutionErrorCode)[keyof typeof ExecutionErrorCode];

/** Whose fault a code is: the request's (`transaction`), the engine's caller's, or the engine's own. */
export type ExecutionErrorFault = "transaction" | "caller" | "engine";

/** The fault of every code; exhaustive, so a new code cannot be added without deciding it. */
export const executionErrorFault: Readonly<Record<ExecutionErrorCode, ExecutionErrorFault>> = {
  EXECUTION_UNDECODABLE_TX: "transaction",
  EXECUTION_BLOB_TX: "transaction",
  EXECUTION_SET_CODE_TX: "transaction",
  EXECUTION_WRONG_CHAIN_ID: "transaction",
  EXECUTION_UNPROTECTED_TX: "transaction",
  EXECUTION_INVALID_SIGNATURE: "transaction",
  EXECUTION_TIP_ABOVE_FEE_CAP: "transaction",
  EXECUTION_INITCODE_TOO_LARGE: "transaction",
  EXECUTION_BLOCK_GAS_LIMIT_EXCEEDED: "transaction",
  EXECUTION_FEE_CAP_TOO_LOW: "transaction",
  EXECUTION_INTRINSIC_GAS_TOO_LOW: "transaction",
  EXECUTION_NONCE_TOO_LOW: "transaction",
  EXECUTION_NONCE_TOO_HIGH: "transaction",
  EXECUTION_SENDER_NOT_EOA: "transaction",
  EXECUTION_INSUFFICIENT_FUNDS: "transaction",
  EXECUTION_INVALID_ARGUMENT: "caller",
  EXECUTION_INVALID_GENESIS: "caller",
  EXECUTION_NO_CHECKPOINT: "caller",
  EXECUTION_CLOSED: "caller",
  EXECUTION_UNKNOWN_STATE_ROOT: "caller",
  EXECUTION_CHECKPOINT_OPEN: "caller",
  EXECUTION_NATIVE_CRYPTO_UNAVAILABLE: "engine",
  EXECUTION_INTERNAL: "engine",
};

/**
 * A transaction the engine refuses, or a misuse or failure of the engine, with a stable `code`.
 * Whatever the code, the engine's state is as it was before the call that threw.
 */
export class ExecutionError extends BatonError {
  override readonly name = "ExecutionError";
  readonly code: ExecutionErrorCode;

  constructor(code: ExecutionErrorCode, shortMessage: string, options: BatonErrorOptions = {}) {
    super(shortMessage, { ...options, details: { code, ...options.details } });
    this.code = code;
  }

  /** Whose fault this is (see {@link executionErrorFault}). */
  get fault(): ExecutionErrorFault {
    return executionErrorFault[this.code];
  }
}
