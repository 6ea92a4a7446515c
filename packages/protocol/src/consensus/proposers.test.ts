import assert from "node:assert/strict";
import { test } from "node:test";
import { ForkSeq } from "@lodestar/params";
import { computeProposers } from "@lodestar/state-transition";
import { EFFECTIVE_BALANCE_INCREMENT, EPOCHS_PER_HISTORICAL_VECTOR, FAR_FUTURE_EPOCH } from "../constants.ts";
import { sha256 } from "./bytes.ts";
import {
  advanceProposerLookahead,
  computeEpochProposers,
  initialProposerLookahead,
  type ProposerSelectionState,
  proposerSeed,
  type ValidatorRecord,
} from "./proposers.ts";

/** A deterministic state: mixed effective balances (32..2048 ETH), some validators not yet active or exited. */
function makeState(count: number, mixSeed: number): ProposerSelectionState {
  const validators: ValidatorRecord[] = [];
  for (let i = 0; i < count; i++) {
    const increments = i % 7 === 0 ? 2048n : i % 3 === 0 ? 33n + BigInt(i) : 32n;
    validators.push({
      effectiveBalance: increments * EFFECTIVE_BALANCE_INCREMENT,
      activationEpoch: i % 11 === 5 ? 3n : 0n,
      exitEpoch: i % 13 === 6 ? 2n : FAR_FUTURE_EPOCH,
    });
  }
  const mixes = new Map<number, Uint8Array>();
  return {
    validators,
    randaoMix: (index) => {
      let mix = mixes.get(index);
      if (!mix) {
        mix = sha256(Uint8Array.of(mixSeed, index & 0xff, (index >> 8) & 0xff));
        mixes.set(index, mix);
      }
      return mix;
    },
  };
}

test("computeEpochProposers matches Lodestar's Fulu proposer selection (effective balances, activity)", () => {
  for (const [count, mixSeed] of [
    [64, 1],
    [100, 2],
    [257, 3],
  ] as const) {
    const state = makeState(count, mixSeed);
    for (const epoch of [0, 1, 2, 3, 4, EPOCHS_PER_HISTORICAL_VECTOR + 1]) {
      const activeIndices = state.validators
        .map((v, i) => (v.activationEpoch <= BigInt(epoch) && BigInt(epoch) < v.exitEpoch ? i : -1))
        .filter((i) => i >= 0);
      const increments = new Uint16Array(
        state.validators.map((v) => Number(v.effectiveBalance / EFFECTIVE_BALANCE_INCREMENT)),
      );
      const expected = computeProposers(
        ForkSeq.fulu,
        proposerSeed(state, epoch),
        { epoch, activeIndices: new Uint32Array(activeIndices) } as never,
        increments,
      );
      assert.deepEqual(computeEpochProposers(state, epoch), expected, `count ${count} epoch ${epoch}`);
    }
  }
});

test("the proposer seed depends on the epoch and the randao mix of epoch - 2", () => {
  const state = makeState(64, 9);
  assert.notDeepEqual(proposerSeed(state, 5), proposerSeed(state, 6));
  const other = makeState(64, 10);
  assert.notDeepEqual(proposerSeed(state, 5), proposerSeed(other, 5));
});

test("high effective balances are selected more often", () => {
  const state = makeState(64, 4);
  const counts = new Map<number, number>();
  for (let epoch = 0; epoch < 20; epoch++) {
    for (const p of computeEpochProposers(state, epoch)) counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  const heavy = [...counts].filter(([i]) => i % 7 === 0).reduce((a, [, n]) => a + n, 0);
  // 10 of 64 validators hold 2048 ETH each: they dominate by weight.
  assert.ok(heavy > 320, `heavy validators proposed ${heavy} of 640 slots`);
});

test("the lookahead advances by one epoch, keeping the known proposers", () => {
  const state = makeState(64, 5);
  const lookahead = initialProposerLookahead(state, 0);
  assert.equal(lookahead.length, 64);
  assert.deepEqual(lookahead.slice(32), computeEpochProposers(state, 1));
  const next = advanceProposerLookahead(state, lookahead, 0);
  assert.deepEqual(next.slice(0, 32), lookahead.slice(32));
  assert.deepEqual(next.slice(32), computeEpochProposers(state, 2));
});
