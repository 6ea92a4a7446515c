/**
 * Decoding a signed EIP-2718 transaction from a request: fields, hash, sender (native recovery),
 * intrinsic gas (Prague rules, EIP-7623 floor included) and what it touches (for contention pricing).
 */

import { GatewayApiError } from "@baton/clients";
import {
  type Address,
  getAddress,
  type Hex,
  hexToBytes,
  keccak256,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializable,
} from "viem";
import { recoverAddress } from "./crypto.ts";

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export interface DecodedTransaction {
  readonly raw: Hex;
  readonly hash: Hex;
  readonly type: "legacy" | "eip2930" | "eip1559" | "eip4844" | "eip7702";
  readonly chainId: bigint;
  readonly from: Address;
  readonly to: Address | null;
  readonly nonce: bigint;
  readonly gas: bigint;
  readonly value: bigint;
  /** Legacy/2930: the gas price; otherwise maxFeePerGas. */
  readonly maxFeePerGas: bigint;
  readonly maxPriorityFeePerGas: bigint;
  readonly blobCount: number;
  readonly maxFeePerBlobGas: bigint;
  readonly intrinsicGas: bigint;
  /** Contracts the transaction calls or lists in its access list. */
  readonly touches: readonly Address[];
  readonly size: number;
}

function undecodable(reason: string): GatewayApiError {
  return new GatewayApiError("TX_UNDECODABLE", `Transaction is not a signed EIP-2718 transaction: ${reason}`);
}

/** Prague intrinsic gas: base, calldata (with the EIP-7623 floor), creation, access list, authorisations. */
export function intrinsicGas(tx: {
  data: Uint8Array;
  isCreate: boolean;
  accessList: readonly { storageKeys: readonly unknown[] }[];
  authorizations: number;
}): bigint {
  let zeros = 0;
  for (const byte of tx.data) if (byte === 0) zeros++;
  const nonZeros = tx.data.length - zeros;
  const tokens = BigInt(zeros + nonZeros * 4);
  let gas = 21_000n + tokens * 4n;
  if (tx.isCreate) gas += 32_000n + 2n * BigInt(Math.ceil(tx.data.length / 32));
  for (const entry of tx.accessList) gas += 2_400n + 1_900n * BigInt(entry.storageKeys.length);
  gas += 25_000n * BigInt(tx.authorizations);
  const floor = 21_000n + tokens * 10n;
  return gas > floor ? gas : floor;
}

/**
 * Decodes and checks the signature (low s, recoverable) of a signed transaction.
 * @throws GatewayApiError `TX_UNDECODABLE`, `TX_BAD_SIGNATURE`.
 */
export function decodeTransaction(raw: Hex): DecodedTransaction {
  if (raw.length < 4) throw undecodable("empty");
  let tx: ReturnType<typeof parseTransaction>;
  try {
    tx = parseTransaction(raw);
  } catch {
    throw undecodable("not RLP of a known transaction type");
  }
  const signed = tx as typeof tx & { r?: Hex; s?: Hex; v?: bigint; yParity?: number };
  if (signed.r === undefined || signed.s === undefined) throw undecodable("unsigned");
  const type = tx.type ?? "legacy";
  let chainId: bigint | undefined = tx.chainId === undefined ? undefined : BigInt(tx.chainId);
  let yParity: number;
  if (type === "legacy") {
    const v = signed.v ?? 0n;
    if (v === 27n || v === 28n)
      throw new GatewayApiError("TX_BAD_SIGNATURE", "Pre-EIP-155 transactions have no chain id");
    if (v < 35n) throw new GatewayApiError("TX_BAD_SIGNATURE", "Legacy v is not EIP-155");
    chainId = (v - 35n) / 2n;
    yParity = Number((v - 35n) % 2n);
  } else {
    yParity = signed.yParity ?? -1;
  }
  if (chainId === undefined || chainId <= 0n) throw undecodable("no chain id");
  const r = BigInt(signed.r);
  const s = BigInt(signed.s);
  if (r === 0n || s === 0n || s > SECP256K1_HALF_N || (yParity !== 0 && yParity !== 1)) {
    throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature values are out of range (r, s, y-parity)");
  }
  const unsigned = { ...tx, chainId: Number(chainId) } as TransactionSerializable & Record<string, unknown>;
  delete unsigned.r;
  delete unsigned.s;
  delete unsigned.v;
  delete unsigned.yParity;
  let from: Address | null;
  try {
    from = recoverAddress(hexToBytes(keccak256(serializeTransaction(unsigned))), r, s, yParity);
  } catch {
    from = null;
  }
  if (from === null) throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature recovers no sender");
  const data = hexToBytes(tx.data ?? "0x");
  const accessList = "accessList" in tx && tx.accessList ? tx.accessList : [];
  const authorizations = "authorizationList" in tx && tx.authorizationList ? tx.authorizationList.length : 0;
  const to = tx.to ? getAddress(tx.to) : null;
  const touches = new Set<Address>();
  if (to !== null && data.length > 0) touches.add(to);
  for (const entry of accessList) touches.add(getAddress(entry.address));
  const maxFeePerGas =
    "maxFeePerGas" in tx && tx.maxFeePerGas !== undefined ? tx.maxFeePerGas : (tx.gasPrice ?? 0n);
  const maxPriorityFeePerGas =
    "maxPriorityFeePerGas" in tx && tx.maxPriorityFeePerGas !== undefined
      ? tx.maxPriorityFeePerGas
      : maxFeePerGas;
  const blobHashes = "blobVersionedHashes" in tx && tx.blobVersionedHashes ? tx.blobVersionedHashes : [];
  return {
    raw,
    hash: keccak256(raw),
    type: type as DecodedTransaction["type"],
    chainId,
    from,
    to,
    nonce: BigInt(tx.nonce ?? 0),
    gas: tx.gas ?? 0n,
    value: tx.value ?? 0n,
    maxFeePerGas,
    maxPriorityFeePerGas,
    blobCount: blobHashes.length,
    maxFeePerBlobGas:
      "maxFeePerBlobGas" in tx && tx.maxFeePerBlobGas !== undefined ? tx.maxFeePerBlobGas : 0n,
    intrinsicGas: intrinsicGas({ data, isCreate: to === null, accessList, authorizations }),
    touches: [...touches],
    size: (raw.length - 2) / 2,
  };
}

/** The priority fee per gas the transaction pays at `baseFee` (0 if its cap is below). */
export function effectivePriorityFee(tx: DecodedTransaction, baseFee: bigint): bigint {
  if (tx.maxFeePerGas < baseFee) return 0n;
  const room = tx.maxFeePerGas - baseFee;
  return tx.maxPriorityFeePerGas < room ? tx.maxPriorityFeePerGas : room;
}
