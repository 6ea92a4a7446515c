/**
 * `eth_call` and `eth_estimateGas` over a block's {@link StateView}. `StateView.call` runs the
 * execution alone (no intrinsic gas), so both charge the intrinsic gas of the would-be transaction
 * here, as a transaction would: the call gets `gas - intrinsic`.
 */
import type { CallRequest, CallResult } from "@baton/execution";
import { decodeAbiParameters, type Hex, hexToBytes, sliceHex } from "viem";
import type { StateView } from "../chain/types.ts";
import { executionReverted, RpcError } from "./errors.ts";
import type { CallArgs } from "./params.ts";

const TX_GAS = 21_000n;
const TX_CREATE_GAS = 32_000n;
const INIT_CODE_WORD_GAS = 2n;
const STANDARD_TOKEN_GAS = 4n;
const FLOOR_TOKEN_GAS = 10n;
const ACCESS_LIST_ADDRESS_GAS = 2_400n;
const ACCESS_LIST_KEY_GAS = 1_900n;

/**
 * Prague intrinsic gas of a transaction with these fields, and its EIP-7623 calldata floor (the
 * least gas limit is the larger of the two; execution is given `gasLimit - intrinsic`).
 */
export function intrinsicGas(args: Pick<CallArgs, "to" | "data" | "accessList">): {
  intrinsic: bigint;
  floor: bigint;
} {
  const bytes = hexToBytes(args.data);
  let zeros = 0n;
  for (const byte of bytes) if (byte === 0) zeros++;
  // EIP-7623 tokens: a zero byte is one token, a non-zero byte four.
  const tokens = zeros + (BigInt(bytes.length) - zeros) * 4n;
  let intrinsic = TX_GAS + tokens * STANDARD_TOKEN_GAS;
  if (args.to === null)
    intrinsic += TX_CREATE_GAS + INIT_CODE_WORD_GAS * ((BigInt(bytes.length) + 31n) / 32n);
  for (const entry of args.accessList)
    intrinsic += ACCESS_LIST_ADDRESS_GAS + ACCESS_LIST_KEY_GAS * BigInt(entry.storageKeys.length);
  return { intrinsic, floor: TX_GAS + tokens * FLOOR_TOKEN_GAS };
}

/** What GASPRICE sees: the legacy price, or what an EIP-1559 transaction would pay in `block`. */
function effectiveGasPrice(args: CallArgs, baseFeePerGas: bigint): bigint {
  if (args.gasPrice !== undefined) return args.gasPrice;
  if (args.maxFeePerGas === undefined) return 0n;
  const price = baseFeePerGas + (args.maxPriorityFeePerGas ?? 0n);
  return price < args.maxFeePerGas ? price : args.maxFeePerGas;
}

function request(args: CallArgs, gas: bigint, gasPrice: bigint): CallRequest {
  return {
    ...(args.from === undefined ? {} : { from: args.from }),
    to: args.to,
    data: args.data,
    value: args.value,
    gas,
    gasPrice,
  };
}

const ERROR_STRING_SELECTOR = "0x08c379a0";

/** The reason of a `revert("...")` (Solidity's `Error(string)`), for the message, as geth adds it. */
function revertReason(data: Hex): string | undefined {
  if (data.length < 10 || data.slice(0, 10).toLowerCase() !== ERROR_STRING_SELECTOR) return undefined;
  try {
    const [reason] = decodeAbiParameters([{ type: "string" }], sliceHex(data, 4));
    return reason;
  } catch {
    return undefined;
  }
}

/**
 * The error for a failed call: a REVERT (it returned data, or it stopped before using all its gas)
 * is code 3 with the revert bytes; anything else (out of gas, invalid opcode) used all the gas.
 */
function failure(result: CallResult, gas: bigint): RpcError {
  if (result.returnData !== "0x" || result.gasUsed < gas)
    return executionReverted(result.returnData, revertReason(result.returnData));
  return new RpcError("EXECUTION_FAILED");
}

/** geth's check before running: the sender must hold the value it sends. Returns the balance. */
async function checkValue(state: StateView, args: CallArgs): Promise<bigint | undefined> {
  if (args.from === undefined) return undefined;
  const balance = await state.balance(args.from);
  if (balance < args.value) throw new RpcError("INSUFFICIENT_FUNDS");
  return balance;
}

/** `eth_call`: the return data, or a revert error (code 3) with the revert bytes. */
export async function call(state: StateView, args: CallArgs): Promise<Hex> {
  if (args.value > 0n) await checkValue(state, args);
  const { intrinsic } = intrinsicGas(args);
  const limit = args.gas ?? state.block.gasLimit;
  if (limit < intrinsic)
    throw new RpcError("INTRINSIC_GAS_TOO_LOW", `intrinsic gas too low: have ${limit}, want ${intrinsic}`);
  const gas = limit - intrinsic;
  const result = await state.call(request(args, gas, effectiveGasPrice(args, state.block.baseFeePerGas)));
  if (result.status !== "success") throw failure(result, gas);
  return result.returnData;
}

/**
 * `eth_estimateGas`: the least gas limit with which the transaction succeeds, found by binary search
 * between what one run at the cap used and the cap (the block's gas limit, the caller's `gas`, or what
 * the sender's balance pays for at the given fee). A call that fails at the cap is an error: code 3
 * with the revert data for a revert, as geth answers.
 */
export async function estimateGas(state: StateView, args: CallArgs): Promise<bigint> {
  const { intrinsic, floor } = intrinsicGas(args);
  const minimum = intrinsic > floor ? intrinsic : floor;
  const blockGasLimit = state.block.gasLimit;
  let hi =
    args.gas !== undefined && args.gas >= TX_GAS && args.gas < blockGasLimit ? args.gas : blockGasLimit;
  const gasPrice = effectiveGasPrice(args, state.block.baseFeePerGas);
  const feeCap = args.gasPrice ?? args.maxFeePerGas ?? 0n;
  const balance = args.value > 0n || feeCap > 0n ? await checkValue(state, args) : undefined;
  if (feeCap > 0n && balance !== undefined) {
    const allowance = (balance - args.value) / feeCap;
    if (hi > allowance) hi = allowance;
  }
  if (hi < minimum) throw new RpcError("GAS_EXCEEDS_ALLOWANCE", `gas required exceeds allowance (${hi})`);
  const run = (limit: bigint) => state.call(request(args, limit - intrinsic, gasPrice));

  const atCap = await run(hi);
  if (atCap.status !== "success") {
    const error = failure(atCap, hi - intrinsic);
    throw error.code === "EXECUTION_REVERTED"
      ? error
      : new RpcError("GAS_EXCEEDS_ALLOWANCE", `gas required exceeds allowance (${hi})`);
  }
  // Execution cannot succeed with less gas than it consumed (before refunds).
  let lo = intrinsic + atCap.gasUsed - 1n;
  if (lo < minimum - 1n) lo = minimum - 1n;
  // Most calls need only what they used plus the 1/64 a CALL keeps back: try that first.
  const optimistic = ((intrinsic + atCap.gasUsed) * 64n) / 63n;
  if (optimistic > lo && optimistic < hi) {
    if ((await run(optimistic)).status === "success") hi = optimistic;
    else lo = optimistic;
  }
  while (lo + 1n < hi) {
    const mid = (lo + hi) / 2n;
    if ((await run(mid)).status === "success") hi = mid;
    else lo = mid;
  }
  return hi;
}
