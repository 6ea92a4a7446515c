/**
 * How the Beacon API reads the simulated chain: parsing of path and query identifiers (state_id,
 * block_id, validator_id, epochs, roots) and their resolution to kept states and blocks.
 */

import { epochOfSlot, SLOTS_PER_EPOCH } from "@baton/protocol";
import type { BeaconChain, StoredBlock } from "../chain.ts";
import type { BeaconStateView } from "../stateTransition.ts";
import { ApiError } from "./errors.ts";

const UINT_PATTERN = /^\d+$/;
const ROOT_PATTERN = /^0x[0-9a-fA-F]{64}$/;
const PUBKEY_PATTERN = /^0x[0-9a-fA-F]{96}$/;

export const toHex = (bytes: Uint8Array): string => `0x${Buffer.from(bytes).toString("hex")}`;

export const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));

/** A quoted uint64 as the spec writes them (decimal, no sign); larger than 2**53 - 1 is refused. */
export function parseUint(value: string, what: string): number {
  const n = UINT_PATTERN.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw ApiError.badRequest(`Invalid ${what}: ${value}`);
  return n;
}

export function parseRoot(value: string, what: string): Uint8Array {
  if (!ROOT_PATTERN.test(value)) throw ApiError.badRequest(`Invalid ${what}: ${value}`);
  return fromHex(value);
}

/** The `versioned_hashes` query of `/eth/v1/beacon/blobs`: 0x + 32 bytes each, lowercased, unique. */
export function parseVersionedHashes(values: readonly string[]): Set<string> {
  for (const value of values) {
    if (!ROOT_PATTERN.test(value)) throw ApiError.badRequest(`Invalid versioned hash: ${value}`);
  }
  return new Set(values.map((value) => value.toLowerCase()));
}

/** Values of a query array parameter, written either repeated (`id=1&id=2`) or comma-separated. */
export function queryList(query: URLSearchParams, name: string): string[] {
  return query
    .getAll(name)
    .flatMap((value) => value.split(","))
    .map((value) => value.trim())
    .filter((value) => value !== "");
}

export interface ResolvedState {
  readonly state: BeaconStateView;
  readonly finalized: boolean;
}

export interface ResolvedBlock {
  readonly block: StoredBlock;
  readonly finalized: boolean;
}

/** Whether `slot` is at or before the start of the chain's finalized epoch. */
export function isFinalizedSlot(chain: BeaconChain, slot: number): boolean {
  return slot <= chain.finalizedCheckpoint.epoch * SLOTS_PER_EPOCH;
}

/** The checkpoint state of `epoch`: the state at the epoch's first slot, while kept. */
function checkpointState(chain: BeaconChain, epoch: number): BeaconStateView | undefined {
  return epoch === 0 ? chain.genesisBlock.state : chain.stateAtSlot(epoch * SLOTS_PER_EPOCH);
}

/** `state_id`: head, genesis, finalized, justified, a slot, or a 0x state root. */
export function resolveState(chain: BeaconChain, stateId: string): ResolvedState {
  let state: BeaconStateView | undefined;
  switch (stateId) {
    case "head":
      state = chain.head.state;
      break;
    case "genesis":
      state = chain.genesisBlock.state;
      break;
    case "finalized":
      state = checkpointState(chain, chain.finalizedCheckpoint.epoch);
      break;
    case "justified":
      state = checkpointState(chain, chain.head.state.currentJustifiedCheckpoint.epoch);
      break;
    default:
      if (stateId.startsWith("0x")) state = chain.stateByRoot(parseRoot(stateId, "state ID"));
      else state = chain.stateAtSlot(parseUint(stateId, "state ID"));
  }
  if (!state) throw ApiError.notFound("State not found");
  return { state, finalized: isFinalizedSlot(chain, state.slot) };
}

/** `block_id`: head, genesis, finalized, justified, a slot, or a 0x block root. */
export function resolveBlock(chain: BeaconChain, blockId: string): ResolvedBlock {
  let block: StoredBlock | undefined;
  switch (blockId) {
    case "head":
      block = chain.head;
      break;
    case "genesis":
      block = chain.genesisBlock;
      break;
    case "finalized":
      block = checkpointBlock(chain, chain.finalizedCheckpoint);
      break;
    case "justified":
      block = checkpointBlock(chain, chain.head.state.currentJustifiedCheckpoint.toValue());
      break;
    default:
      if (blockId.startsWith("0x")) block = chain.blockByRoot(parseRoot(blockId, "block ID"));
      else block = chain.blockAtSlot(parseUint(blockId, "block ID"));
  }
  if (!block) throw ApiError.notFound("Block not found");
  return { block, finalized: isFinalizedSlot(chain, block.header.slot) };
}

function checkpointBlock(chain: BeaconChain, checkpoint: { epoch: number; root: Uint8Array }) {
  return checkpoint.epoch === 0 ? chain.genesisBlock : chain.blockByRoot(checkpoint.root);
}

/** The canonical block root at `slot`: the latest block at or before it (genesis on underflow). */
export function blockRootAtOrBefore(chain: BeaconChain, slot: number): Uint8Array {
  for (let s = Math.min(slot, chain.headSlot); s > 0; s--) {
    const block = chain.blockAtSlot(s);
    if (block) return block.root;
  }
  return chain.genesisBlock.root;
}

/**
 * The dependent root of `/eth/v1/validator/duties/proposer/{epoch}` and of the (v1) head event's
 * duty roots: `get_block_root_at_slot(state, compute_start_slot_at_epoch(epoch) - 1)`.
 */
export function dutyDependentRootV1(chain: BeaconChain, epoch: number): Uint8Array {
  return blockRootAtOrBefore(chain, epoch * SLOTS_PER_EPOCH - 1);
}

/** The validators of `state` named by `ids` (indices or 0x pubkeys), in request order, unknown ones left out. */
export function findValidators(state: BeaconStateView, ids: readonly string[]): number[] {
  const count = state.validators.length;
  let byPubkey: Map<string, number> | undefined;
  const indices: number[] = [];
  for (const id of ids) {
    let index: number | undefined;
    if (id.startsWith("0x")) {
      if (!PUBKEY_PATTERN.test(id)) throw ApiError.badRequest(`Invalid validator ID: ${id}`);
      byPubkey ??= new Map(
        state.validators.getAllReadonlyValues().map((v, i) => [toHex(v.pubkey), i] as const),
      );
      index = byPubkey.get(id.toLowerCase());
    } else {
      index = parseUint(id, "validator ID");
    }
    if (index !== undefined && index < count && !indices.includes(index)) indices.push(index);
  }
  return indices;
}

export const VALIDATOR_STATUSES = [
  "pending_initialized",
  "pending_queued",
  "active_ongoing",
  "active_exiting",
  "active_slashed",
  "exited_unslashed",
  "exited_slashed",
  "withdrawal_possible",
  "withdrawal_done",
] as const;
export type ValidatorStatus = (typeof VALIDATOR_STATUSES)[number];

/** The general statuses a `status` filter may also name, each covering `<general>_*`. */
const GENERAL_STATUSES = ["pending", "active", "exited", "withdrawal"] as const;

export function parseStatusFilter(values: readonly string[]): (status: ValidatorStatus) => boolean {
  for (const value of values) {
    const known =
      (VALIDATOR_STATUSES as readonly string[]).includes(value) ||
      (GENERAL_STATUSES as readonly string[]).includes(value);
    if (!known) throw ApiError.badRequest(`Invalid validator status: ${value}`);
  }
  if (values.length === 0) return () => true;
  return (status) => values.some((value) => status === value || status.startsWith(`${value}_`));
}

interface ValidatorFields {
  readonly activationEligibilityEpoch: number;
  readonly activationEpoch: number;
  readonly exitEpoch: number;
  readonly withdrawableEpoch: number;
  readonly slashed: boolean;
}

/** The validator status of the API's status specification, at `epoch` (FAR_FUTURE_EPOCH is Infinity). */
export function validatorStatus(validator: ValidatorFields, balance: number, epoch: number): ValidatorStatus {
  if (validator.activationEpoch > epoch) {
    return Number.isFinite(validator.activationEligibilityEpoch) ? "pending_queued" : "pending_initialized";
  }
  if (epoch < validator.exitEpoch) {
    if (validator.slashed) return "active_slashed";
    return Number.isFinite(validator.exitEpoch) ? "active_exiting" : "active_ongoing";
  }
  if (epoch < validator.withdrawableEpoch) {
    return validator.slashed ? "exited_slashed" : "exited_unslashed";
  }
  return balance !== 0 ? "withdrawal_possible" : "withdrawal_done";
}

export function stateEpoch(state: BeaconStateView): number {
  return epochOfSlot(state.slot);
}
