/**
 * The preconfirmation request, Baton's `CommitmentRequest.payload` (Commitments API draft,
 * eth-fabric/commitments-specs): the signed raw transactions to promise, the window the user wants
 * (0: the gateway's current one) and who receives insurance or a liveness penalty. It is defined
 * once here, ABI-encoded, so the request hash a commitment binds is computable anywhere, on-chain
 * included: `requestHash = keccak256(abi.encode(uint64 commitmentType, keccak256(payload), slasher))`.
 */
import {
  type Address,
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  type Hex,
  isHex,
  keccak256,
  zeroAddress,
} from "viem";
import { type Commitment, CommitmentKind, commitmentTypes } from "../commitments/types.ts";
import { BatonError } from "../errors.ts";
import { fastKeccak256 } from "../keccak.ts";

/** What a user asks for, inside `CommitmentRequest.payload`. */
export type PreconfRequest = {
  /** Signed EIP-2718 transactions: one for inclusion/ordering/state, two or more for a bundle. */
  readonly transactions: readonly Hex[];
  /** The window's target slot the user wants, or 0 for the gateway's current window. */
  readonly slot: bigint;
  /** Receives insurance and liveness penalties; the zero address means the (first) sender. */
  readonly beneficiary: Address;
};

/** The ABI type of the payload, for other encoders (the hand-written codec below is checked against it). */
export const preconfRequestParameters = [
  {
    type: "tuple",
    components: [
      { name: "transactions", type: "bytes[]" },
      { name: "slot", type: "uint64" },
      { name: "beneficiary", type: "address" },
    ],
  },
] as const;

const commitmentParameters = [{ type: "tuple", components: commitmentTypes.Commitment }] as const;

/** Stable codes of {@link PreconfRequestError}. */
export const PreconfRequestErrorCode = {
  /** The payload is not hex, or not the ABI encoding of a {@link PreconfRequest}. */
  undecodable: "REQUEST_PAYLOAD_UNDECODABLE",
  /** The commitment type is not one of {@link CommitmentKind}. */
  unknownKind: "REQUEST_UNKNOWN_KIND",
} as const;
export type PreconfRequestErrorCode = (typeof PreconfRequestErrorCode)[keyof typeof PreconfRequestErrorCode];

export class PreconfRequestError extends BatonError {
  override readonly name = "PreconfRequestError";
  constructor(
    readonly code: PreconfRequestErrorCode,
    message: string,
    details: Record<string, unknown> = {},
  ) {
    super(message, { details: { code, ...details } });
  }
}

const word = (n: number | bigint) => n.toString(16).padStart(64, "0");

/**
 * ABI-encodes a request into `CommitmentRequest.payload`: `abi.encode((bytes[], uint64, address))`.
 * Written by hand (it is on the gateway's hot path); `request.test.ts` checks it against viem.
 */
export function encodePreconfRequest(request: PreconfRequest): Hex {
  if (request.slot < 0n || request.slot >= 2n ** 64n) throw new RangeError("slot is not a uint64");
  const bodies: string[] = [];
  const offsets: string[] = [];
  let offset = 32 * request.transactions.length;
  for (const tx of request.transactions) {
    if (!isHex(tx, { strict: true }) || tx.length % 2 !== 0)
      throw new TypeError("transaction is not hex bytes");
    const length = (tx.length - 2) / 2;
    const padded = tx.slice(2).padEnd(Math.ceil(length / 32) * 64, "0");
    offsets.push(word(offset));
    bodies.push(word(length) + padded);
    offset += 32 + padded.length / 2;
  }
  const beneficiary = request.beneficiary.slice(2).toLowerCase().padStart(64, "0");
  return `0x${word(32)}${word(96)}${word(request.slot)}${beneficiary}${word(request.transactions.length)}${offsets.join("")}${bodies.join("")}`;
}

/** Reads the 32-byte word at byte `at` of `hex` (no 0x) as a small non-negative integer, or -1. */
function smallWord(hex: string, at: number): number {
  const text = hex.slice(at * 2, at * 2 + 64);
  if (text.length !== 64 || !/^0{48}[0-9a-fA-F]{16}$/.test(text)) return -1;
  const value = Number.parseInt(text.slice(48), 16);
  return Number.isSafeInteger(value) ? value : -1;
}

/**
 * Decodes `CommitmentRequest.payload`; the encoding must be canonical (re-encoding gives the same
 * bytes), so one request has exactly one hash.
 * @throws PreconfRequestError `REQUEST_PAYLOAD_UNDECODABLE`.
 */
export function decodePreconfRequest(payload: Hex): PreconfRequest {
  if (!isHex(payload, { strict: true }) || payload.length % 2 !== 0) {
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Payload is not 0x-prefixed hex");
  }
  const undecodable = () =>
    new PreconfRequestError(
      PreconfRequestErrorCode.undecodable,
      "Payload is not the ABI encoding of (bytes[] transactions, uint64 slot, address beneficiary)",
    );
  const hex = payload.slice(2);
  const size = hex.length / 2;
  // Canonical layout: tuple offset 32, bytes[] offset 96 within the tuple, then the array.
  if (smallWord(hex, 0) !== 32 || smallWord(hex, 32) !== 96) throw undecodable();
  const slotWord = hex.slice(128, 192);
  const addressWord = hex.slice(192, 256);
  if (slotWord.length !== 64 || !/^0{48}/.test(slotWord) || !/^0{24}/.test(addressWord)) throw undecodable();
  const count = smallWord(hex, 128);
  if (count < 0 || count > 64 || 160 + 32 * count > size) throw undecodable();
  const transactions: Hex[] = [];
  for (let i = 0; i < count; i++) {
    const offset = smallWord(hex, 160 + 32 * i);
    const start = 160 + offset;
    const length = offset < 0 ? -1 : smallWord(hex, start);
    if (length < 0 || start + 32 + length > size) throw undecodable();
    transactions.push(`0x${hex.slice((start + 32) * 2, (start + 32 + length) * 2)}`);
  }
  const request: PreconfRequest = {
    transactions,
    slot: BigInt(`0x${slotWord}`),
    // Lowercase: a checksum would cost a keccak on every request.
    beneficiary: `0x${addressWord.slice(24).toLowerCase()}`,
  };
  if (encodePreconfRequest(request).toLowerCase() !== payload.toLowerCase()) {
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Payload encoding is not canonical");
  }
  return request;
}

/** The commitment kind a `commitment_type` names. @throws PreconfRequestError `REQUEST_UNKNOWN_KIND`. */
export function commitmentKindOf(commitmentType: number): CommitmentKind {
  if (!Object.values(CommitmentKind).includes(commitmentType as CommitmentKind)) {
    throw new PreconfRequestError(PreconfRequestErrorCode.unknownKind, "Unknown commitment type", {
      commitmentType,
    });
  }
  return commitmentType as CommitmentKind;
}

/** `keccak256(abi.encode(uint64 commitmentType, keccak256(payload), address slasher))`. */
export function preconfRequestHash(commitmentType: number, payload: Hex, slasher: Address): Hex {
  if (!Number.isSafeInteger(commitmentType) || commitmentType < 0)
    throw new RangeError("commitment type is not a uint64");
  return fastKeccak256(
    `${word(commitmentType)}${fastKeccak256(payload).slice(2)}${slasher.slice(2).toLowerCase().padStart(64, "0")}`,
  );
}

/** One member of a bundle: a transaction and the chain it targets. */
export type BundleMember = { readonly chainId: bigint; readonly txHash: Hex };

/**
 * Most members a bundle may have: a gateway promises no larger bundle, and rollup derivation drops
 * the members of a larger one (docs/rollup.md, "Bundles").
 */
export const MAX_BUNDLE_MEMBERS = 8;

/**
 * The bundle hash every member carries in its batch (so derivation can drop a partial bundle) and
 * that a bundle commitment promises: `keccak256(abi.encode((uint64 chainId, bytes32 txHash)[]))`
 * over the members in request order.
 */
export function bundleHash(members: readonly BundleMember[]): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple[]",
          components: [
            { name: "chainId", type: "uint64" },
            { name: "txHash", type: "bytes32" },
          ],
        },
      ],
      [members.map((member) => ({ chainId: member.chainId, txHash: member.txHash }))],
    ),
  );
}

/** ABI-encodes a commitment: `Commitment.payload` of the Commitments API response. */
export function encodeCommitmentPayload(commitment: Commitment): Hex {
  // Every field is static, so the tuple is its words in field order. Written by hand (it is on the
  // gateway's hot path); `request.test.ts` checks it against viem.
  const fields = commitment as unknown as Record<string, bigint | number | string>;
  let out = "0x";
  for (const { name, type } of commitmentTypes.Commitment) {
    const value = fields[name] as bigint | number | string;
    if (type === "bytes32") {
      if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value))
        throw new RangeError(`Commitment.${name} is not bytes32`);
      out += value.slice(2).toLowerCase();
    } else if (type === "address") {
      if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value))
        throw new RangeError(`Commitment.${name} is not an address`);
      out += value.slice(2).toLowerCase().padStart(64, "0");
    } else {
      const bits = Number(type.slice(4));
      const n = BigInt(value);
      if (n < 0n || n >> BigInt(bits) !== 0n) throw new RangeError(`Commitment.${name} is not a ${type}`);
      out += word(n);
    }
  }
  return out as Hex;
}

/** Decodes `Commitment.payload`. @throws PreconfRequestError `REQUEST_PAYLOAD_UNDECODABLE`. */
export function decodeCommitmentPayload(payload: Hex): Commitment {
  try {
    const [decoded] = decodeAbiParameters(commitmentParameters, payload);
    return { ...decoded, kind: commitmentKindOf(decoded.kind), beneficiary: getAddress(decoded.beneficiary) };
  } catch (error) {
    if (error instanceof PreconfRequestError) throw error;
    throw new PreconfRequestError(PreconfRequestErrorCode.undecodable, "Not an ABI-encoded Commitment");
  }
}

export const NO_BENEFICIARY: Address = zeroAddress;
