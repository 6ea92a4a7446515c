import type { EVMRunCallOpts } from "@ethereumjs/evm";
import { Address } from "@ethereumjs/util";
import type { RunTxOpts } from "@ethereumjs/vm";
import { hexToBytes, isAddress, isHex } from "viem";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import type { BlockEnv } from "./types.ts";

/** The block as the EVM reads it (`@ethereumjs/evm`'s structural `Block`). */
export type EvmBlock = NonNullable<EVMRunCallOpts["block"]>;
/** The block type `runTx` declares (`@ethereumjs/block`'s class). */
type RunTxBlock = NonNullable<RunTxOpts["block"]>;

const MAX_UINT64 = 2n ** 64n - 1n;
const MAX_UINT256 = 2n ** 256n - 1n;

/**
 * The blob base fee seen by BLOBBASEFEE: rollups have no blobs, so it is the EIP-4844 minimum,
 * what a header with zero excess blob gas gives.
 */
export const BLOB_BASE_FEE = 1n;

function invalid(field: string, value: unknown, allowed: string): ExecutionError {
  return new ExecutionError(ExecutionErrorCode.invalidArgument, `Invalid BlockEnv.${field}`, {
    details: { value, allowed },
  });
}

function uint(field: string, value: bigint, min: bigint, max: bigint): bigint {
  if (typeof value !== "bigint" || value < min || value > max)
    throw invalid(field, value, `an integer from ${min} to ${max}`);
  return value;
}

/** Validates `env` and builds the block object the EVM reads; throws `EXECUTION_INVALID_ARGUMENT`. */
export function evmBlock(env: BlockEnv): EvmBlock {
  if (!isAddress(env.coinbase, { strict: false })) throw invalid("coinbase", env.coinbase, "an address");
  if (!isHex(env.prevRandao, { strict: true }) || env.prevRandao.length !== 66)
    throw invalid("prevRandao", env.prevRandao, "32 bytes of hex");
  return {
    header: {
      number: uint("number", env.number, 0n, MAX_UINT64),
      timestamp: uint("timestamp", env.timestamp, 0n, MAX_UINT64),
      coinbase: new Address(hexToBytes(env.coinbase)),
      // Post-merge DIFFICULTY is PREVRANDAO (EIP-4399); the EVM reads `prevRandao` when Paris is active.
      difficulty: 0n,
      prevRandao: hexToBytes(env.prevRandao),
      gasLimit: uint("gasLimit", env.gasLimit, 1n, MAX_UINT64),
      baseFeePerGas: uint("baseFeePerGas", env.baseFeePerGas, 0n, MAX_UINT256),
      getBlobGasPrice: () => BLOB_BASE_FEE,
    },
  };
}

/**
 * `runTx` is typed with `@ethereumjs/block`'s `Block` class, which this package does not depend on.
 * With `skipHardForkValidation` and `blockGasUsed` set (as the engine always does) `runTx` reads only
 * `header.{gasLimit, baseFeePerGas, coinbase}` besides what it hands to the EVM, which reads only
 * the fields of {@link EvmBlock}; so the structural block is passed as is.
 */
export function asRunTxBlock(block: EvmBlock): RunTxBlock {
  return block as unknown as RunTxBlock;
}
