import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayApiError } from "@baton/clients";
import type { Address, Hex } from "viem";
import { type LookaheadEntry, type LookaheadSource, WindowTracker } from "./windows.ts";

const US: Address = "0x00000000000000000000000000000000000000a1";
const THEM: Address = "0x00000000000000000000000000000000000000b2";
const GENESIS = 1_000;
const SLOT_MS = 12_000;
const MARGIN = 500;

class FakeSource implements LookaheadSource {
  readonly lists = new Map<bigint, LookaheadEntry[]>();
  readonly reads: bigint[] = [];
  async postedList(epoch: bigint) {
    this.reads.push(epoch);
    return this.lists.get(epoch) ?? null;
  }
  set(epoch: number, entries: [number, Address][]) {
    this.lists.set(
      BigInt(epoch),
      entries.map(([slot, committer]) => ({
        slot: BigInt(slot),
        registration: `0x${slot.toString(16).padStart(64, "0")}` as Hex,
        committer,
      })),
    );
  }
}

/** Milliseconds at `offsetMs` into `slot`. */
const at = (slot: number, offsetMs = 0) => GENESIS * 1000 + slot * SLOT_MS + offsetMs;

async function tracker(source: FakeSource, refreshSlot: bigint) {
  const windows = new WindowTracker(source, { genesisTime: GENESIS, secondsPerSlot: 12 }, US, MARGIN);
  await windows.refresh(refreshSlot);
  return windows;
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayApiError, String(error));
    return error.code;
  }
  return "none";
}

describe("WindowTracker", () => {
  it("finds the first slot starting at least the margin from now", async () => {
    const windows = new WindowTracker(
      new FakeSource(),
      { genesisTime: GENESIS, secondsPerSlot: 12 },
      US,
      MARGIN,
    );
    assert.equal(windows.reachableSlot(at(0) - 60_000), 0n, "before genesis");
    assert.equal(windows.reachableSlot(at(0)), 1n);
    assert.equal(windows.reachableSlot(at(0), 0), 0n, "a slot starting now is reachable with no margin");
    assert.equal(windows.reachableSlot(at(5, 1)), 6n);
    assert.equal(windows.reachableSlot(at(5, SLOT_MS - MARGIN)), 6n, "exactly the margin before slot 6");
    assert.equal(windows.reachableSlot(at(5, SLOT_MS - MARGIN + 1)), 7n, "less than the margin: the next");
    assert.equal(windows.slotStartMs(7n), at(7));
  });

  it("computes windows: target, first slot after the previous sequencer, size, epoch", async () => {
    const source = new FakeSource();
    source.set(0, [
      [3, US],
      [10, THEM],
      [20, US],
    ]);
    source.set(1, [[40, US]]);
    const windows = await tracker(source, 0n);
    assert.deepEqual(windows.windowAt(0n), {
      targetSlot: 3n,
      firstSlot: 0n,
      registration: `0x${"3".padStart(64, "0")}`,
      committer: US,
      slots: 4n,
      epoch: 0n,
    });
    assert.equal(windows.windowAt(3n)?.targetSlot, 3n, "the sequencer's own slot is in its window");
    const them = windows.windowAt(4n);
    assert.deepEqual([them?.targetSlot, them?.firstSlot, them?.slots, them?.committer], [10n, 4n, 7n, THEM]);
    const ours = windows.windowAt(15n);
    assert.deepEqual([ours?.targetSlot, ours?.firstSlot, ours?.slots], [20n, 11n, 10n]);
    // Past the epoch's last sequencer: the window reaches into the next epoch.
    const next = windows.windowAt(21n);
    assert.deepEqual([next?.targetSlot, next?.firstSlot, next?.slots, next?.epoch], [40n, 21n, 20n, 1n]);
    assert.deepEqual(windows.servedSlots(), [3n, 20n, 40n]);
  });

  it("starts a window after the previous epoch's last sequencer", async () => {
    const source = new FakeSource();
    source.set(0, [[28, THEM]]);
    source.set(1, [[35, US]]);
    source.set(2, []);
    const windows = await tracker(source, 33n);
    const window = windows.windowAt(33n);
    assert.deepEqual([window?.targetSlot, window?.firstSlot, window?.slots], [35n, 29n, 7n]);
    // With an empty previous epoch the window starts at the epoch's first slot.
    const empty = new FakeSource();
    empty.set(0, []);
    empty.set(1, [[35, US]]);
    empty.set(2, []);
    const w2 = (await tracker(empty, 33n)).windowAt(33n);
    assert.deepEqual([w2?.targetSlot, w2?.firstSlot, w2?.slots], [35n, 32n, 4n]);
  });

  it("is in fallback with no sequencer in this or the next epoch, and unavailable without lists", async () => {
    const source = new FakeSource();
    source.set(0, [[3, US]]);
    source.set(1, []);
    const windows = await tracker(source, 0n);
    assert.equal(windows.windowAt(4n), null);
    assert.equal(
      code(() => windows.servingWindow(at(10))),
      "FALLBACK_WINDOW",
    );
    // Epoch 2 is not posted: slot 40's window cannot be known.
    assert.equal(
      code(() => windows.windowAt(40n)),
      "LOOKAHEAD_UNAVAILABLE",
    );
    assert.equal(
      code(() => windows.servingWindow(at(33))),
      "LOOKAHEAD_UNAVAILABLE",
    );
    // Once posted and read again, it is.
    source.set(2, [[70, US]]);
    source.set(3, []);
    await windows.refresh(64n);
    assert.equal(windows.servingWindow(at(65)).targetSlot, 70n);
  });

  it("serves only its own windows, refuses a closing one with its reason, and checks the requested slot", async () => {
    const source = new FakeSource();
    source.set(0, [
      [4, US],
      [8, THEM],
      [12, US],
    ]);
    source.set(1, []);
    const windows = await tracker(source, 0n);
    assert.equal(windows.servingWindow(at(2)).targetSlot, 4n);
    assert.equal(windows.servingWindow(at(3, SLOT_MS - MARGIN)).targetSlot, 4n, "just in time for slot 4");
    assert.equal(
      code(() => windows.servingWindow(at(3, SLOT_MS - MARGIN + 1))),
      "WINDOW_CLOSING",
    );
    assert.equal(
      code(() => windows.servingWindow(at(4, 1))),
      "NOT_OUR_WINDOW",
    );
    assert.equal(
      code(() => windows.servingWindow(at(7, 0))),
      "NOT_OUR_WINDOW",
    );
    assert.equal(
      windows.servingWindow(at(7, SLOT_MS - MARGIN + 1)).targetSlot,
      12n,
      "slot 9 is in ours again",
    );
    assert.equal(windows.servingWindow(at(2), 4n).targetSlot, 4n);
    assert.equal(
      code(() => windows.servingWindow(at(2), 12n)),
      "SLOT_NOT_SERVED",
    );
    // Committers match whatever their case.
    const upper = new WindowTracker(
      source,
      { genesisTime: GENESIS, secondsPerSlot: 12 },
      US.toUpperCase().replace("0X", "0x") as Address,
      MARGIN,
    );
    await upper.refresh(0n);
    assert.equal(upper.servingWindow(at(2)).targetSlot, 4n);
  });

  it("reads the epochs around a slot, re-reads them after a slot, and forgets old ones", async () => {
    const source = new FakeSource();
    for (let e = 0; e < 8; e++) source.set(e, [[e * 32 + 5, US]]);
    const windows = await tracker(source, 100n); // epoch 3
    assert.deepEqual(source.reads, [2n, 3n, 4n]);
    await windows.refresh(100n);
    assert.deepEqual(source.reads, [2n, 3n, 4n], "fresh lists are not read again within a slot");
    await windows.refresh(200n); // epoch 6
    assert.deepEqual(source.reads.slice(3), [5n, 6n, 7n]);
    assert.equal(windows.list(3n), undefined, "epochs more than two back are forgotten");
    assert.ok(windows.list(4n) !== undefined);
    // Concurrent refreshes share one read.
    const before = source.reads.length;
    await Promise.all([windows.refresh(300n), windows.refresh(300n)]);
    assert.equal(source.reads.length - before, 3);
  });
});
