import { PROPOSER_LOOKAHEAD_SLOTS, SLOTS_PER_EPOCH } from "./constants.ts";
import { BatonError } from "./errors.ts";

/** Proposers of consecutive slots, e.g. the EIP-7917 `proposer_lookahead` of a state. */
export interface ProposerSchedule {
  /** Slot of `proposers[0]`. */
  readonly startSlot: number;
  /** Validator index of the proposer of each slot from `startSlot` on. */
  readonly proposers: readonly number[];
}

/**
 * Whether a validator is an active sequencer, judged on registry state frozen before the epoch
 * (DESIGN.md section 3). `slot` is the slot whose proposer is asked about.
 */
export type IsActiveSequencer = (validatorIndex: number, slot: number) => boolean;

/** A sequencer's window `(previousSequencerSlot, sequencerSlot]`. */
export interface SequencerWindow {
  readonly kind: "sequencer";
  /** `t`: the window's last slot, proposed by the sequencer. Every promise is settled by its end. */
  readonly sequencerSlot: number;
  readonly validatorIndex: number;
  /** `t_prev`, or null when no sequencer precedes `t` in the schedule. */
  readonly previousSequencerSlot: number | null;
  /** First slot of the window known from the schedule: `t_prev + 1`, or the schedule's start. */
  readonly firstSlot: number;
}

/** No active sequencer at or after the slot in the schedule: no preconfirmations, permissionless batches. */
export interface FallbackWindow {
  readonly kind: "fallback";
  /** First slot of the run of sequencer-less slots known from the schedule. */
  readonly firstSlot: number;
  /** Last slot the schedule covers. */
  readonly lastKnownSlot: number;
}

export type SequencingWindow = SequencerWindow | FallbackWindow;

export class LookaheadError extends BatonError {
  override readonly name = "LookaheadError";
}

/** The schedule of the EIP-7917 lookahead held by a state at `stateSlot`: current and next epoch. */
export function scheduleFromLookahead(stateSlot: number, lookahead: readonly number[]): ProposerSchedule {
  if (lookahead.length !== PROPOSER_LOOKAHEAD_SLOTS) {
    throw new LookaheadError("Proposer lookahead has the wrong length", {
      details: { length: lookahead.length, expected: PROPOSER_LOOKAHEAD_SLOTS },
    });
  }
  const startSlot = stateSlot - (stateSlot % SLOTS_PER_EPOCH);
  return { startSlot, proposers: lookahead };
}

function proposerAt(schedule: ProposerSchedule, slot: number): number {
  const proposer = schedule.proposers[slot - schedule.startSlot];
  if (proposer === undefined) {
    throw new LookaheadError("Slot is outside the proposer schedule", {
      details: {
        slot,
        firstSlot: schedule.startSlot,
        lastSlot: schedule.startSlot + schedule.proposers.length - 1,
      },
      hint: "Use the lookahead of a state from the slot's epoch or the epoch before it.",
    });
  }
  return proposer;
}

/** Slots of the schedule whose proposer is an active sequencer, ascending. */
export function sequencerSlots(schedule: ProposerSchedule, isActiveSequencer: IsActiveSequencer): number[] {
  const slots: number[] = [];
  schedule.proposers.forEach((validatorIndex, offset) => {
    const slot = schedule.startSlot + offset;
    if (isActiveSequencer(validatorIndex, slot)) slots.push(slot);
  });
  return slots;
}

/**
 * The sequencing window that contains `slot`: the first slot `t >= slot` whose proposer is an active
 * sequencer, and the window `(t_prev, t]`; a fallback window when there is none in the schedule.
 */
export function sequencingWindow(
  schedule: ProposerSchedule,
  slot: number,
  isActiveSequencer: IsActiveSequencer,
): SequencingWindow {
  proposerAt(schedule, slot); // range check
  const lastKnownSlot = schedule.startSlot + schedule.proposers.length - 1;
  let previousSequencerSlot: number | null = null;
  for (let t = schedule.startSlot; t <= lastKnownSlot; t++) {
    const validatorIndex = proposerAt(schedule, t);
    if (!isActiveSequencer(validatorIndex, t)) continue;
    if (t >= slot) {
      return {
        kind: "sequencer",
        sequencerSlot: t,
        validatorIndex,
        previousSequencerSlot,
        firstSlot: previousSequencerSlot === null ? schedule.startSlot : previousSequencerSlot + 1,
      };
    }
    previousSequencerSlot = t;
  }
  return {
    kind: "fallback",
    firstSlot: previousSequencerSlot === null ? schedule.startSlot : previousSequencerSlot + 1,
    lastKnownSlot,
  };
}

/** Every window of the schedule in slot order, fallback runs included: together they cover it exactly. */
export function sequencingWindows(
  schedule: ProposerSchedule,
  isActiveSequencer: IsActiveSequencer,
): SequencingWindow[] {
  const windows: SequencingWindow[] = [];
  const lastKnownSlot = schedule.startSlot + schedule.proposers.length - 1;
  let slot = schedule.startSlot;
  while (slot <= lastKnownSlot) {
    const window = sequencingWindow(schedule, slot, isActiveSequencer);
    windows.push(window);
    slot = window.kind === "sequencer" ? window.sequencerSlot + 1 : lastKnownSlot + 1;
  }
  return windows;
}
