/**
 * JSON codecs of the wire types: `parse*` validates untrusted JSON (a request body, a published
 * stream, a vectors file) into a typed value; `*ToJson` writes the canonical form. Fields follow the
 * EIP-712 types, so the codec cannot drift from what is signed.
 *
 * JSON form: uint64/uint256 as decimal strings (beacon-API style: JSON numbers lose precision past
 * 2^53), uint8/uint32 as numbers, bytes32 as lowercase hex, addresses checksummed. On input an
 * integer may also be a safe-integer JSON number or a 0x-hex string, and addresses are
 * case-insensitive; unknown fields are refused.
 */
import type { Address, Hex } from "viem";
import { checksumAddress } from "../address.ts";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";
import { type Batch, batchTypes, type Commitment, CommitmentKind, commitmentTypes } from "./types.ts";

type Field = { readonly name: string; readonly type: string };

/** `Commitment` as JSON. */
export interface CommitmentJson {
  readonly targetSlot: string;
  readonly chainId: string;
  readonly kind: number;
  readonly txHash: Hex;
  readonly position: string;
  readonly parent: Hex;
  readonly postStateRoot: Hex;
  readonly tip: string;
  readonly livenessPenalty: string;
  readonly insurance: string;
  readonly beneficiary: Address;
  readonly requestHash: Hex;
}

/** `Batch` as JSON. */
export interface BatchJson {
  readonly chainId: string;
  readonly number: string;
  readonly parentHash: Hex;
  readonly targetSlot: string;
  readonly firstPosition: string;
  readonly txCount: number;
  readonly txRoot: Hex;
  readonly dataHash: Hex;
  readonly forcedUpTo: string;
}

const KINDS = new Set<number>(Object.values(CommitmentKind));

/** Shows an untrusted value in an error without echoing a whole body. */
function preview(value: unknown): string {
  let text: string;
  try {
    text = typeof value === "bigint" ? value.toString() : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function parseUint(value: unknown, bits: number, field: string): bigint {
  let parsed: bigint | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) parsed = BigInt(value);
  else if (typeof value === "string" && value.length <= 80) {
    if (/^(0|[1-9][0-9]*)$/.test(value) || /^0x[0-9a-fA-F]+$/.test(value)) parsed = BigInt(value);
  }
  if (parsed === undefined) {
    throw new CommitmentError(CommitmentErrorCode.invalidInteger, "Field is not a non-negative integer", {
      details: { field, value: preview(value) },
      hint: "Write integers as decimal strings (JSON numbers only up to 2^53 - 1).",
    });
  }
  if (parsed >= 1n << BigInt(bits)) {
    throw new CommitmentError(CommitmentErrorCode.integerOutOfRange, `Field does not fit in uint${bits}`, {
      details: { field, value: preview(value), max: ((1n << BigInt(bits)) - 1n).toString() },
    });
  }
  return parsed;
}

function parseBytes32(value: unknown, field: string): Hex {
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(value)) {
    throw new CommitmentError(CommitmentErrorCode.invalidBytes32, "Field is not 32 bytes of hex", {
      details: { field, value: preview(value) },
      hint: "Write bytes32 as 0x followed by 64 hex digits.",
    });
  }
  return value.toLowerCase() as Hex;
}

function parseAddress(value: unknown, field: string): Address {
  // Checksum-insensitive: any case is accepted, the output is checksummed.
  if (typeof value !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(value)) {
    throw new CommitmentError(CommitmentErrorCode.invalidAddress, "Field is not an address", {
      details: { field, value: preview(value) },
      hint: "Write an address as 0x followed by 40 hex digits.",
    });
  }
  return checksumAddress(value);
}

/** Reads the fields of `fields` from an untrusted object, by EIP-712 type. */
function parseStruct(value: unknown, typeName: string, fields: readonly Field[]): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new CommitmentError(CommitmentErrorCode.notAnObject, `${typeName} is not a JSON object`, {
      details: { value: preview(value) },
    });
  }
  const input = value as Record<string, unknown>;
  const names = new Set(fields.map((f) => f.name));
  for (const key of Object.keys(input)) {
    if (!names.has(key)) {
      throw new CommitmentError(CommitmentErrorCode.unknownField, `${typeName} has an unknown field`, {
        details: { field: preview(key) },
        hint: `${typeName} fields: ${[...names].join(", ")}.`,
      });
    }
  }
  const out: Record<string, unknown> = {};
  for (const { name, type } of fields) {
    const field = `${typeName}.${name}`;
    if (!Object.hasOwn(input, name) || input[name] === undefined) {
      throw new CommitmentError(CommitmentErrorCode.missingField, `${typeName} is missing a field`, {
        details: { field },
      });
    }
    const raw = input[name];
    const uint = /^uint(\d+)$/.exec(type);
    if (uint) {
      const bits = Number(uint[1]);
      const parsed = parseUint(raw, bits, field);
      out[name] = bits <= 32 ? Number(parsed) : parsed;
    } else if (type === "bytes32") out[name] = parseBytes32(raw, field);
    else if (type === "address") out[name] = parseAddress(raw, field);
    else throw new Error(`codec: unsupported EIP-712 type ${type}`); // the types are ours: a bug
  }
  return out;
}

function toJson(value: object, fields: readonly Field[]): Record<string, unknown> {
  const input = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const { name, type } of fields) {
    const raw = input[name];
    if (/^uint(\d+)$/.test(type)) out[name] = typeof raw === "bigint" ? raw.toString() : raw;
    else if (type === "address") out[name] = checksumAddress(raw as string);
    else out[name] = (raw as string).toLowerCase();
  }
  return out;
}

/**
 * Validates untrusted JSON into a {@link Commitment}.
 * @throws CommitmentError with a `COMMITMENT_*` code naming the first bad field.
 */
export function parseCommitment(value: unknown): Commitment {
  const parsed = parseStruct(value, "Commitment", commitmentTypes.Commitment);
  if (!KINDS.has(parsed.kind as number)) {
    throw new CommitmentError(CommitmentErrorCode.unknownKind, "Commitment kind is unknown", {
      details: { field: "Commitment.kind", value: String(parsed.kind) },
      hint: "Kinds: 0 inclusion, 1 ordering, 2 state, 3 bundle.",
    });
  }
  // Every field was checked against its EIP-712 type above.
  return parsed as unknown as Commitment;
}

/**
 * Validates untrusted JSON into a {@link Batch}.
 * @throws CommitmentError with a `COMMITMENT_*` code naming the first bad field.
 */
export function parseBatch(value: unknown): Batch {
  return parseStruct(value, "Batch", batchTypes.Batch) as unknown as Batch;
}

/** The canonical JSON of a commitment (round-trips through {@link parseCommitment}). */
export function commitmentToJson(commitment: Commitment): CommitmentJson {
  return toJson(commitment, commitmentTypes.Commitment) as unknown as CommitmentJson;
}

/** The canonical JSON of a batch (round-trips through {@link parseBatch}). */
export function batchToJson(batch: Batch): BatchJson {
  return toJson(batch, batchTypes.Batch) as unknown as BatchJson;
}
