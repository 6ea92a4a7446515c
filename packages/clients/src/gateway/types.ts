/**
 * JSON shapes of the gateway API. The Commitments API draft's types (snake_case, as the draft
 * spells them) carry Baton's payloads: a `CommitmentRequest.payload` is an ABI-encoded
 * `PreconfRequest`, a `Commitment.payload` the ABI-encoded EIP-712 `Commitment` that the signature
 * covers. `baton` holds the same commitment decoded, and what Baton adds (stream cursor, state
 * result, bundle members). Parsers take untrusted JSON and refuse unknown fields.
 */
import { type BatchJson, type CommitmentJson, checksumAddress, isHexAddress } from "@baton/protocol";
import type { Address, Hex } from "viem";
import { GatewayApiError } from "./errors.ts";

export interface CommitmentRequestJson {
  readonly commitment_type: number;
  readonly payload: Hex;
  readonly slasher: Address;
}

export interface StateResultJson {
  readonly status: "success" | "reverted";
  readonly gasUsed: string;
  readonly postStateRoot: Hex;
}

export interface SignedCommitmentJson {
  readonly commitment: {
    readonly commitment_type: number;
    readonly payload: Hex;
    readonly request_hash: Hex;
    readonly slasher: Address;
  };
  /** 65 bytes r || s || v over the EIP-712 digest of the decoded commitment. */
  readonly signature: Hex;
  readonly baton: {
    readonly commitment: CommitmentJson;
    /** EIP-712 struct hash: the next ordering commitment's `parent`. */
    readonly hash: Hex;
    /** Position on the public stream (decimal). */
    readonly sequence: string;
    /** State promises: the promised result. */
    readonly result?: StateResultJson;
    /** Bundles: one ordering commitment per member, each signed. */
    readonly members?: readonly SignedCommitmentJson[];
  };
}

export interface OfferingJson {
  readonly chain_id: number;
  readonly commitment_types: readonly number[];
}

export interface SlotInfoJson {
  readonly slot: number;
  readonly offerings: readonly OfferingJson[];
}

export interface SlotInfoResponseJson {
  readonly slots: readonly SlotInfoJson[];
}

/** Baton's fee quote, the JSON inside `FeeInfo.payload` (hex of its UTF-8 bytes). */
export interface FeeQuoteJson {
  /** The minimum tip in wei for this request now (decimal). */
  readonly minTip: string;
  /** The tip the request's transactions offer (decimal wei). */
  readonly offeredTip: string;
  readonly targetSlot: string;
  readonly gas: string;
  readonly breakdown: Readonly<Record<string, string>>;
}

export interface FeeInfoJson {
  readonly commitment_type: number;
  readonly payload: Hex;
}

export interface SignedBatchJson {
  readonly batch: BatchJson;
  readonly hash: Hex;
  readonly signature: Hex;
  /** The batch data (calldata), RLP of `[tx, bundle]` pairs. */
  readonly data: Hex;
  readonly sequence: string;
  /** The L1 transaction carrying it, once sent. */
  readonly l1Transaction: Hex | null;
}

export interface BatchesResponseJson {
  readonly batches: readonly SignedBatchJson[];
}

export interface HealthJson {
  readonly status: "ok" | "degraded" | "stopping";
  readonly committer: Address;
  readonly headSlot: number;
  readonly servingWindow: { readonly targetSlot: number; readonly firstSlot: number } | null;
  readonly sequence: string;
}

/** A message on the WebSocket stream. */
export type StreamMessageJson =
  | { readonly type: "commitment"; readonly sequence: string; readonly data: SignedCommitmentJson }
  | { readonly type: "batch"; readonly sequence: string; readonly data: SignedBatchJson };

function invalid(message: string, field?: string): GatewayApiError {
  return new GatewayApiError("INVALID_REQUEST", message, field === undefined ? {} : { field });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Refuses anything but an object with exactly the allowed keys (missing `required` ones too). */
function checkKeys(value: unknown, allowed: readonly string[], required: readonly string[]) {
  if (!isPlainObject(value)) throw invalid("Body must be a JSON object");
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(`Unknown field ${key.slice(0, 64)}`, key.slice(0, 64));
  }
  for (const key of required) if (!(key in value)) throw invalid(`Missing field ${key}`, key);
  return value;
}

const HEX = /^0x(?:[0-9a-fA-F]{2})*$/;
const BYTES32 = /^0x[0-9a-fA-F]{64}$/;

/** Parses a `CommitmentRequest` body (Commitments API draft). */
export function parseCommitmentRequest(value: unknown): CommitmentRequestJson {
  const body = checkKeys(
    value,
    ["commitment_type", "payload", "slasher"],
    ["commitment_type", "payload", "slasher"],
  );
  const { commitment_type: type, payload, slasher } = body;
  if (typeof type !== "number" || !Number.isSafeInteger(type) || type < 0) {
    throw invalid("commitment_type must be a non-negative integer", "commitment_type");
  }
  if (typeof payload !== "string" || !HEX.test(payload)) {
    throw invalid("payload must be 0x-prefixed hex bytes", "payload");
  }
  if (!isHexAddress(slasher)) {
    throw invalid("slasher must be an address", "slasher");
  }
  return { commitment_type: type, payload: payload as Hex, slasher: checksumAddress(slasher) };
}

/** Parses the `request_hash` path parameter. */
export function parseRequestHash(value: string): Hex {
  if (!BYTES32.test(value))
    throw invalid("request_hash must be 0x followed by 64 hex digits", "request_hash");
  return value.toLowerCase() as Hex;
}

/** Light structural check of responses the client receives (the server built them). */
function expectObject<T>(value: unknown, keys: readonly string[]): T {
  if (!isPlainObject(value)) throw new TypeError("Gateway response is not a JSON object");
  for (const key of keys) if (!(key in value)) throw new TypeError(`Gateway response lacks ${key}`);
  return value as T;
}

export const parseSignedCommitment = (value: unknown) =>
  expectObject<SignedCommitmentJson>(value, ["commitment", "signature", "baton"]);
export const parseSlotInfoResponse = (value: unknown) => expectObject<SlotInfoResponseJson>(value, ["slots"]);
export const parseFeeInfo = (value: unknown) =>
  expectObject<FeeInfoJson>(value, ["commitment_type", "payload"]);
export const parseBatchesResponse = (value: unknown) => expectObject<BatchesResponseJson>(value, ["batches"]);
export const parseHealth = (value: unknown) => expectObject<HealthJson>(value, ["status", "committer"]);
