/**
 * Pricing of promises, pluggable through {@link PricingPolicy}.
 *
 * The default, {@link CurvePricing}, prices the gas a promise takes out of the window with the
 * cumulative-reward model of the Lido/Nethermind inclusion-preconfirmation research (the curve Bolt
 * adopted): the value of the first x gas of a block is `a * ln(1 + b * x)`, so promising g gas while
 * R gas is unpromised costs `a * ln((1 + b R) / (1 + b (R - g)))`; it rises as the window fills. The
 * window's capacity is scaled to a 30M-gas block for the curve. To that it adds a minimum profit and a
 * premium for contentious state: each contract the transaction touches that other promises touched
 * recently adds `contentionPremiumWei * gas / 21000` per recent promise, up to a cap.
 */
import type { Address } from "viem";

export interface PriceInput {
  readonly kind: number;
  /** Gas the promise takes (the transactions' gas limits). */
  readonly gas: bigint;
  /** Gas still unpromised in the window for the chain, before this promise. */
  readonly remainingGas: bigint;
  readonly capacityGas: bigint;
  /** Contracts the transactions call or list. */
  readonly touches: readonly Address[];
  readonly nowMs: number;
}

export interface Price {
  /** The minimum tip in wei. */
  readonly minTip: bigint;
  readonly breakdown: Readonly<Record<string, bigint>>;
}

export interface PricingPolicy {
  quote(input: PriceInput): Price;
  /** Called once a promise is made, so contention can be tracked. */
  recordPromise(input: PriceInput): void;
}

export interface CurvePricingOptions {
  /** `a`, in wei (0.019 ETH in the research). */
  readonly baseMultiplierWei: bigint;
  /** `b`, per gas of a 30M block (1.02e-6 in the research). */
  readonly gasScalar: number;
  /** Added to every price. */
  readonly minProfitWei: bigint;
  /** Premium per recent promise touching the same contract, for a 21,000-gas transaction. */
  readonly contentionPremiumWei: bigint;
  /** How long a touch keeps a contract hot. */
  readonly hotWindowMs: number;
  /** At most this many recent promises are charged per contract. */
  readonly maxHotCount: number;
  /** Extra multiplier per kind (ordering, state and bundles cost more than inclusion), in basis points. */
  readonly kindMultiplierBps: Readonly<Record<number, number>>;
}

export const defaultCurvePricingOptions: CurvePricingOptions = {
  baseMultiplierWei: 19_000_000_000_000_000n,
  gasScalar: 1.02e-6,
  minProfitWei: 10_000_000_000n, // 1e10 wei
  contentionPremiumWei: 1_000_000_000_000n, // 1e12 wei (0.000001 ETH) per hot hit at 21k gas
  hotWindowMs: 24_000,
  maxHotCount: 16,
  kindMultiplierBps: { 0: 10_000, 1: 11_000, 2: 12_500, 3: 15_000 },
};

const CURVE_BLOCK_GAS = 30_000_000;

export class CurvePricing implements PricingPolicy {
  readonly #touches = new Map<string, number[]>();

  constructor(readonly options: CurvePricingOptions = defaultCurvePricingOptions) {}

  quote(input: PriceInput): Price {
    const o = this.options;
    const scale = input.capacityGas > 0n ? CURVE_BLOCK_GAS / Number(input.capacityGas) : 1;
    const remaining = Number(input.remainingGas) * scale;
    const after = Math.max(0, remaining - Number(input.gas) * scale);
    const ratio = (1 + o.gasScalar * remaining) / (1 + o.gasScalar * after);
    const curve = BigInt(Math.ceil(Number(o.baseMultiplierWei) * Math.log(ratio)));
    const kinded = (curve * BigInt(o.kindMultiplierBps[input.kind] ?? 10_000)) / 10_000n;
    let hits = 0;
    for (const address of input.touches) hits += Math.min(o.maxHotCount, this.#recent(address, input.nowMs));
    const contention = (o.contentionPremiumWei * BigInt(hits) * input.gas) / 21_000n;
    return {
      minTip: kinded + o.minProfitWei + contention,
      breakdown: { curve: kinded, minProfit: o.minProfitWei, contention },
    };
  }

  recordPromise(input: PriceInput): void {
    for (const address of input.touches) {
      const key = address.toLowerCase();
      const times = this.#touches.get(key) ?? [];
      times.push(input.nowMs);
      this.#touches.set(key, times);
    }
  }

  #recent(address: Address, nowMs: number): number {
    const times = this.#touches.get(address.toLowerCase());
    if (times === undefined) return 0;
    const cutoff = nowMs - this.options.hotWindowMs;
    while (times.length > 0 && (times[0] ?? 0) < cutoff) times.shift();
    if (times.length === 0) this.#touches.delete(address.toLowerCase());
    return times.length;
  }
}
