import assert from "node:assert/strict";
import { test } from "node:test";
import { getContractAddress, type Hex, toHex } from "viem";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import {
  ALICE,
  BOB,
  blockEnv,
  CAROL,
  COINBASE,
  deployCode,
  genesis,
  STORAGE_RUNTIME,
  sign1559,
  transfer,
} from "./testFixtures.ts";
import type { ExecutionEngine } from "./types.ts";

const env = blockEnv();
const CONTRACT = getContractAddress({ from: ALICE.address, nonce: 0n });
const SLOT0 = toHex(0n, { size: 32 });

/** The state an engine exposes, for comparisons beyond the root. */
async function snapshot(engine: ExecutionEngine) {
  return {
    root: await engine.stateRoot(),
    alice: await engine.account(ALICE.address),
    bob: await engine.account(BOB.address),
    carol: await engine.account(CAROL),
    coinbase: await engine.account(COINBASE),
    slot: await engine.storage(CONTRACT, SLOT0),
  };
}

const deploy = () =>
  sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n });
const store = (nonce: number, value: bigint) =>
  sign1559(ALICE, { nonce, to: CONTRACT, data: toHex(value, { size: 32 }), gas: 60_000n });

/** An engine that executed `txs` only, never anything reverted. */
async function reference(txs: Hex[]): Promise<ExecutionEngine> {
  const engine = await createEthereumjsEngine(genesis());
  for (const raw of txs) await engine.execute(raw, env);
  return engine;
}

test("revert restores the exact state: root, balances, nonces, storage and block gas", async () => {
  const engine = await createEthereumjsEngine(genesis());
  await engine.execute(await deploy(), env);
  await engine.execute(await store(1, 5n), env);
  const before = await snapshot(engine);

  await engine.checkpoint();
  assert.equal(engine.checkpointDepth, 1);
  await engine.execute(await store(2, 6n), env);
  await engine.execute(await transfer(BOB, 3, CAROL, 10n), env);
  assert.notEqual(await engine.stateRoot(), before.root);
  await engine.revert();
  assert.equal(engine.checkpointDepth, 0);
  assert.deepEqual(await snapshot(engine), before);

  // Execution goes on from the restored state, block gas included.
  const next = await engine.execute(await store(2, 7n), env);
  const ref = await reference([await deploy(), await store(1, 5n), await store(2, 7n)]);
  assert.equal(next.postStateRoot, await ref.stateRoot());
  assert.deepEqual(await snapshot(engine), await snapshot(ref));
});

test("nested checkpoints: an inner revert keeps the outer changes, an outer commit keeps them all", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const a = await deploy();
  const b = await store(1, 1n);
  const c = await transfer(BOB, 3, CAROL, 3n);
  await engine.checkpoint();
  const afterA = (await engine.execute(a, env)).postStateRoot;
  await engine.checkpoint();
  assert.equal(engine.checkpointDepth, 2);
  await engine.execute(b, env);
  await engine.revert();
  assert.equal(await engine.stateRoot(), afterA);
  const outcome = await engine.execute(c, env);
  await engine.commit();
  assert.equal(engine.checkpointDepth, 0);
  const ref = await reference([a, c]);
  assert.equal(outcome.postStateRoot, await ref.stateRoot());
  assert.deepEqual(await snapshot(engine), await snapshot(ref));
});

test("an inner commit is undone by an outer revert", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const before = await snapshot(engine);
  await engine.checkpoint();
  await engine.execute(await deploy(), env);
  await engine.checkpoint();
  await engine.execute(await store(1, 9n), env);
  await engine.commit();
  assert.equal(await engine.storage(CONTRACT, SLOT0), toHex(9n, { size: 32 }));
  await engine.revert();
  assert.deepEqual(await snapshot(engine), before);
  assert.equal(await engine.code(CONTRACT), "0x");
});

test("transactions executed without roots are reverted and committed like the others", async () => {
  const engine = await createEthereumjsEngine(genesis());
  await engine.execute(await deploy(), env, { stateRoot: false });
  const before = await snapshot(engine);
  await engine.checkpoint();
  await engine.execute(await store(1, 4n), env, { stateRoot: false });
  await engine.execute(await transfer(BOB, 3, CAROL, 1n), env, { stateRoot: false });
  await engine.revert();
  assert.deepEqual(await snapshot(engine), before);

  await engine.checkpoint();
  await engine.execute(await store(1, 4n), env, { stateRoot: false });
  await engine.commit();
  const ref = await reference([await deploy(), await store(1, 4n)]);
  assert.deepEqual(await snapshot(engine), await snapshot(ref));
});

test("a reverted checkpoint gives its block gas back", async () => {
  const engine = await createEthereumjsEngine(genesis());
  await engine.execute(await transfer(ALICE, 0, CAROL, 1n), env);
  await engine.checkpoint();
  await engine.execute(await transfer(ALICE, 1, CAROL, 1n), env);
  await engine.revert();
  const outcome = await engine.execute(await transfer(ALICE, 1, CAROL, 1n), env);
  assert.equal(outcome.cumulativeGasUsed, 42_000n);
});
