/**
 * L1 senders' nonces and balances given the promises already made: the head's account state plus
 * every promised transaction not yet mined (a promised transaction whose nonce is below the head's
 * nonce has landed, and its cost is in the head's balance). Rollup senders are checked against the
 * rollup's pending state instead (`lanes.ts`).
 */
import { GatewayApiError } from "@baton/clients";
import type { Address } from "viem";
import type { DecodedTransaction } from "./transaction.ts";

interface SenderState {
  base: { nonce: bigint; balance: bigint; block: bigint };
  /** Promised transactions by nonce: their worst-case cost. */
  promised: Map<bigint, bigint>;
}

/** The most a transaction can take from its sender: value + gas at the max fee (+ blob gas). */
export function worstCaseCost(tx: DecodedTransaction): bigint {
  return tx.value + tx.gas * tx.maxFeePerGas + BigInt(tx.blobCount) * 131_072n * tx.maxFeePerBlobGas;
}

export class L1Ledger {
  readonly #senders = new Map<string, SenderState>();

  constructor(
    private readonly fetchAccount: (
      address: Address,
      block: bigint,
    ) => Promise<{ nonce: bigint; balance: bigint }>,
  ) {}

  /** Makes sure the sender's head state is at `block` (call before entering the decision section). */
  async prepare(address: Address, block: bigint): Promise<void> {
    const state = this.#senders.get(address.toLowerCase());
    if (state !== undefined && state.base.block >= block) return;
    const account = await this.fetchAccount(address, block);
    const current = this.#senders.get(address.toLowerCase());
    if (current !== undefined && current.base.block >= block) return;
    const promised = current?.promised ?? new Map<bigint, bigint>();
    for (const nonce of promised.keys()) if (nonce < account.nonce) promised.delete(nonce);
    this.#senders.set(address.toLowerCase(), { base: { ...account, block }, promised });
  }

  /**
   * Checks nonce continuity and balance against earlier promises.
   * @throws GatewayApiError `NONCE_TOO_LOW`, `NONCE_GAP`, `INSUFFICIENT_BALANCE`.
   */
  check(tx: DecodedTransaction): void {
    const state = this.#senders.get(tx.from.toLowerCase());
    if (state === undefined) throw new GatewayApiError("INTERNAL", "Sender state was not prepared");
    let next = state.base.nonce;
    let committed = 0n;
    for (const [nonce, cost] of state.promised) {
      if (nonce >= next) next = nonce + 1n;
      committed += cost;
    }
    if (tx.nonce < next)
      throw new GatewayApiError("NONCE_TOO_LOW", undefined, {
        nonce: tx.nonce.toString(),
        expected: next.toString(),
      });
    if (tx.nonce > next)
      throw new GatewayApiError("NONCE_GAP", undefined, {
        nonce: tx.nonce.toString(),
        expected: next.toString(),
      });
    const cost = worstCaseCost(tx);
    if (state.base.balance < committed + cost) {
      throw new GatewayApiError("INSUFFICIENT_BALANCE", undefined, {
        available: (state.base.balance - committed).toString(),
        needed: cost.toString(),
      });
    }
  }

  /** Records a promise (after `check`). */
  add(tx: DecodedTransaction): void {
    this.restore(tx.from, tx.nonce, worstCaseCost(tx));
  }

  /** Records a promise reloaded from the store. */
  restore(sender: Address, nonce: bigint, cost: bigint): void {
    const key = sender.toLowerCase();
    let state = this.#senders.get(key);
    if (state === undefined) {
      state = { base: { nonce: 0n, balance: 0n, block: -1n }, promised: new Map() };
      this.#senders.set(key, state);
    }
    state.promised.set(nonce, cost);
  }
}
