/**
 * The devnet's load generator: preconfirmation requests for L1 and every rollup, at a steady rate,
 * through the gateway API (the same client a wallet would use). Kinds rotate: L1 inclusion, rollup
 * inclusion, ordering and state promises, and a cross-rollup bundle now and then. Each account has at
 * most one request in flight per chain, so its nonces stay continuous.
 */
import { GatewayApiError, type GatewayClient } from "@baton/clients";
import { CommitmentKind, encodePreconfRequest, type Logger } from "@baton/protocol";
import { type Hex, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { LoadAccount } from "./loadAccounts.ts";

export interface LoadGeneratorOptions {
  /** Requests per second. */
  readonly rps: number;
  readonly l1ChainId: bigint;
  readonly rollups: readonly bigint[];
  readonly slasher: Hex;
  /** No request is sent for a window whose target slot is at or after this slot (so every promise is checkable by the end). */
  readonly lastTargetSlot: number;
}

export interface LoadStats {
  sent: number;
  committed: number;
  refused: Record<string, number>;
}

type Plan = { readonly kind: CommitmentKind; readonly chains: readonly bigint[] };

export class LoadGenerator {
  readonly stats: LoadStats = { sent: 0, committed: 0, refused: {} };
  readonly #nonces = new Map<string, number>();
  readonly #busy = new Set<string>();
  #timer: NodeJS.Timeout | null = null;
  #health: NodeJS.Timeout | null = null;
  #servingTarget: number | null = null;
  #turn = 0;
  readonly #inFlight = new Set<Promise<void>>();
  readonly #plans: Plan[];

  constructor(
    private readonly client: GatewayClient,
    private readonly accounts: readonly LoadAccount[],
    private readonly options: LoadGeneratorOptions,
    private readonly logger: Logger,
  ) {
    const [a, b] = options.rollups;
    const plans: Plan[] = [{ kind: CommitmentKind.inclusion, chains: [options.l1ChainId] }];
    if (a !== undefined) {
      plans.push(
        { kind: CommitmentKind.inclusion, chains: [a] },
        { kind: CommitmentKind.state, chains: [a] },
      );
    }
    if (b !== undefined) {
      plans.push({ kind: CommitmentKind.ordering, chains: [b] }, { kind: CommitmentKind.state, chains: [b] });
    }
    plans.push({ kind: CommitmentKind.inclusion, chains: [options.l1ChainId] });
    if (a !== undefined && b !== undefined) plans.push({ kind: CommitmentKind.bundle, chains: [a, b] });
    this.#plans = plans;
  }

  start(): void {
    if (this.options.rps <= 0) return;
    const poll = () => {
      this.client
        .health(undefined)
        .then((health) => {
          this.#servingTarget = health.servingWindow?.targetSlot ?? null;
        })
        .catch(() => {
          this.#servingTarget = null;
        });
    };
    poll();
    this.#health = setInterval(poll, 200);
    this.#timer = setInterval(() => this.#tick(), 1000 / this.options.rps);
  }

  #tick(): void {
    const target = this.#servingTarget;
    if (target === null || target >= this.options.lastTargetSlot) return;
    const plan = this.#plans[this.#turn % this.#plans.length] as Plan;
    const account = this.accounts[
      Math.floor(this.#turn / this.#plans.length) % this.accounts.length
    ] as LoadAccount;
    this.#turn++;
    const keys = plan.chains.map((chain) => `${account.address}:${chain}`);
    if (keys.some((key) => this.#busy.has(key))) return;
    for (const key of keys) this.#busy.add(key);
    const run = this.#send(plan, account, keys, BigInt(target)).finally(() => {
      for (const key of keys) this.#busy.delete(key);
      this.#inFlight.delete(run);
    });
    this.#inFlight.add(run);
  }

  /** Asks for the window `target` only (the gateway refuses with SLOT_NOT_SERVED once it has moved on). */
  async #send(plan: Plan, account: LoadAccount, keys: string[], target: bigint): Promise<void> {
    const signer = privateKeyToAccount(account.privateKey);
    const transactions: Hex[] = [];
    for (const [i, chainId] of plan.chains.entries()) {
      transactions.push(
        await signer.signTransaction({
          type: "eip1559",
          chainId: Number(chainId),
          nonce: this.#nonces.get(keys[i] as string) ?? 0,
          gas: 21_000n,
          to: "0x000000000000000000000000000000000000dEaD",
          value: 1_000n,
          maxFeePerGas: 20_000_000_000n,
          maxPriorityFeePerGas: 2_000_000_000n,
        }),
      );
    }
    this.stats.sent++;
    try {
      await this.client.commitmentRequest({
        commitment_type: plan.kind,
        payload: encodePreconfRequest({ transactions, slot: target, beneficiary: zeroAddress }),
        slasher: this.options.slasher,
      });
      this.stats.committed++;
      for (const key of keys) this.#nonces.set(key, (this.#nonces.get(key) ?? 0) + 1);
    } catch (error) {
      const code = error instanceof GatewayApiError ? error.code : "NETWORK";
      this.stats.refused[code] = (this.stats.refused[code] ?? 0) + 1;
      if (code === "NETWORK" || code === "INTERNAL") {
        this.logger.warn("load request failed", { code, error: String(error).split("\n")[0]?.slice(0, 200) });
      }
    }
  }

  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#health !== null) clearInterval(this.#health);
    this.#timer = null;
    this.#health = null;
    await Promise.allSettled([...this.#inFlight]);
  }
}
