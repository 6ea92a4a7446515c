import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayApiError } from "@baton/clients";
import type { Address, Hex } from "viem";
import { L1Ledger, worstCaseCost } from "./ledger.ts";
import type { DecodedTransaction } from "./transaction.ts";

const ALICE: Address = "0x00000000000000000000000000000000000A11CE";
const BOB: Address = "0x0000000000000000000000000000000000000B0B";
const GWEI = 1_000_000_000n;

function tx(fields: Partial<DecodedTransaction> & { from: Address; nonce: bigint }): DecodedTransaction {
  return {
    raw: "0x" as Hex,
    hash: `0x${fields.nonce.toString(16).padStart(64, "0")}` as Hex,
    type: "eip1559",
    chainId: 1n,
    to: BOB,
    gas: 21_000n,
    value: 0n,
    maxFeePerGas: 10n * GWEI,
    maxPriorityFeePerGas: GWEI,
    blobCount: 0,
    maxFeePerBlobGas: 0n,
    intrinsicGas: 21_000n,
    touches: [],
    size: 100,
    ...fields,
  };
}

/** Accounts by block, counting reads; reads can be held to test interleavings. */
class Accounts {
  readonly state = new Map<string, { nonce: bigint; balance: bigint }>();
  reads = 0;
  gate: Promise<void> = Promise.resolve();
  readonly fetch = async (address: Address, _block: bigint) => {
    this.reads += 1;
    const value = this.state.get(address.toLowerCase()) ?? { nonce: 0n, balance: 0n };
    await this.gate;
    return value;
  };
  set(address: Address, nonce: bigint, balance: bigint) {
    this.state.set(address.toLowerCase(), { nonce, balance });
  }
}

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayApiError, String(error));
    return error.code;
  }
  return "ok";
}

describe("worstCaseCost", () => {
  it("is value plus gas at the max fee plus blob gas at the max blob fee", () => {
    assert.equal(worstCaseCost(tx({ from: ALICE, nonce: 0n, value: 5n })), 5n + 21_000n * 10n * GWEI);
    assert.equal(
      worstCaseCost(
        tx({
          from: ALICE,
          nonce: 0n,
          value: 1n,
          gas: 100n,
          maxFeePerGas: 3n,
          blobCount: 2,
          maxFeePerBlobGas: 7n,
        }),
      ),
      1n + 300n + 2n * 131_072n * 7n,
    );
  });
});

describe("L1Ledger", () => {
  it("refuses to check a sender whose state was not read", () => {
    const ledger = new L1Ledger(new Accounts().fetch);
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 0n }))),
      "INTERNAL",
    );
  });

  it("keeps nonces continuous after the head's nonce and earlier promises", async () => {
    const accounts = new Accounts();
    accounts.set(ALICE, 3n, 10n ** 18n);
    const ledger = new L1Ledger(accounts.fetch);
    await ledger.prepare(ALICE, 10n);
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n }))),
      "NONCE_TOO_LOW",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 4n }))),
      "NONCE_GAP",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 3n }))),
      "ok",
    );
    ledger.add(tx({ from: ALICE, nonce: 3n }));
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 3n }))),
      "NONCE_TOO_LOW",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 5n }))),
      "NONCE_GAP",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 4n }))),
      "ok",
    );
    // Addresses are one sender whatever their case.
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE.toLowerCase() as Address, nonce: 4n }))),
      "ok",
    );
  });

  it("keeps the balance covered given earlier promises, to the wei", async () => {
    const accounts = new Accounts();
    const one = worstCaseCost(tx({ from: ALICE, nonce: 0n }));
    accounts.set(ALICE, 0n, 3n * one);
    const ledger = new L1Ledger(accounts.fetch);
    await ledger.prepare(ALICE, 1n);
    for (const nonce of [0n, 1n]) {
      assert.equal(
        code(() => ledger.check(tx({ from: ALICE, nonce }))),
        "ok",
      );
      ledger.add(tx({ from: ALICE, nonce }));
    }
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n, value: 1n }))),
      "INSUFFICIENT_BALANCE",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n }))),
      "ok",
      "exactly the rest",
    );
    // Another sender is unaffected.
    accounts.set(BOB, 0n, one);
    await ledger.prepare(BOB, 1n);
    assert.equal(
      code(() => ledger.check(tx({ from: BOB, nonce: 0n }))),
      "ok",
    );
  });

  it("drops promises the head shows mined (their cost is in its balance) and keeps the others", async () => {
    const accounts = new Accounts();
    const one = worstCaseCost(tx({ from: ALICE, nonce: 0n }));
    accounts.set(ALICE, 0n, 2n * one);
    const ledger = new L1Ledger(accounts.fetch);
    await ledger.prepare(ALICE, 1n);
    ledger.add(tx({ from: ALICE, nonce: 0n }));
    ledger.add(tx({ from: ALICE, nonce: 1n }));
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n }))),
      "INSUFFICIENT_BALANCE",
    );
    // Block 2 mined nonce 0 (and charged less than the worst case); nonce 1 is still promised.
    accounts.set(ALICE, 1n, 2n * one);
    await ledger.prepare(ALICE, 2n);
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 1n }))),
      "NONCE_TOO_LOW",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n }))),
      "ok",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n, value: 1n }))),
      "INSUFFICIENT_BALANCE",
    );
  });

  it("reads each sender once per block, never going back to an older one", async () => {
    const accounts = new Accounts();
    accounts.set(ALICE, 0n, 10n ** 18n);
    const ledger = new L1Ledger(accounts.fetch);
    await ledger.prepare(ALICE, 5n);
    await ledger.prepare(ALICE, 5n);
    await ledger.prepare(ALICE, 4n);
    assert.equal(accounts.reads, 1);
    // Two reads racing: the newer block wins even if it answers first.
    let release = () => {};
    accounts.gate = new Promise((resolve) => {
      release = resolve;
    });
    const older = ledger.prepare(ALICE, 6n);
    accounts.gate = Promise.resolve();
    accounts.set(ALICE, 7n, 10n ** 18n);
    await ledger.prepare(ALICE, 7n);
    release();
    await older;
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 7n }))),
      "ok",
    );
  });

  it("keeps a promise made while the head was being read", async () => {
    const accounts = new Accounts();
    accounts.set(ALICE, 0n, 10n ** 18n);
    const ledger = new L1Ledger(accounts.fetch);
    await ledger.prepare(ALICE, 1n);
    let release = () => {};
    accounts.gate = new Promise((resolve) => {
      release = resolve;
    });
    const reading = ledger.prepare(ALICE, 2n);
    ledger.add(tx({ from: ALICE, nonce: 0n }));
    release();
    await reading;
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 0n }))),
      "NONCE_TOO_LOW",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 1n }))),
      "ok",
    );
  });

  it("restores promises from the store before the first read", async () => {
    const accounts = new Accounts();
    const one = worstCaseCost(tx({ from: ALICE, nonce: 0n }));
    accounts.set(ALICE, 1n, 2n * one);
    const ledger = new L1Ledger(accounts.fetch);
    ledger.restore(ALICE, 0n, one); // mined already: the head's nonce is 1
    ledger.restore(ALICE, 1n, one);
    ledger.restore(ALICE, 2n, one);
    await ledger.prepare(ALICE, 1n);
    assert.equal(accounts.reads, 1, "restored state is not a read");
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 2n }))),
      "NONCE_TOO_LOW",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 3n }))),
      "INSUFFICIENT_BALANCE",
    );
    assert.equal(
      code(() => ledger.check(tx({ from: ALICE, nonce: 3n, gas: 0n, value: 0n }))),
      "ok",
    );
  });
});
