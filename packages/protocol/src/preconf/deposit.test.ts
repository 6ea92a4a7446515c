import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, type Hex, toRlp } from "viem";
import {
  DEPOSIT_TX_TYPE,
  DepositError,
  DepositErrorCode,
  type DepositQueuedEvent,
  decodeDepositTx,
  encodeDepositTx,
  isGenuineDeposit,
} from "./deposit.ts";

const ROLLUP: bigint = 167_001n;
const ALICE: Address = "0x000000000000000000000000000000000000d0D0";
const BOB: Address = "0x000000000000000000000000000000000000bEEF";

/** The hand-written vectors of packages/contracts/test/bridge/Bridge.t.sol (VECTOR_0, VECTOR_1). */
const VECTORS: { deposit: { depositNonce: bigint; value: bigint }; raw: Hex }[] = [
  {
    deposit: { depositNonce: 0n, value: 10n ** 18n },
    raw: `0x7e${"f838"}${"83028c59"}${"80"}94000000000000000000000000000000000000d0d094000000000000000000000000000000000000beef880de0b6b3a7640000`,
  },
  {
    deposit: { depositNonce: 1n, value: 128n },
    raw: `0x7e${"f1"}${"83028c59"}${"01"}94000000000000000000000000000000000000d0d094000000000000000000000000000000000000beef8180`,
  },
];

const fields = (depositNonce: bigint, value: bigint) => ({
  chainId: ROLLUP,
  depositNonce,
  from: ALICE,
  to: BOB,
  value,
});

function refusedWith(raw: Hex, code: DepositErrorCode): void {
  assert.throws(
    () => decodeDepositTx(raw),
    (error: unknown) => error instanceof DepositError && error.code === code,
    `${raw} should fail with ${code}`,
  );
}

describe("deposit encoding", () => {
  it("matches the Solidity bridge's vectors byte for byte", () => {
    for (const { deposit, raw } of VECTORS) {
      assert.equal(encodeDepositTx(fields(deposit.depositNonce, deposit.value)), raw);
      assert.deepEqual(decodeDepositTx(raw), fields(deposit.depositNonce, deposit.value));
    }
  });

  it("equals viem's RLP for edge values", () => {
    const max = 2n ** 256n - 1n;
    for (const [depositNonce, value] of [
      [0n, 0n],
      [0x7fn, 0x7fn],
      [0x80n, 0x80n],
      [2n ** 64n - 1n, max],
      [255n, 256n],
    ] as const) {
      const hex = (n: bigint): Hex =>
        n === 0n ? "0x" : `0x${n.toString(16).padStart(Math.ceil(n.toString(16).length / 2) * 2, "0")}`;
      const expected =
        `0x7e${toRlp([hex(ROLLUP), hex(depositNonce), ALICE, BOB, hex(value)]).slice(2)}`.toLowerCase();
      const raw = encodeDepositTx(fields(depositNonce, value));
      assert.equal(raw, expected, `nonce ${depositNonce} value ${value}`);
      assert.deepEqual(decodeDepositTx(raw), fields(depositNonce, value));
    }
    assert.equal(DEPOSIT_TX_TYPE, 0x7e);
  });

  it("refuses fields out of range", () => {
    assert.throws(() => encodeDepositTx({ ...fields(0n, 1n), chainId: 2n ** 64n }), RangeError);
    assert.throws(() => encodeDepositTx({ ...fields(-1n, 1n) }), RangeError);
    assert.throws(() => encodeDepositTx({ ...fields(0n, 2n ** 256n) }), RangeError);
    assert.throws(() => encodeDepositTx({ ...fields(0n, 1n), to: "0x1234" as Address }), TypeError);
  });
});

describe("decodeDepositTx", () => {
  const good = VECTORS[1]?.raw as Hex;
  it("refuses another type", () => {
    refusedWith(`0x02${good.slice(4)}`, DepositErrorCode.wrongType);
    refusedWith("0x", DepositErrorCode.wrongType);
  });

  it("refuses what is not five strings of the right sizes", () => {
    refusedWith("0x7e", DepositErrorCode.undecodable);
    refusedWith("0x7ezz", DepositErrorCode.undecodable);
    refusedWith(`0x7e${toRlp(["0x01", "0x01", ALICE, BOB]).slice(2)}`, DepositErrorCode.undecodable);
    refusedWith(
      `0x7e${toRlp(["0x01", "0x01", ALICE, BOB, "0x01", "0x01"]).slice(2)}`,
      DepositErrorCode.undecodable,
    );
    refusedWith(
      `0x7e${toRlp(["0x01", ["0x01"], ALICE, BOB, "0x01"]).slice(2)}`,
      DepositErrorCode.undecodable,
    );
    refusedWith(
      `0x7e${toRlp(["0x01", "0x01", "0x1234", BOB, "0x01"]).slice(2)}`,
      DepositErrorCode.undecodable,
    );
    refusedWith(
      `0x7e${toRlp([`0x${"01".repeat(9)}`, "0x01", ALICE, BOB, "0x01"]).slice(2)}`,
      DepositErrorCode.undecodable,
    );
    refusedWith(
      `0x7e${toRlp(["0x01", "0x01", ALICE, BOB, `0x${"01".repeat(33)}`]).slice(2)}`,
      DepositErrorCode.undecodable,
    );
  });

  it("refuses non-canonical encodings of valid fields", () => {
    const body = (chainId: string, nonce: string, value: string) => {
      const payload = `${chainId}${nonce}94${ALICE.slice(2)}94${BOB.slice(2)}${value}`;
      return `0x7e${(0xc0 + payload.length / 2).toString(16)}${payload}` as Hex;
    };
    assert.deepEqual(decodeDepositTx(body("83028c59", "01", "05")), fields(1n, 5n));
    refusedWith(body("8400028c59", "01", "05"), DepositErrorCode.nonCanonical); // leading zero
    refusedWith(body("83028c59", "8101", "05"), DepositErrorCode.nonCanonical); // small int as a string
    refusedWith(body("83028c59", "00", "05"), DepositErrorCode.nonCanonical); // zero as 0x00
    refusedWith(`${good}00` as Hex, DepositErrorCode.nonCanonical); // trailing byte
    // A long list prefix for a short list.
    const short = good.slice(6);
    refusedWith(`0x7ef8${(short.length / 2).toString(16)}${short}` as Hex, DepositErrorCode.nonCanonical);
  });

  it("accepts upper-case hex and gives checksummed addresses", () => {
    const decoded = decodeDepositTx(`0x${(VECTORS[0]?.raw as Hex).slice(2).toUpperCase()}`);
    assert.equal(decoded.to, BOB);
    assert.equal(decoded.from, ALICE);
  });
});

describe("isGenuineDeposit", () => {
  const event = (forcedIndex: bigint, depositNonce: bigint, value: bigint): DepositQueuedEvent => ({
    forcedIndex,
    depositNonce,
    from: ALICE,
    to: BOB,
    value,
  });
  const raw0 = VECTORS[0]?.raw as Hex;
  const events = [event(3n, 0n, 10n ** 18n), event(5n, 1n, 128n)];

  it("accepts the bytes the bridge made for the event at that forced index", () => {
    assert.deepEqual(isGenuineDeposit(raw0, 3n, events, ROLLUP), {
      ...fields(0n, 10n ** 18n),
      forcedIndex: 3n,
    });
    const byIndex = new Map(events.map((e) => [e.forcedIndex, e]));
    assert.deepEqual(isGenuineDeposit(VECTORS[1]?.raw as Hex, 5n, byIndex, ROLLUP), {
      ...fields(1n, 128n),
      forcedIndex: 5n,
    });
  });

  it("refuses a forged or replayed 0x7e entry", () => {
    // No event at that index: someone queued the bridge's bytes with forceInclude.
    assert.equal(isGenuineDeposit(raw0, 4n, events, ROLLUP), null);
    // An event at that index, but other bytes (a bigger value).
    const inflated = encodeDepositTx(fields(0n, 10n ** 19n));
    assert.equal(isGenuineDeposit(inflated, 3n, events, ROLLUP), null);
    // The right bytes for another rollup.
    assert.equal(isGenuineDeposit(raw0, 3n, events, ROLLUP + 1n), null);
    // Another deposit's bytes at this index.
    assert.equal(isGenuineDeposit(VECTORS[1]?.raw as Hex, 3n, events, ROLLUP), null);
    // Not even a deposit.
    assert.equal(isGenuineDeposit("0x02c0", 3n, events, ROLLUP), null);
    assert.equal(isGenuineDeposit(raw0, 3n, [], ROLLUP), null);
  });
});
