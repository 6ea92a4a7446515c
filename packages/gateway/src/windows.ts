/**
 * Which window a request made now falls into, and whether this gateway may promise in it.
 *
 * The L1 block that can still carry a promise made at time τ is the first slot starting at least
 * `closeMarginMs` after τ; its window is the first listed sequencer slot at or after it, in the
 * lists posted to the LookaheadStore (which is what the inbox checks). The gateway serves the
 * window if the entry's committer is its key; otherwise the request is refused with the reason.
 */

import { GatewayApiError, type LookaheadEntry } from "@baton/clients";
import { SLOTS_PER_EPOCH } from "@baton/protocol";
import type { Address, Hex } from "viem";

export type { LookaheadEntry };

/** The lists posted to the LookaheadStore, by epoch (null while not posted). */
export interface LookaheadSource {
  postedList(epoch: bigint): Promise<readonly LookaheadEntry[] | null>;
}

export interface Window {
  /** The sequencer's slot: the window's last slot, every commitment's `targetSlot`. */
  readonly targetSlot: bigint;
  /** The first slot after the previous sequencer's slot. */
  readonly firstSlot: bigint;
  readonly registration: Hex;
  readonly committer: Address;
  /** Slots the window covers: `targetSlot - firstSlot + 1`. */
  readonly slots: bigint;
  /** Epoch of the target slot and the lists the inbox needs (`propose(batches, current, next)`). */
  readonly epoch: bigint;
}

export interface WindowClock {
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
}

export class WindowTracker {
  readonly #lists = new Map<bigint, readonly LookaheadEntry[]>();
  /** When each list was read: lists are re-read every slot, as a challenge can correct one. */
  readonly #fetchedAt = new Map<bigint, number>();
  #refreshing: Promise<void> | null = null;

  constructor(
    private readonly source: LookaheadSource,
    private readonly clock: WindowClock,
    private readonly committer: Address,
    private readonly closeMarginMs: number,
  ) {}

  slotStartMs(slot: bigint): number {
    return (this.clock.genesisTime + Number(slot) * this.clock.secondsPerSlot) * 1000;
  }

  /** The slot whose start is the first at least `marginMs` after `nowMs`. */
  reachableSlot(nowMs: number, marginMs = this.closeMarginMs): bigint {
    const slotMs = this.clock.secondsPerSlot * 1000;
    const since = nowMs + marginMs - this.clock.genesisTime * 1000;
    if (since <= 0) return 0n;
    return BigInt(Math.ceil(since / slotMs));
  }

  /** Fetches the lists of the epochs around `slot` that are not known yet. */
  async refresh(slot: bigint): Promise<void> {
    if (this.#refreshing) return this.#refreshing;
    const epoch = slot / BigInt(SLOTS_PER_EPOCH);
    this.#refreshing = (async () => {
      const now = Date.now();
      for (const e of [epoch - 1n, epoch, epoch + 1n]) {
        if (e < 0n) continue;
        const fetchedAt = this.#fetchedAt.get(e);
        if (fetchedAt !== undefined && now - fetchedAt < this.clock.secondsPerSlot * 1000) continue;
        const list = await this.source.postedList(e);
        if (list !== null) {
          this.#lists.set(e, list);
          this.#fetchedAt.set(e, now);
        }
      }
      for (const known of this.#lists.keys()) {
        if (known < epoch - 2n) {
          this.#lists.delete(known);
          this.#fetchedAt.delete(known);
        }
      }
    })().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /** The posted list of `epoch`, if known. */
  list(epoch: bigint): readonly LookaheadEntry[] | undefined {
    return this.#lists.get(epoch);
  }

  /**
   * The window holding `slot`: null for fallback (no sequencer in this or the next epoch's list).
   * @throws GatewayApiError `LOOKAHEAD_UNAVAILABLE` when a list it needs is not known.
   */
  windowAt(slot: bigint): Window | null {
    const epoch = slot / BigInt(SLOTS_PER_EPOCH);
    const current = this.#lists.get(epoch);
    const unavailable = (missing: bigint) =>
      new GatewayApiError("LOOKAHEAD_UNAVAILABLE", "The lookahead list this slot needs is not posted yet", {
        epoch: Number(missing),
      });
    if (current === undefined) throw unavailable(epoch);
    // As `LookaheadStore.windowAt`: the next epoch's list is needed only past the last entry.
    let entry = current.find((e) => e.slot >= slot);
    if (entry === undefined) {
      const next = this.#lists.get(epoch + 1n);
      if (next === undefined) throw unavailable(epoch + 1n);
      entry = next.find((e) => e.slot >= slot);
    }
    if (entry === undefined) return null;
    // The previous sequencer's slot: the last entry before `slot` in this epoch, or in the one before.
    const previous =
      [...current].reverse().find((e) => e.slot < slot) ??
      [...(this.#lists.get(epoch - 1n) ?? [])].reverse().find((e) => e.slot < slot);
    const firstSlot =
      previous === undefined ? (epoch === 0n ? 0n : epoch * BigInt(SLOTS_PER_EPOCH)) : previous.slot + 1n;
    return {
      targetSlot: entry.slot,
      firstSlot: firstSlot > slot ? slot : firstSlot,
      registration: entry.registration,
      committer: entry.committer,
      slots: entry.slot - (firstSlot > slot ? slot : firstSlot) + 1n,
      epoch: entry.slot / BigInt(SLOTS_PER_EPOCH),
    };
  }

  /**
   * The window a promise made at `nowMs` would target, or the refusal.
   * @throws GatewayApiError `NOT_OUR_WINDOW`, `FALLBACK_WINDOW`, `WINDOW_CLOSING`, `SLOT_NOT_SERVED`,
   *   `LOOKAHEAD_UNAVAILABLE`.
   */
  servingWindow(nowMs: number, requestedSlot = 0n): Window {
    const reachable = this.reachableSlot(nowMs);
    const window = this.windowAt(reachable);
    if (window === null) throw new GatewayApiError("FALLBACK_WINDOW", undefined, { slot: Number(reachable) });
    if (window.committer.toLowerCase() !== this.committer.toLowerCase()) {
      // Distinguish a window of ours that just became unreachable from someone else's.
      const earliest = this.reachableSlot(nowMs, 0);
      if (earliest < reachable) {
        const closing = this.windowAt(earliest);
        if (
          closing !== null &&
          closing.committer.toLowerCase() === this.committer.toLowerCase() &&
          closing.targetSlot < reachable
        ) {
          throw new GatewayApiError("WINDOW_CLOSING", undefined, { targetSlot: Number(closing.targetSlot) });
        }
      }
      throw new GatewayApiError("NOT_OUR_WINDOW", undefined, { targetSlot: Number(window.targetSlot) });
    }
    if (requestedSlot !== 0n && requestedSlot !== window.targetSlot) {
      throw new GatewayApiError("SLOT_NOT_SERVED", undefined, {
        requested: Number(requestedSlot),
        targetSlot: Number(window.targetSlot),
      });
    }
    return window;
  }

  /** Sequencer slots of the current and next epoch whose committer is ours. */
  servedSlots(): bigint[] {
    const slots: bigint[] = [];
    for (const list of this.#lists.values()) {
      for (const entry of list)
        if (entry.committer.toLowerCase() === this.committer.toLowerCase()) slots.push(entry.slot);
    }
    return slots.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
