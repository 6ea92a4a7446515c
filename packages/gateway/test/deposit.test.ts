/**
 * Deposits through the gateway's restart replay: a genuine deposit stored as a consumed forced
 * inclusion is minted again on restart (not executed), a forged `0x7e` entry is skipped but keeps its
 * position, and a promise made on top has the root an independent engine computes.
 */
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createEthereumjsEngine } from "@baton/execution";
import { CommitmentKind, encodeDepositTx, parseCommitment, ZERO_HASH } from "@baton/protocol";
import { type Address, type Hex, keccak256, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { DEPOSIT_KIND, FORCED_KIND } from "../src/lanes.ts";
import type { StoredTransaction } from "../src/store.ts";
import {
  COMMITTER,
  GENESIS_TIME,
  GWEI,
  type Harness,
  ROLLUP_A,
  removeDir,
  request,
  rollupGenesis,
  SECONDS_PER_SLOT,
  signedTx,
  startHarness,
} from "./harness.ts";

/** A rollup account with nothing in the genesis: only the deposit funds it. */
const NEWCOMER_KEY: Hex = "0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba";
const NEWCOMER = privateKeyToAccount(NEWCOMER_KEY);
const DEPOSITOR: Address = "0x000000000000000000000000000000000000d0D0";

function forced(index: bigint, raw: Hex, kind: number, sender: Address): StoredTransaction {
  return {
    txHash: keccak256(raw),
    chainId: ROLLUP_A,
    requestHash: null,
    sender,
    nonce: index,
    raw,
    bundle: null,
    position: index,
    targetSlot: 4n,
    gas: 0n,
    cost: 0n,
    kind,
    commitmentHash: null,
  };
}

describe("gateway deposits", () => {
  let h: Harness | undefined;
  after(async () => {
    await h?.close();
    if (h) removeDir(h.dataDir);
  });

  it("replays a stored deposit as a mint and a forged 0x7e entry as nothing", async () => {
    h = await startHarness();
    h.at(2, 400);
    const deposit = {
      chainId: ROLLUP_A,
      depositNonce: 0n,
      from: DEPOSITOR,
      to: NEWCOMER.address,
      value: parseEther("1"),
    };
    const genuine = encodeDepositTx(deposit);
    const fake = encodeDepositTx({ ...deposit, depositNonce: 1n, value: parseEther("1000") });
    await h.gateway.store.saveForced(forced(0n, genuine, DEPOSIT_KIND, DEPOSITOR));
    await h.gateway.store.saveForced(forced(1n, fake, FORCED_KIND, zeroAddress));
    h = await h.restart();

    // Only the deposit funds the newcomer: the promise succeeds, at the position after both entries.
    const tx = await signedTx({ key: NEWCOMER_KEY, chainId: ROLLUP_A, nonce: 0, value: parseEther("0.5") });
    const reply = await h.client.commitmentRequest(request([tx], CommitmentKind.state));
    const commitment = parseCommitment(reply.baton.commitment);
    assert.equal(commitment.position, 2n);

    const engine = await createEthereumjsEngine(rollupGenesis(ROLLUP_A));
    const env = {
      number: 1n,
      timestamp: BigInt(GENESIS_TIME + 4 * SECONDS_PER_SLOT),
      coinbase: COMMITTER,
      baseFeePerGas: GWEI,
      gasLimit: 30_000_000n,
      prevRandao: ZERO_HASH,
    };
    await engine.applyDeposit({ ...deposit, txHash: keccak256(genuine) }, env);
    const outcome = await engine.execute(tx, env);
    assert.equal(commitment.postStateRoot, outcome.postStateRoot);
    await engine.close();
  });
});
