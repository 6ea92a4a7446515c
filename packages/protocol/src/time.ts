import { SLOTS_PER_EPOCH } from "./constants.ts";

/** The chain's clock parameters: everything needed to map slots to wall time. */
export interface ChainTime {
  /** Unix seconds at which slot 0 starts. */
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
}

export function slotStartTime(time: ChainTime, slot: number): number {
  return time.genesisTime + slot * time.secondsPerSlot;
}

/** The slot in progress at `unixSeconds` (slot 0 before genesis). */
export function slotAtTime(time: ChainTime, unixSeconds: number): number {
  if (unixSeconds < time.genesisTime) return 0;
  return Math.floor((unixSeconds - time.genesisTime) / time.secondsPerSlot);
}

/** The slot whose start is exactly `timestamp`, or null when `timestamp` is not a slot boundary. */
export function slotOfTimestamp(time: ChainTime, timestamp: number): number | null {
  const offset = timestamp - time.genesisTime;
  if (offset < 0 || offset % time.secondsPerSlot !== 0) return null;
  return offset / time.secondsPerSlot;
}

export function epochOfSlot(slot: number): number {
  return Math.floor(slot / SLOTS_PER_EPOCH);
}

export function epochStartSlot(epoch: number): number {
  return epoch * SLOTS_PER_EPOCH;
}

export function isEpochStart(slot: number): boolean {
  return slot % SLOTS_PER_EPOCH === 0;
}
