import assert from "node:assert/strict";
import { test } from "node:test";
import {
  type IsActiveSequencer,
  LookaheadError,
  type ProposerSchedule,
  scheduleFromLookahead,
  sequencerSlots,
  sequencingWindow,
  sequencingWindows,
} from "./lookahead.ts";

/** Slots 100..107 proposed by validators 0..7; sequencers are the validators in `sequencers`. */
function schedule(): ProposerSchedule {
  return { startSlot: 100, proposers: [10, 11, 12, 13, 14, 15, 16, 17] };
}
const only =
  (...validators: number[]): IsActiveSequencer =>
  (v) =>
    validators.includes(v);

test("a slot belongs to the first sequencer at or after it", () => {
  const isSeq = only(12, 15);
  assert.deepEqual(sequencingWindow(schedule(), 100, isSeq), {
    kind: "sequencer",
    sequencerSlot: 102,
    validatorIndex: 12,
    previousSequencerSlot: null,
    firstSlot: 100,
  });
  // The sequencer's own slot is the last slot of its window.
  assert.equal(sequencingWindow(schedule(), 102, isSeq).kind, "sequencer");
  const w = sequencingWindow(schedule(), 103, isSeq);
  assert.deepEqual(w, {
    kind: "sequencer",
    sequencerSlot: 105,
    validatorIndex: 15,
    previousSequencerSlot: 102,
    firstSlot: 103,
  });
});

test("slots after the last sequencer of the schedule are in fallback", () => {
  const w = sequencingWindow(schedule(), 106, only(12, 15));
  assert.deepEqual(w, { kind: "fallback", firstSlot: 106, lastKnownSlot: 107 });
});

test("no sequencer in the lookahead: every slot is in fallback", () => {
  for (let slot = 100; slot <= 107; slot++) {
    assert.deepEqual(sequencingWindow(schedule(), slot, only()), {
      kind: "fallback",
      firstSlot: 100,
      lastKnownSlot: 107,
    });
  }
  assert.deepEqual(sequencerSlots(schedule(), only()), []);
  assert.deepEqual(sequencingWindows(schedule(), only()), [
    { kind: "fallback", firstSlot: 100, lastKnownSlot: 107 },
  ]);
});

test("consecutive sequencer slots make one-slot windows", () => {
  const isSeq = only(13, 14);
  const w = sequencingWindow(schedule(), 104, isSeq);
  assert.equal(w.kind, "sequencer");
  assert.equal(w.kind === "sequencer" && w.firstSlot, 104);
  assert.equal(w.kind === "sequencer" && w.previousSequencerSlot, 103);
});

test("activity is asked per slot: a validator may be a sequencer in one slot and not another", () => {
  const isSeq: IsActiveSequencer = (v, slot) => v === 7 && slot >= 103;
  const s: ProposerSchedule = { startSlot: 100, proposers: [7, 1, 2, 7, 4] };
  assert.deepEqual(sequencerSlots(s, isSeq), [103]);
  const w = sequencingWindow(s, 100, isSeq);
  assert.equal(w.kind === "sequencer" && w.sequencerSlot, 103);
});

test("the windows of a schedule cover every slot exactly once", () => {
  const isSeq = only(11, 12, 16);
  const windows = sequencingWindows(schedule(), isSeq);
  const covered: number[] = [];
  for (const w of windows) {
    const last = w.kind === "sequencer" ? w.sequencerSlot : w.lastKnownSlot;
    for (let s = w.firstSlot; s <= last; s++) covered.push(s);
  }
  assert.deepEqual(covered, [100, 101, 102, 103, 104, 105, 106, 107]);
  assert.deepEqual(
    windows.map((w) => w.kind),
    ["sequencer", "sequencer", "sequencer", "fallback"],
  );
});

test("a slot outside the schedule is an error, not a guess", () => {
  assert.throws(() => sequencingWindow(schedule(), 99, only(12)), LookaheadError);
  assert.throws(() => sequencingWindow(schedule(), 108, only(12)), /outside the proposer schedule/);
});

test("the EIP-7917 lookahead of a state starts at its epoch's first slot", () => {
  const lookahead = Array.from({ length: 64 }, (_, i) => i);
  const s = scheduleFromLookahead(70, lookahead);
  assert.equal(s.startSlot, 64);
  assert.equal(sequencingWindow(s, 127, only(63)).kind, "sequencer");
  assert.throws(() => scheduleFromLookahead(70, lookahead.slice(1)), LookaheadError);
});
