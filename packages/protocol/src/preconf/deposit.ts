/**
 * L1 deposits into a rollup (`docs/rollup.md`, "Deposits"). The rollup's `Bridge` on L1 queues each
 * deposit in the inbox's forced-inclusion queue as the raw transaction
 *
 *     0x7e ‖ rlp([chainId, depositNonce, from, to, value])
 *
 * (RLP integers are minimal big-endian strings, 0 is the empty string; addresses are 20-byte strings)
 * and emits `DepositQueued(forcedIndex, depositNonce, from, to, value)`. A `0x7e` forced inclusion is
 * a mint only when it is genuine ({@link isGenuineDeposit}): anyone can queue arbitrary bytes with
 * `forceInclude`. `Bridge.t.sol` checks the Solidity encoding against the vectors `deposit.test.ts`
 * uses.
 */
import { type Address, fromRlp, getAddress, type Hex, isAddress, isHex } from "viem";
import { BatonError } from "../errors.ts";

/** The EIP-2718 type byte of a deposit on a rollup. */
export const DEPOSIT_TX_TYPE = 0x7e;

/** A deposit as the bridge queued it: its fields, plus where it sits in the forced-inclusion queue. */
export type Deposit = {
  /** The rollup's chain id. */
  readonly chainId: bigint;
  /** The bridge's count of deposits before this one. */
  readonly depositNonce: bigint;
  /** Its index in the rollup's forced-inclusion queue (not part of the raw bytes). */
  readonly forcedIndex: bigint;
  /** The L1 account that deposited. */
  readonly from: Address;
  /** The rollup account credited. */
  readonly to: Address;
  /** Wei credited (what was sent minus the forced-inclusion fee). */
  readonly value: bigint;
};

/** The fields the raw bytes carry. */
export type DepositTx = Omit<Deposit, "forcedIndex">;

/** The fields of the bridge's `DepositQueued` event (its `args`, as viem decodes them). */
export type DepositQueuedEvent = {
  readonly forcedIndex: bigint;
  readonly depositNonce: bigint;
  readonly from: Address;
  readonly to: Address;
  readonly value: bigint;
};

/** Stable codes of {@link DepositError}. */
export const DepositErrorCode = {
  /** The bytes do not start with the deposit type 0x7e. */
  wrongType: "DEPOSIT_WRONG_TYPE",
  /** After the type, the bytes are not an RLP list of five strings of the right sizes. */
  undecodable: "DEPOSIT_UNDECODABLE",
  /** The fields decode, but the bytes are not exactly their encoding (a longer form, bytes after the list). */
  nonCanonical: "DEPOSIT_NON_CANONICAL",
} as const;
export type DepositErrorCode = (typeof DepositErrorCode)[keyof typeof DepositErrorCode];

export class DepositError extends BatonError {
  override readonly name = "DepositError";
  constructor(
    readonly code: DepositErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; cause?: unknown } = {},
  ) {
    super(message, { details: { code, ...options.details }, cause: options.cause });
  }
}

const UINT64_MAX = 2n ** 64n - 1n;
const UINT256_MAX = 2n ** 256n - 1n;

/** RLP of an unsigned integer, as hex without 0x. */
function rlpUint(value: bigint): string {
  if (value === 0n) return "80";
  if (value < 0x80n) return value.toString(16).padStart(2, "0");
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return byte(0x80 + hex.length / 2) + hex;
}

function byte(n: number): string {
  return n.toString(16).padStart(2, "0");
}

function checkUint(name: string, value: bigint, max: bigint): void {
  if (typeof value !== "bigint" || value < 0n || value > max)
    throw new RangeError(`${name} is not a uint${max === UINT64_MAX ? 64 : 256}`);
}

/**
 * The raw bytes the bridge queues for a deposit: `0x7e ‖ rlp([chainId, depositNonce, from, to,
 * value])`. `forcedIndex`, if given, is ignored (it is not in the bytes).
 */
export function encodeDepositTx(deposit: DepositTx): Hex {
  checkUint("chainId", deposit.chainId, UINT64_MAX);
  checkUint("depositNonce", deposit.depositNonce, UINT64_MAX);
  checkUint("value", deposit.value, UINT256_MAX);
  for (const [name, address] of [
    ["from", deposit.from],
    ["to", deposit.to],
  ] as const) {
    if (!isAddress(address, { strict: false })) throw new TypeError(`${name} is not an address`);
  }
  const payload =
    rlpUint(deposit.chainId) +
    rlpUint(deposit.depositNonce) +
    `94${deposit.from.slice(2).toLowerCase()}` +
    `94${deposit.to.slice(2).toLowerCase()}` +
    rlpUint(deposit.value);
  const length = payload.length / 2;
  // At most 9 + 9 + 21 + 21 + 33 = 93 bytes: a long prefix has one length byte.
  const prefix = length <= 55 ? byte(0xc0 + length) : `f8${byte(length)}`;
  return `0x${byte(DEPOSIT_TX_TYPE)}${prefix}${payload}`;
}

/**
 * Decodes a deposit's raw bytes. Strict: only the exact bytes {@link encodeDepositTx} makes are
 * accepted (the type 0x7e, a list of exactly five strings, a chain id and nonce of at most 8 bytes,
 * two 20-byte addresses, a value of at most 32 bytes, each in its shortest form, nothing after).
 * Addresses come back checksummed.
 *
 * @throws DepositError with code `DEPOSIT_WRONG_TYPE`, `DEPOSIT_UNDECODABLE` or `DEPOSIT_NON_CANONICAL`.
 */
export function decodeDepositTx(raw: Hex): DepositTx {
  if (!isHex(raw, { strict: true }) || raw.length % 2 !== 0)
    throw new DepositError(DepositErrorCode.undecodable, "Deposit is not hex bytes");
  if (raw.slice(2, 4).toLowerCase() !== byte(DEPOSIT_TX_TYPE))
    throw new DepositError(DepositErrorCode.wrongType, "Not a deposit (type 0x7e)", {
      details: { type: raw.length >= 4 ? `0x${raw.slice(2, 4)}` : "none" },
    });
  let items: unknown;
  try {
    items = fromRlp(`0x${raw.slice(4)}`, "hex");
  } catch (cause) {
    throw new DepositError(DepositErrorCode.undecodable, "Deposit payload is not RLP", { cause });
  }
  if (!Array.isArray(items) || items.length !== 5 || items.some((item) => typeof item !== "string"))
    throw new DepositError(DepositErrorCode.undecodable, "Deposit payload is not a list of five strings");
  const [chainId, depositNonce, from, to, value] = items as Hex[];
  const size = (hex: Hex) => (hex.length - 2) / 2;
  const sizes = { chainId: 8, depositNonce: 8, value: 32 } as const;
  for (const [name, hex] of [
    ["chainId", chainId],
    ["depositNonce", depositNonce],
    ["value", value],
  ] as const) {
    if (size(hex as Hex) > sizes[name])
      throw new DepositError(DepositErrorCode.undecodable, `Deposit ${name} is too long`, {
        details: { bytes: size(hex as Hex) },
      });
  }
  if (size(from as Hex) !== 20 || size(to as Hex) !== 20)
    throw new DepositError(DepositErrorCode.undecodable, "Deposit addresses are not 20 bytes");
  const decoded: DepositTx = {
    chainId: BigInt(chainId === "0x" ? 0 : (chainId as Hex)),
    depositNonce: BigInt(depositNonce === "0x" ? 0 : (depositNonce as Hex)),
    from: getAddress(from as Hex),
    to: getAddress(to as Hex),
    value: BigInt(value === "0x" ? 0 : (value as Hex)),
  };
  // Leading zeros, long forms of short lengths, a small integer as a one-byte string, trailing bytes:
  // anything the bridge would not have written.
  if (encodeDepositTx(decoded) !== raw.toLowerCase())
    throw new DepositError(DepositErrorCode.nonCanonical, "Deposit is not canonically encoded");
  return decoded;
}

/**
 * Whether the forced inclusion `raw` at queue index `forcedIndex` of rollup `chainId` is a genuine
 * deposit: the rollup's bridge emitted `DepositQueued` with that forced index, and `raw` is exactly
 * the encoding of the event's fields with `chainId`. Returns the deposit, or null (a forged or
 * altered `0x7e` entry, or any other transaction).
 *
 * @param events The `DepositQueued` events of the rollup's own bridge (a list, or a map by forced
 *   index). Events of another contract must not be passed: they would make forgeries genuine.
 */
export function isGenuineDeposit(
  raw: Hex,
  forcedIndex: bigint,
  events: readonly DepositQueuedEvent[] | ReadonlyMap<bigint, DepositQueuedEvent>,
  chainId: bigint,
): Deposit | null {
  const event =
    events instanceof Map
      ? (events as ReadonlyMap<bigint, DepositQueuedEvent>).get(forcedIndex)
      : (events as readonly DepositQueuedEvent[]).find((e) => e.forcedIndex === forcedIndex);
  if (event === undefined) return null;
  try {
    const deposit: Deposit = {
      chainId,
      depositNonce: event.depositNonce,
      forcedIndex,
      from: getAddress(event.from),
      to: getAddress(event.to),
      value: event.value,
    };
    return encodeDepositTx(deposit) === raw.toLowerCase() ? deposit : null;
  } catch {
    // Fields no bridge could emit (out of range): nothing can match them.
    return null;
  }
}
