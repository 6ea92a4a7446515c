import assert from "node:assert/strict";
import { test } from "node:test";
import { encodeDepositTx } from "@baton/protocol";
import { type Address, type Hex, keccak256 } from "viem";
import { ExecutionError } from "./errors.ts";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import {
  ALICE,
  BOB,
  blockEnv,
  CAROL,
  CHAIN_ID,
  COINBASE,
  ETHER,
  type ExpectedAccount,
  expectedRoot,
  GWEI,
  genesis,
  transfer,
} from "./testFixtures.ts";
import type { DepositMint } from "./types.ts";

const DEPOSITOR: Address = "0x000000000000000000000000000000000000d0d0";
/** The raw bytes the bridge would queue (only their hash reaches the engine). */
const RAW: Hex = encodeDepositTx({
  chainId: CHAIN_ID,
  depositNonce: 1n,
  from: DEPOSITOR,
  to: CAROL,
  value: 128n,
});

const mint = (to: Address, value: bigint, raw: Hex = RAW): DepositMint => ({
  to,
  value,
  from: DEPOSITOR,
  txHash: keccak256(raw),
});

test("a deposit credits a new account: receipt fields and a root matching an independent trie", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER } }));
  const env = blockEnv({ number: 7n });
  const outcome = await engine.applyDeposit(mint(CAROL, 5n * ETHER), env);
  assert.deepEqual(outcome, {
    txHash: keccak256(RAW),
    from: DEPOSITOR,
    to: CAROL,
    type: 0x7e,
    nonce: 0n,
    status: "success",
    gasUsed: 0n,
    cumulativeGasUsed: 0n,
    effectiveGasPrice: 0n,
    postStateRoot: expectedRoot({ [ALICE.address]: { balance: ETHER }, [CAROL]: { balance: 5n * ETHER } }),
    logs: [],
    contractAddress: null,
    output: "0x",
  });
  assert.deepEqual(await engine.account(CAROL), { nonce: 0n, balance: 5n * ETHER });
  assert.equal(await engine.stateRoot(), outcome.postStateRoot);
});

test("deposits between transactions: balances add up, no nonce, block gas count unchanged", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER } }));
  const env = blockEnv({ baseFeePerGas: 7n });
  const price = GWEI + 7n;
  const first = await engine.execute(await transfer(ALICE, 0, BOB.address, 1_000n), env);
  const deposit = await engine.applyDeposit(mint(ALICE.address, 3n * ETHER), env);
  assert.equal(deposit.cumulativeGasUsed, first.cumulativeGasUsed, "the deposit uses no block gas");
  const state: Record<Address, ExpectedAccount> = {
    [ALICE.address]: { balance: ETHER - 1_000n - 21_000n * price + 3n * ETHER, nonce: 1n },
    [BOB.address]: { balance: 1_000n },
    [COINBASE]: { balance: 21_000n * GWEI },
  };
  assert.equal(deposit.postStateRoot, expectedRoot(state));
  // The deposited ether is spendable at once, and the sender's nonce did not move.
  const second = await engine.execute(await transfer(ALICE, 1, BOB.address, 2n * ETHER), env);
  assert.equal(second.status, "success");
  assert.equal(second.cumulativeGasUsed, 42_000n);
  // A deposit in the next block restarts the count.
  const next = await engine.applyDeposit(mint(BOB.address, 1n), blockEnv({ number: env.number + 1n }));
  assert.equal(next.cumulativeGasUsed, 0n);
});

test("a zero deposit to a new account creates nothing", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER } }));
  const before = await engine.stateRoot();
  const outcome = await engine.applyDeposit(mint(CAROL, 0n), blockEnv());
  assert.equal(outcome.postStateRoot, before);
  assert.equal(outcome.status, "success");
});

test("revert() undoes a deposit; commit() keeps it", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER } }));
  const env = blockEnv();
  const before = await engine.stateRoot();
  await engine.checkpoint();
  await engine.applyDeposit(mint(CAROL, 9n), env);
  await engine.execute(await transfer(ALICE, 0, CAROL, 1n), env);
  await engine.revert();
  assert.equal(await engine.stateRoot(), before);
  assert.deepEqual(await engine.account(CAROL), { nonce: 0n, balance: 0n });
  await engine.checkpoint();
  const kept = await engine.applyDeposit(mint(CAROL, 9n), env);
  await engine.commit();
  assert.equal(await engine.stateRoot(), kept.postStateRoot);
  assert.deepEqual(await engine.account(CAROL), { nonce: 0n, balance: 9n });
});

test("without a root, deposits and transactions batch and reach the same final root", async () => {
  const alloc = { [ALICE.address]: { balance: ETHER } };
  const env = blockEnv();
  const run = async (stateRoot: boolean) => {
    const engine = await createEthereumjsEngine(genesis(alloc));
    const a = await engine.applyDeposit(mint(BOB.address, 4n), env, { stateRoot });
    await engine.execute(await transfer(ALICE, 0, CAROL, 1n), env, { stateRoot });
    await engine.applyDeposit(mint(CAROL, 2n), env, { stateRoot });
    return { first: a.postStateRoot, final: await engine.stateRoot() };
  };
  const withRoots = await run(true);
  const deferred = await run(false);
  assert.equal(deferred.first, null);
  assert.equal(deferred.final, withRoots.final);
});

test("refuses malformed deposits with EXECUTION_INVALID_ARGUMENT and changes nothing", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER } }));
  const before = await engine.stateRoot();
  for (const bad of [
    { ...mint(CAROL, 1n), to: "0x1234" as Address },
    { ...mint(CAROL, 1n), from: "nope" as Address },
    mint(CAROL, -1n),
    mint(CAROL, 2n ** 256n),
    { ...mint(CAROL, 1n), txHash: "0x12" as Hex },
  ]) {
    await assert.rejects(
      engine.applyDeposit(bad, blockEnv()),
      (error: unknown) => error instanceof ExecutionError && error.code === "EXECUTION_INVALID_ARGUMENT",
    );
  }
  assert.equal(await engine.stateRoot(), before);
});
