import type { Common } from "@ethereumjs/common";
import { Capability, createTxFromRLP, type TypedTransaction } from "@ethereumjs/tx";
import type { Address } from "@ethereumjs/util";
import { bytesToBigInt, bytesToHex, fromRlp, type Hex, hexToBytes, isHex } from "viem";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";

/**
 * Decoding of raw rollup transactions and the checks that need no state: envelope, type, chain id,
 * replay protection, signature. The stateful checks are in the engine.
 */

/** Transactions the engine accepts: legacy (EIP-155), EIP-2930, EIP-1559. */
export type AcceptedTransaction = TypedTransaction & { readonly type: 0 | 1 | 2 };

export interface DecodedTransaction {
  readonly tx: AcceptedTransaction;
  readonly hash: Hex;
  readonly sender: Address;
  /** `maxFeePerGas`, or `gasPrice` for legacy and EIP-2930 transactions. */
  readonly feeCap: bigint;
}

/** secp256k1n / 2: EIP-2 refuses signatures with a larger `s`. */
const HALF_CURVE_ORDER = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
/** EIP-3860: twice the EIP-170 code size limit. */
const MAX_INIT_CODE_SIZE = 49_152;

function fail(code: ExecutionErrorCode, message: string, details: Record<string, unknown>, cause?: unknown) {
  return new ExecutionError(code, message, { details, cause });
}

/** Decodes and checks one raw transaction for `common`'s chain; throws {@link ExecutionError}. */
export function decodeTransaction(rawTx: Hex, common: Common): DecodedTransaction {
  if (!isHex(rawTx, { strict: true }) || rawTx.length % 2 !== 0 || rawTx.length < 4)
    throw fail(ExecutionErrorCode.undecodableTx, "Transaction is not non-empty hex bytes", {});
  const bytes = hexToBytes(rawTx);
  const type = bytes[0] ?? 0;
  if (type === 3)
    throw fail(ExecutionErrorCode.blobTx, "Blob transactions (EIP-4844) are not accepted on rollups", {});
  if (type === 4)
    throw fail(ExecutionErrorCode.setCodeTx, "Set-code transactions (EIP-7702) are not accepted", {});
  if (type !== 1 && type !== 2 && type < 0xc0)
    throw fail(ExecutionErrorCode.undecodableTx, "Unknown transaction type", { type });

  let tx: TypedTransaction;
  try {
    tx = createTxFromRLP(bytes, { common });
  } catch (cause) {
    throw classifyDecodingFailure(bytes, common.chainId(), cause);
  }
  if (tx.type === 0 && !tx.supports(Capability.EIP155ReplayProtection))
    throw new ExecutionError(
      ExecutionErrorCode.unprotectedTx,
      "Legacy transaction without EIP-155 replay protection",
      { hint: "Sign it with the rollup's chain id (EIP-155)." },
    );
  let sender: Address;
  try {
    sender = tx.getSenderAddress();
  } catch (cause) {
    throw fail(ExecutionErrorCode.invalidSignature, "Signature recovers no sender", {}, cause);
  }
  return {
    // Types 3 and 4 were refused from their first byte above.
    tx: tx as AcceptedTransaction,
    hash: bytesToHex(tx.hash()),
    sender,
    feeCap: "maxFeePerGas" in tx ? tx.maxFeePerGas : tx.gasPrice,
  };
}

function toBigInt(item: unknown): bigint | undefined {
  return item instanceof Uint8Array ? bytesToBigInt(item) : undefined;
}

/**
 * ethereumjs refuses some transactions while decoding (another chain id, tip above fee cap, high s,
 * init code too large); re-reads the fields leniently to give those their own code.
 */
function classifyDecodingFailure(bytes: Uint8Array, chainId: bigint, cause: unknown): ExecutionError {
  let fields: unknown;
  try {
    fields = fromRlp(bytes[0] === 1 || bytes[0] === 2 ? bytes.subarray(1) : bytes, "bytes");
  } catch {
    fields = undefined;
  }
  const undecodable = fail(
    ExecutionErrorCode.undecodableTx,
    "Transaction cannot be decoded",
    { reason: cause instanceof Error ? cause.message.split(" (")[0] : String(cause) },
    cause,
  );
  if (!Array.isArray(fields)) return undecodable;
  const f = fields as unknown[];
  // [chainId, nonce, (tip,) feeCap|gasPrice, gas, to, value, data, accessList, yParity, r, s]
  // legacy: [nonce, gasPrice, gas, to, value, data, v, r, s]
  const layout =
    bytes[0] === 2
      ? { chainId: 0, tip: 2, feeCap: 3, to: 5, data: 7, s: 11, length: 12 }
      : bytes[0] === 1
        ? { chainId: 0, tip: -1, feeCap: 2, to: 4, data: 6, s: 10, length: 11 }
        : { chainId: -1, tip: -1, feeCap: 1, to: 3, data: 5, s: 8, length: 9 };
  if (f.length !== layout.length) return undecodable;

  let signedChainId: bigint | undefined;
  if (layout.chainId >= 0) signedChainId = toBigInt(f[layout.chainId]);
  else {
    const v = toBigInt(f[6]);
    if (v !== undefined && v >= 35n) signedChainId = (v - 35n) / 2n;
  }
  if (signedChainId !== undefined && signedChainId !== chainId)
    return fail(
      ExecutionErrorCode.wrongChainId,
      "Transaction is signed for another chain",
      { chainId: signedChainId, expected: chainId },
      cause,
    );
  const tip = layout.tip >= 0 ? toBigInt(f[layout.tip]) : undefined;
  const feeCap = toBigInt(f[layout.feeCap]);
  if (tip !== undefined && feeCap !== undefined && tip > feeCap)
    return fail(
      ExecutionErrorCode.tipAboveFeeCap,
      "maxPriorityFeePerGas is above maxFeePerGas",
      { maxPriorityFeePerGas: tip, maxFeePerGas: feeCap },
      cause,
    );
  const s = toBigInt(f[layout.s]);
  if (s !== undefined && s > HALF_CURVE_ORDER)
    return fail(ExecutionErrorCode.invalidSignature, "Signature s is in the upper half (EIP-2)", {}, cause);
  const to = f[layout.to];
  const data = f[layout.data];
  if (
    to instanceof Uint8Array &&
    to.length === 0 &&
    data instanceof Uint8Array &&
    data.length > MAX_INIT_CODE_SIZE
  )
    return fail(
      ExecutionErrorCode.initCodeTooLarge,
      "Init code is over the EIP-3860 limit",
      { size: data.length, limit: MAX_INIT_CODE_SIZE },
      cause,
    );
  return undecodable;
}
