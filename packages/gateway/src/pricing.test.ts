import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { Address } from "viem";
import { CurvePricing, defaultCurvePricingOptions, type PriceInput } from "./pricing.ts";

const HOT: Address = "0x00000000000000000000000000000000000000aa";
const COLD: Address = "0x00000000000000000000000000000000000000bb";
const CAPACITY = 50_000_000n;

function input(overrides: Partial<PriceInput> = {}): PriceInput {
  return {
    kind: 0,
    gas: 21_000n,
    remainingGas: CAPACITY,
    capacityGas: CAPACITY,
    touches: [],
    nowMs: 1_000_000,
    ...overrides,
  };
}

describe("CurvePricing", () => {
  it("rises as the window fills", () => {
    const pricing = new CurvePricing();
    let previous = -1n;
    for (const remaining of [CAPACITY, 40_000_000n, 20_000_000n, 5_000_000n, 1_000_000n, 21_000n]) {
      const { minTip, breakdown } = pricing.quote(input({ remainingGas: remaining }));
      assert.ok(minTip > previous, `price at ${remaining} remaining`);
      assert.equal(
        minTip,
        (breakdown.curve ?? 0n) + (breakdown.minProfit ?? 0n) + (breakdown.contention ?? 0n),
      );
      previous = minTip;
    }
  });

  it("prices the curve a ln((1 + bR) / (1 + b(R - g))) on a 30M-gas scale", () => {
    const pricing = new CurvePricing();
    // A window of exactly 30M gas: no scaling.
    const { breakdown } = pricing.quote(
      input({ remainingGas: 30_000_000n, capacityGas: 30_000_000n, gas: 1_000_000n }),
    );
    const b = defaultCurvePricingOptions.gasScalar;
    const expected = 0.019e18 * Math.log((1 + b * 30e6) / (1 + b * 29e6));
    assert.ok(Math.abs(Number(breakdown.curve) - expected) < 1e6, `${breakdown.curve} vs ${expected}`);
    // The same share of a window twice as large costs the same.
    const scaled = pricing.quote(
      input({ remainingGas: 60_000_000n, capacityGas: 60_000_000n, gas: 2_000_000n }),
    );
    assert.equal(scaled.breakdown.curve, breakdown.curve);
    // Taking the last gas of a window never goes negative or infinite.
    const last = pricing.quote(input({ remainingGas: 10_000n, gas: 21_000n }));
    assert.ok((last.breakdown.curve ?? 0n) > 0n);
  });

  it("charges stronger kinds more", () => {
    const pricing = new CurvePricing();
    const tips = [0, 1, 2, 3].map(
      (kind) => pricing.quote(input({ kind, gas: 500_000n })).breakdown.curve ?? 0n,
    );
    for (let i = 1; i < tips.length; i++) assert.ok((tips[i] ?? 0n) > (tips[i - 1] ?? 0n), `kind ${i}`);
  });

  it("adds a contention premium that grows with recent touches and decays after the hot window", () => {
    const pricing = new CurvePricing();
    const o = defaultCurvePricingOptions;
    const t0 = 1_000_000;
    assert.equal(pricing.quote(input({ touches: [HOT], nowMs: t0 })).breakdown.contention, 0n);
    const premiums: bigint[] = [];
    for (let i = 0; i < 3; i++) {
      pricing.recordPromise(input({ touches: [HOT], nowMs: t0 + i }));
      premiums.push(pricing.quote(input({ touches: [HOT], nowMs: t0 + i })).breakdown.contention ?? 0n);
    }
    assert.deepEqual(
      premiums,
      [1n, 2n, 3n].map((n) => n * o.contentionPremiumWei),
    );
    // Per touched contract, scaled with gas; another contract is not hot.
    assert.equal(
      pricing.quote(input({ touches: [HOT, COLD], gas: 42_000n, nowMs: t0 + 3 })).breakdown.contention,
      2n * 3n * o.contentionPremiumWei,
    );
    // Addresses match whatever their case.
    assert.equal(
      pricing.quote(input({ touches: [HOT.toUpperCase().replace("0X", "0x") as Address], nowMs: t0 + 3 }))
        .breakdown.contention,
      3n * o.contentionPremiumWei,
    );
    // Touches leave the hot window one by one.
    const after = (ms: number) => pricing.quote(input({ touches: [HOT], nowMs: ms })).breakdown.contention;
    assert.equal(after(t0 + o.hotWindowMs), 3n * o.contentionPremiumWei);
    assert.equal(after(t0 + o.hotWindowMs + 1), 2n * o.contentionPremiumWei);
    assert.equal(after(t0 + o.hotWindowMs + 3), 0n);
    assert.equal(after(t0 + 10 * o.hotWindowMs), 0n);
  });

  it("caps the premium at maxHotCount recent promises per contract", () => {
    const pricing = new CurvePricing({ ...defaultCurvePricingOptions, maxHotCount: 4 });
    for (let i = 0; i < 10; i++) pricing.recordPromise(input({ touches: [HOT], nowMs: 5_000 + i }));
    assert.equal(
      pricing.quote(input({ touches: [HOT], nowMs: 5_010 })).breakdown.contention,
      4n * defaultCurvePricingOptions.contentionPremiumWei,
    );
  });

  it("always includes the minimum profit", () => {
    const pricing = new CurvePricing();
    const cases = [
      input({ gas: 0n }),
      input({ remainingGas: 0n, gas: 21_000n }),
      input({ capacityGas: 0n, remainingGas: 0n }),
      input({ kind: 99 }),
      input(),
    ];
    for (const c of cases) {
      const { minTip, breakdown } = pricing.quote(c);
      assert.equal(breakdown.minProfit, defaultCurvePricingOptions.minProfitWei);
      assert.ok(minTip >= defaultCurvePricingOptions.minProfitWei);
    }
    const free = new CurvePricing({ ...defaultCurvePricingOptions, baseMultiplierWei: 0n, minProfitWei: 7n });
    assert.equal(free.quote(input()).minTip, 7n);
  });
});
