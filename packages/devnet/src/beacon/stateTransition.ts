/**
 * The parts of the Fulu state transition the simulated beacon chain runs: slot processing (state and
 * block root caching), a reduced epoch processing (randao mix rotation, EIP-7917 lookahead, and
 * justification/finality as if every validator attested) and block processing (header, randao,
 * execution payload header). Attestations, sync committees, deposits, withdrawals and rewards are
 * not simulated: Baton's protocol reads proposers, roots and the lookahead, which these steps keep
 * exactly as the consensus specs compute them.
 */

import {
  advanceProposerLookahead,
  EPOCHS_PER_HISTORICAL_VECTOR,
  epochOfSlot,
  FAR_FUTURE_EPOCH,
  type ProposerSelectionState,
  SLOTS_PER_EPOCH,
  SLOTS_PER_HISTORICAL_ROOT,
  sha256,
} from "@baton/protocol";
import type { CompositeViewDU } from "@chainsafe/ssz";
import { ssz } from "@lodestar/types";

export type BeaconStateView = CompositeViewDU<typeof ssz.fulu.BeaconState>;
export type BeaconBlock = ReturnType<typeof ssz.fulu.BeaconBlock.defaultValue>;
export type ExecutionPayload = ReturnType<typeof ssz.fulu.ExecutionPayload.defaultValue>;

export class StateTransitionError extends Error {
  override readonly name = "StateTransitionError";
}

/** Lodestar holds FAR_FUTURE_EPOCH (2**64 - 1) as Infinity. */
function epochToBigint(epoch: number): bigint {
  return Number.isFinite(epoch) ? BigInt(epoch) : FAR_FUTURE_EPOCH;
}

/** Proposer selection's view of a state. */
export function selectionState(state: BeaconStateView): ProposerSelectionState {
  const validators = state.validators.getAllReadonlyValues().map((v) => ({
    effectiveBalance: BigInt(v.effectiveBalance),
    activationEpoch: epochToBigint(v.activationEpoch),
    exitEpoch: epochToBigint(v.exitEpoch),
  }));
  return { validators, randaoMix: (index) => state.randaoMixes.get(index) };
}

export function currentEpoch(state: BeaconStateView): number {
  return epochOfSlot(state.slot);
}

export function randaoMix(state: BeaconStateView, epoch: number): Uint8Array {
  return state.randaoMixes.get(epoch % EPOCHS_PER_HISTORICAL_VECTOR);
}

/** `get_beacon_proposer_index` (Fulu): read from the lookahead. */
export function beaconProposerIndex(state: BeaconStateView): number {
  return state.proposerLookahead.get(state.slot % SLOTS_PER_EPOCH);
}

/** `get_block_root_at_slot`. */
export function blockRootAtSlot(state: BeaconStateView, slot: number): Uint8Array {
  if (!(slot < state.slot && state.slot <= slot + SLOTS_PER_HISTORICAL_ROOT)) {
    throw new StateTransitionError(`block root of slot ${slot} is not in the state at slot ${state.slot}`);
  }
  return state.blockRoots.get(slot % SLOTS_PER_HISTORICAL_ROOT);
}

function processSlot(state: BeaconStateView): void {
  const previousStateRoot = state.hashTreeRoot();
  state.stateRoots.set(state.slot % SLOTS_PER_HISTORICAL_ROOT, previousStateRoot);
  if (state.latestBlockHeader.stateRoot.every((b) => b === 0)) {
    state.latestBlockHeader.stateRoot = previousStateRoot;
  }
  const previousBlockRoot = state.latestBlockHeader.hashTreeRoot();
  state.blockRoots.set(state.slot % SLOTS_PER_HISTORICAL_ROOT, previousBlockRoot);
}

function processJustificationAndFinalization(state: BeaconStateView): void {
  // Full participation: the current epoch is justified and the previous one finalized.
  const epoch = currentEpoch(state);
  if (epoch < 1) return;
  state.previousJustifiedCheckpoint = state.currentJustifiedCheckpoint.clone();
  state.finalizedCheckpoint = ssz.phase0.Checkpoint.toViewDU({
    epoch: state.currentJustifiedCheckpoint.epoch,
    root: state.currentJustifiedCheckpoint.root,
  });
  state.currentJustifiedCheckpoint = ssz.phase0.Checkpoint.toViewDU({
    epoch,
    root: blockRootAtSlot(state, epoch * SLOTS_PER_EPOCH),
  });
  const bits = ssz.phase0.JustificationBits.defaultValue();
  bits.set(0, true);
  bits.set(1, true);
  state.justificationBits = ssz.phase0.JustificationBits.toViewDU(bits);
}

function processEpoch(state: BeaconStateView): void {
  processJustificationAndFinalization(state);
  const epoch = currentEpoch(state);
  // process_randao_mixes_reset
  state.randaoMixes.set((epoch + 1) % EPOCHS_PER_HISTORICAL_VECTOR, randaoMix(state, epoch));
  // process_proposer_lookahead (EIP-7917)
  const next = advanceProposerLookahead(selectionState(state), state.proposerLookahead.getAll(), epoch);
  next.forEach((validatorIndex, i) => {
    state.proposerLookahead.set(i, validatorIndex);
  });
}

/** `process_slots`: advance the state to `slot`, running epoch processing at each boundary. */
export function processSlots(state: BeaconStateView, slot: number): void {
  if (slot < state.slot) throw new StateTransitionError(`cannot go back from slot ${state.slot} to ${slot}`);
  while (state.slot < slot) {
    processSlot(state);
    if ((state.slot + 1) % SLOTS_PER_EPOCH === 0) processEpoch(state);
    state.slot += 1;
  }
  state.commit();
}

/** `process_block` for the fields the devnet fills: header, randao, execution payload header. */
export function processBlock(state: BeaconStateView, block: BeaconBlock): void {
  if (block.slot !== state.slot)
    throw new StateTransitionError(`block slot ${block.slot} != state slot ${state.slot}`);
  if (block.slot <= state.latestBlockHeader.slot && state.slot !== 0) {
    throw new StateTransitionError("block is not newer than the latest block header");
  }
  if (block.proposerIndex !== beaconProposerIndex(state)) {
    throw new StateTransitionError(
      `proposer ${block.proposerIndex} is not the lookahead's ${beaconProposerIndex(state)}`,
    );
  }
  const parentRoot = state.latestBlockHeader.hashTreeRoot();
  if (!Buffer.from(block.parentRoot).equals(Buffer.from(parentRoot))) {
    throw new StateTransitionError("block parent_root is not the latest block header's root");
  }
  state.latestBlockHeader = ssz.phase0.BeaconBlockHeader.toViewDU({
    slot: block.slot,
    proposerIndex: block.proposerIndex,
    parentRoot: block.parentRoot,
    stateRoot: new Uint8Array(32),
    bodyRoot: ssz.fulu.BeaconBlockBody.hashTreeRoot(block.body),
  });
  const payload = block.body.executionPayload;
  state.latestExecutionPayloadHeader = ssz.fulu.ExecutionPayloadHeader.toViewDU({
    ...payload,
    transactionsRoot: ssz.bellatrix.Transactions.hashTreeRoot(payload.transactions),
    withdrawalsRoot: ssz.capella.Withdrawals.hashTreeRoot(payload.withdrawals),
  });
  // process_randao (the reveal's signature is checked by the producer that made it)
  const epoch = currentEpoch(state);
  const mix = randaoMix(state, epoch);
  const revealHash = sha256(block.body.randaoReveal);
  state.randaoMixes.set(
    epoch % EPOCHS_PER_HISTORICAL_VECTOR,
    mix.map((byte, i) => byte ^ revealHash[i]!),
  );
  state.commit();
}
