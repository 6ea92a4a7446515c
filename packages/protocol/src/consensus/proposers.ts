import {
  DOMAIN_BEACON_PROPOSER,
  EPOCHS_PER_HISTORICAL_VECTOR,
  MAX_EFFECTIVE_BALANCE_ELECTRA,
  MIN_SEED_LOOKAHEAD,
  SLOTS_PER_EPOCH,
} from "../constants.ts";
import { bytesToUintLE, sha256, uintToBytesLE } from "./bytes.ts";
import { computeShuffledIndex } from "./shuffling.ts";

const MAX_RANDOM_VALUE = 2n ** 16n - 1n;

/** The validator fields proposer selection reads. */
export interface ValidatorRecord {
  readonly effectiveBalance: bigint; // Gwei
  readonly activationEpoch: bigint;
  readonly exitEpoch: bigint;
}

/** The state fields proposer selection reads. */
export interface ProposerSelectionState {
  readonly validators: readonly ValidatorRecord[];
  /** `randao_mixes`, EPOCHS_PER_HISTORICAL_VECTOR entries of 32 bytes. */
  readonly randaoMix: (index: number) => Uint8Array;
}

export function isActiveValidator(validator: ValidatorRecord, epoch: number): boolean {
  const e = BigInt(epoch);
  return validator.activationEpoch <= e && e < validator.exitEpoch;
}

export function activeValidatorIndices(state: ProposerSelectionState, epoch: number): number[] {
  const indices: number[] = [];
  state.validators.forEach((validator, index) => {
    if (isActiveValidator(validator, epoch)) indices.push(index);
  });
  return indices;
}

/** `get_seed(state, epoch, DOMAIN_BEACON_PROPOSER)`. */
export function proposerSeed(state: ProposerSelectionState, epoch: number): Uint8Array {
  const mixEpoch =
    (epoch + EPOCHS_PER_HISTORICAL_VECTOR - MIN_SEED_LOOKAHEAD - 1) % EPOCHS_PER_HISTORICAL_VECTOR;
  return sha256(DOMAIN_BEACON_PROPOSER, uintToBytesLE(epoch, 8), state.randaoMix(mixEpoch));
}

/**
 * `compute_proposer_index` (Electra and later): sample by shuffled position, accept with probability
 * effective_balance / MAX_EFFECTIVE_BALANCE_ELECTRA using 16-bit random values.
 */
export function computeProposerIndex(
  validators: readonly ValidatorRecord[],
  indices: readonly number[],
  seed: Uint8Array,
): number {
  const total = indices.length;
  if (total === 0) throw new RangeError("no active validators");
  let randomBytes: Uint8Array = new Uint8Array(0);
  for (let i = 0; ; i++) {
    const candidate = indices[computeShuffledIndex(i % total, total, seed)]!;
    if (i % 16 === 0) randomBytes = sha256(seed, uintToBytesLE(Math.floor(i / 16), 8));
    const offset = (i % 16) * 2;
    const randomValue = bytesToUintLE(randomBytes.subarray(offset, offset + 2));
    const effectiveBalance = validators[candidate]!.effectiveBalance;
    if (effectiveBalance * MAX_RANDOM_VALUE >= MAX_EFFECTIVE_BALANCE_ELECTRA * randomValue) return candidate;
  }
}

/** `get_beacon_proposer_indices(state, epoch)` (Fulu): the proposers of the epoch's 32 slots. */
export function computeEpochProposers(state: ProposerSelectionState, epoch: number): number[] {
  const indices = activeValidatorIndices(state, epoch);
  const seed = proposerSeed(state, epoch);
  const startSlot = epoch * SLOTS_PER_EPOCH;
  const proposers: number[] = [];
  for (let i = 0; i < SLOTS_PER_EPOCH; i++) {
    const slotSeed = sha256(seed, uintToBytesLE(startSlot + i, 8));
    proposers.push(computeProposerIndex(state.validators, indices, slotSeed));
  }
  return proposers;
}

/** `initialize_proposer_lookahead` (Fulu): proposers of `epoch` and the MIN_SEED_LOOKAHEAD epochs after it. */
export function initialProposerLookahead(state: ProposerSelectionState, epoch: number): number[] {
  const lookahead: number[] = [];
  for (let e = epoch; e <= epoch + MIN_SEED_LOOKAHEAD; e++)
    lookahead.push(...computeEpochProposers(state, e));
  return lookahead;
}

/**
 * `process_proposer_lookahead` (Fulu), run at the end of epoch `currentEpoch`: shift out the ending
 * epoch and append the proposers of `currentEpoch + MIN_SEED_LOOKAHEAD + 1`.
 */
export function advanceProposerLookahead(
  state: ProposerSelectionState,
  lookahead: readonly number[],
  currentEpoch: number,
): number[] {
  return [
    ...lookahead.slice(SLOTS_PER_EPOCH),
    ...computeEpochProposers(state, currentEpoch + MIN_SEED_LOOKAHEAD + 1),
  ];
}
