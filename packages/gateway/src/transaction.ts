/**
 * Decoding a signed EIP-2718 transaction from a request: fields, hash, sender (native recovery),
 * intrinsic gas (Prague rules, EIP-7623 floor included) and what it touches (for contention pricing).
 */

import { GatewayApiError } from "@baton/clients";
import { fastKeccak256 } from "@baton/protocol";
import {
  type Address,
  fromRlp,
  getAddress,
  type Hex,
  hexToBytes,
  keccak256,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializable,
  toRlp,
} from "viem";
import { recoverAddress } from "./crypto.ts";

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;

export interface DecodedTransaction {
  readonly raw: Hex;
  readonly hash: Hex;
  readonly type: "legacy" | "eip2930" | "eip1559" | "eip4844" | "eip7702";
  readonly chainId: bigint;
  /** Lowercase (a checksum would cost a keccak per request). */
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
  if (raw.startsWith("0x02")) return decodeEip1559(raw);
  return decodeWithViem(raw);
}

/** A canonical RLP integer (no leading zero byte) of at most `bytes` bytes. */
function rlpInt(value: unknown, bytes: number, name: string): bigint {
  if (typeof value !== "string" || value.length > 2 + bytes * 2 || value.startsWith("0x00")) {
    throw undecodable(`${name} is not a canonical integer`);
  }
  return value === "0x" ? 0n : BigInt(value);
}

/**
 * The hot path: EIP-1559 transactions decoded straight from their RLP (viem's generic parser
 * validates more than a gateway needs, at several times the cost); same checks, same result.
 */
function decodeEip1559(raw: Hex): DecodedTransaction {
  let items: unknown;
  try {
    items = fromRlp(`0x${raw.slice(4)}`, "hex");
  } catch {
    throw undecodable("not RLP");
  }
  if (!Array.isArray(items) || items.length !== 12)
    throw undecodable("an EIP-1559 transaction has 12 fields");
  // Canonical encoding only (no trailing bytes, minimal lengths): the hash promised must be the one
  // every node computes for this transaction.
  if (toRlp(items as Hex[]).slice(2) !== raw.slice(4).toLowerCase()) throw undecodable("not canonical RLP");
  const [
    chainIdRaw,
    nonceRaw,
    tipRaw,
    feeRaw,
    gasRaw,
    toRaw,
    valueRaw,
    dataRaw,
    accessRaw,
    parityRaw,
    rRaw,
    sRaw,
  ] = items as unknown[];
  const chainId = rlpInt(chainIdRaw, 8, "chainId");
  const nonce = rlpInt(nonceRaw, 8, "nonce");
  const maxPriorityFeePerGas = rlpInt(tipRaw, 32, "maxPriorityFeePerGas");
  const maxFeePerGas = rlpInt(feeRaw, 32, "maxFeePerGas");
  const gas = rlpInt(gasRaw, 8, "gas");
  const value = rlpInt(valueRaw, 32, "value");
  if (typeof toRaw !== "string" || (toRaw !== "0x" && toRaw.length !== 42))
    throw undecodable("to is not an address");
  if (typeof dataRaw !== "string") throw undecodable("data is not bytes");
  if (!Array.isArray(accessRaw)) throw undecodable("access list is not a list");
  const accessList = accessRaw.map((entry: unknown) => {
    if (
      !Array.isArray(entry) ||
      entry.length !== 2 ||
      typeof entry[0] !== "string" ||
      entry[0].length !== 42
    ) {
      throw undecodable("access list entry is not [address, keys]");
    }
    const keys = entry[1] as unknown;
    if (!Array.isArray(keys) || keys.some((key) => typeof key !== "string" || key.length !== 66)) {
      throw undecodable("access list keys are not 32-byte words");
    }
    return { address: getAddress(entry[0]), storageKeys: keys as Hex[] };
  });
  if (maxPriorityFeePerGas > maxFeePerGas) throw undecodable("maxPriorityFeePerGas is above maxFeePerGas");
  const yParity = Number(rlpInt(parityRaw, 1, "yParity"));
  const r = rlpInt(rRaw, 32, "r");
  const s = rlpInt(sRaw, 32, "s");
  if (chainId === 0n) throw undecodable("no chain id");
  if (r === 0n || s === 0n || s > SECP256K1_HALF_N || (yParity !== 0 && yParity !== 1)) {
    throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature values are out of range (r, s, y-parity)");
  }
  const unsigned = `0x02${toRlp((items as Hex[]).slice(0, 9)).slice(2)}` as Hex;
  const from = recoverAddress(hexToBytes(fastKeccak256(unsigned)), r, s, yParity);
  if (from === null) throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature recovers no sender");
  const data = hexToBytes(dataRaw as Hex);
  const to = toRaw === "0x" ? null : (toRaw.toLowerCase() as Address);
  const touches = new Set<Address>();
  if (to !== null && data.length > 0) touches.add(to);
  for (const entry of accessList) touches.add(entry.address);
  return {
    raw,
    hash: fastKeccak256(raw),
    type: "eip1559",
    chainId,
    from,
    to,
    nonce,
    gas,
    value,
    maxFeePerGas,
    maxPriorityFeePerGas,
    blobCount: 0,
    maxFeePerBlobGas: 0n,
    intrinsicGas: intrinsicGas({ data, isCreate: to === null, accessList, authorizations: 0 }),
    touches: [...touches],
    size: (raw.length - 2) / 2,
  };
}

function decodeWithViem(raw: Hex): DecodedTransaction {
  let tx: ReturnType<typeof parseTransaction>;
  try {
    tx = parseTransaction(raw);
  } catch {
    throw undecodable("not RLP of a known transaction type");
  }
  const signed = tx as typeof tx & { r?: Hex; s?: Hex; v?: bigint; yParity?: number };
  if (signed.r === undefined || signed.s === undefined) throw undecodable("unsigned");
  // viem's parser ignores bytes after the RLP item and reads non-minimal integers: only bytes that
  // encode back to themselves are the transaction an Ethereum node sees, and the hash it includes.
  const signature =
    tx.type === "legacy" || tx.type === undefined
      ? { r: signed.r, s: signed.s, v: signed.v ?? 0n }
      : { r: signed.r, s: signed.s, yParity: signed.yParity ?? 0 };
  let canonical: Hex;
  try {
    canonical = serializeTransaction(tx, signature);
  } catch {
    throw undecodable("not canonical");
  }
  if (canonical.toLowerCase() !== raw.toLowerCase()) {
    throw undecodable("not canonical (trailing bytes or non-minimal RLP)");
  }
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
  // The signing hash of a blob transaction does not cover its network wrapper (blobs and proofs).
  delete unsigned.sidecars;
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
  // Legacy and EIP-2930 transactions tip everything above the base fee. viem leaves out a zero
  // field when it parses, so an absent `maxPriorityFeePerGas` of a 1559-style transaction is 0.
  const maxPriorityFeePerGas =
    type === "legacy" || type === "eip2930"
      ? maxFeePerGas
      : "maxPriorityFeePerGas" in tx && tx.maxPriorityFeePerGas !== undefined
        ? tx.maxPriorityFeePerGas
        : 0n;
  const blobHashes = "blobVersionedHashes" in tx && tx.blobVersionedHashes ? tx.blobVersionedHashes : [];
  // A blob transaction in its network form carries blobs, commitments and proofs after the
  // transaction; its hash is the transaction's alone.
  const wrapped = "sidecars" in tx && Array.isArray(tx.sidecars) && tx.sidecars.length > 0;
  return {
    raw,
    hash: keccak256(
      wrapped ? serializeTransaction({ ...tx, sidecars: false } as TransactionSerializable, signature) : raw,
    ),
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
