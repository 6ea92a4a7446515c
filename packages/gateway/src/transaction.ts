/**
 * Decoding a signed EIP-2718 transaction from a request: fields, hash, sender (native recovery),
 * intrinsic gas (Prague rules, EIP-7623 floor included) and what it touches (for contention pricing).
 */

import { GatewayApiError } from "@baton/clients";
import { keccak256Buffer } from "@baton/protocol";
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
import { recoverAddress, recoverSigner } from "./crypto.ts";
import { RlpError, type RlpItem, readRlp, rlpListPrefix } from "./rlp.ts";

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
  const parts = decodeTransactionParts(raw);
  if ("from" in parts) return parts;
  const { signer, ...tx } = parts;
  const from = recoverSigner(signer.digest, signer.signature, signer.yParity);
  if (from === null) throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature recovers no sender");
  return { ...tx, from };
}

/** A decoded transaction whose sender is still to be recovered (off the event loop). */
export interface UnrecoveredTransaction extends Omit<DecodedTransaction, "from"> {
  readonly signer: { readonly digest: Uint8Array; readonly signature: Uint8Array; readonly yParity: number };
}

/**
 * Decodes and checks a signed transaction, leaving the sender recovery of the common case
 * (EIP-1559) to the caller; other types come back with their sender.
 * @throws GatewayApiError `TX_UNDECODABLE`, `TX_BAD_SIGNATURE`.
 */
export function decodeTransactionParts(raw: Hex): DecodedTransaction | UnrecoveredTransaction {
  if (raw.length < 4) throw undecodable("empty");
  if (raw.startsWith("0x02")) return decodeEip1559(raw);
  return decodeWithViem(raw);
}

/**
 * The hot path: EIP-1559 transactions decoded straight from their bytes with a strict RLP reader
 * (viem's generic parser and a re-encoding check cost several times more); same checks, same result
 * (`transaction.test.ts` compares the two on random transactions). The signing hash is taken over
 * the original bytes of the first nine fields, which canonical RLP makes the only encoding.
 */
function decodeEip1559(raw: Hex): UnrecoveredTransaction {
  const bytes = Buffer.from(raw.slice(2), "hex");
  // Buffer.from stops at the first character that is not hex: a short result means bad input.
  if (bytes.length * 2 !== raw.length - 2) throw undecodable("not hex bytes");
  let list: RlpItem;
  try {
    list = readRlp(bytes, 1);
  } catch (error) {
    throw undecodable(error instanceof RlpError ? `not canonical RLP (${error.message})` : "not RLP");
  }
  const items = list.items;
  if (items === null || items.length !== 12) throw undecodable("an EIP-1559 transaction has 12 fields");
  const field = (i: number) => items[i] as RlpItem;
  const int = (i: number, max: number, name: string): bigint => {
    const item = field(i);
    const length = item.end - item.dataStart;
    if (item.items !== null || length > max)
      throw undecodable(`${name} is not an integer of at most ${max} bytes`);
    if (length === 0) return 0n;
    if (bytes[item.dataStart] === 0) throw undecodable(`${name} is not a canonical integer`);
    if (length <= 6) return BigInt(bytes.readUIntBE(item.dataStart, length));
    return BigInt(`0x${bytes.toString("hex", item.dataStart, item.end)}`);
  };
  const address = (item: RlpItem, name: string): Address => {
    if (item.items !== null || item.end - item.dataStart !== 20)
      throw undecodable(`${name} is not an address`);
    return `0x${bytes.toString("hex", item.dataStart, item.end)}`;
  };
  const chainId = int(0, 8, "chainId");
  const nonce = int(1, 8, "nonce");
  const maxPriorityFeePerGas = int(2, 32, "maxPriorityFeePerGas");
  const maxFeePerGas = int(3, 32, "maxFeePerGas");
  const gas = int(4, 8, "gas");
  const toItem = field(5);
  const to = toItem.items === null && toItem.end === toItem.dataStart ? null : address(toItem, "to");
  const value = int(6, 32, "value");
  const dataItem = field(7);
  if (dataItem.items !== null) throw undecodable("data is not bytes");
  const data = bytes.subarray(dataItem.dataStart, dataItem.end);
  const accessItems = field(8).items;
  if (accessItems === null) throw undecodable("access list is not a list");
  const accessList = accessItems.map((entry) => {
    const pair = entry.items;
    if (pair === null || pair.length !== 2) throw undecodable("access list entry is not [address, keys]");
    const keys = (pair[1] as RlpItem).items;
    if (keys === null || keys.some((key) => key.items !== null || key.end - key.dataStart !== 32)) {
      throw undecodable("access list keys are not 32-byte words");
    }
    return {
      address: address(pair[0] as RlpItem, "access list address"),
      storageKeys: keys.map((key) => `0x${bytes.toString("hex", key.dataStart, key.end)}` as Hex),
    };
  });
  if (maxPriorityFeePerGas > maxFeePerGas) throw undecodable("maxPriorityFeePerGas is above maxFeePerGas");
  const yParity = Number(int(9, 1, "yParity"));
  const r = int(10, 32, "r");
  const s = int(11, 32, "s");
  if (chainId === 0n) throw undecodable("no chain id");
  if (r === 0n || s === 0n || s > SECP256K1_HALF_N || (yParity !== 0 && yParity !== 1)) {
    throw new GatewayApiError("TX_BAD_SIGNATURE", "Signature values are out of range (r, s, y-parity)");
  }
  const fieldsStart = field(0).start;
  const fieldsEnd = field(8).end;
  const digest = keccak256Buffer(
    Buffer.concat([
      TYPE_EIP1559,
      rlpListPrefix(fieldsEnd - fieldsStart),
      bytes.subarray(fieldsStart, fieldsEnd),
    ]),
  );
  const signature = Buffer.alloc(64);
  bytes.copy(signature, 32 - (field(10).end - field(10).dataStart), field(10).dataStart, field(10).end);
  bytes.copy(signature, 64 - (field(11).end - field(11).dataStart), field(11).dataStart, field(11).end);
  const touches = new Set<Address>();
  if (to !== null && data.length > 0) touches.add(to);
  for (const entry of accessList) touches.add(entry.address);
  return {
    raw,
    hash: `0x${keccak256Buffer(bytes).toString("hex")}`,
    type: "eip1559",
    chainId,
    signer: { digest, signature, yParity },
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
    size: bytes.length,
  };
}

const TYPE_EIP1559 = Buffer.from([2]);

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
