import assert from "node:assert/strict";
import { test } from "node:test";
import { type Hex, keccak256 } from "viem";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import {
  ALICE,
  ALICE_ADDRESS,
  BOB,
  BOB_ADDRESS,
  blockEnv,
  CAROL,
  CHAIN_ID,
  COINBASE,
  deployCode,
  ETHER,
  GWEI,
  genesis,
  STORAGE_RUNTIME,
  sign1559,
  transfer,
} from "./testFixtures.ts";

test("an EIP-1559 transfer moves value, charges gas at the effective price, pays the tip to the coinbase and burns the base fee", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const env = blockEnv({ baseFeePerGas: 3n * GWEI });
  const value = 123_456_789n;
  // effective price = min(maxFee 10, base 3 + tip 2) = 5 gwei
  const raw = await sign1559(ALICE, {
    nonce: 0,
    to: CAROL,
    value,
    maxFeePerGas: 10n * GWEI,
    maxPriorityFeePerGas: 2n * GWEI,
  });
  const outcome = await engine.execute(raw, env);

  assert.equal(outcome.txHash, keccak256(raw));
  assert.equal(outcome.from, ALICE_ADDRESS);
  assert.equal(outcome.type, 2);
  assert.equal(outcome.nonce, 0n);
  assert.equal(outcome.status, "success");
  assert.equal(outcome.gasUsed, 21_000n);
  assert.equal(outcome.cumulativeGasUsed, 21_000n);
  assert.equal(outcome.effectiveGasPrice, 5n * GWEI);
  assert.equal(outcome.contractAddress, null);
  assert.deepEqual(outcome.logs, []);
  assert.equal(outcome.output, "0x");
  assert.equal(outcome.postStateRoot, await engine.stateRoot());

  assert.deepEqual(await engine.account(ALICE.address), {
    nonce: 1n,
    balance: 100n * ETHER - value - 21_000n * 5n * GWEI,
  });
  assert.deepEqual(await engine.account(CAROL), { nonce: 0n, balance: value });
  assert.deepEqual(await engine.account(COINBASE), { nonce: 0n, balance: 21_000n * 2n * GWEI });
  // What left Alice and did not arrive anywhere is the burned base fee.
  const total = async () =>
    (await engine.account(ALICE.address)).balance +
    (await engine.account(BOB.address)).balance +
    (await engine.account(CAROL)).balance +
    (await engine.account(COINBASE)).balance;
  assert.equal(await total(), 105n * ETHER - 21_000n * 3n * GWEI);
});

test("the tip is capped by the fee cap", async () => {
  const engine = await createEthereumjsEngine(genesis());
  // min(maxFee 2, base 1 + tip 1.5) = 2 gwei: the coinbase gets 1 gwei per gas, not 1.5
  const raw = await sign1559(ALICE, {
    nonce: 0,
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: (3n * GWEI) / 2n,
  });
  const outcome = await engine.execute(raw, blockEnv());
  assert.equal(outcome.effectiveGasPrice, 2n * GWEI);
  assert.equal((await engine.account(COINBASE)).balance, 21_000n * GWEI);
});

test("legacy (EIP-155) and EIP-2930 transactions pay their gas price; the access list costs intrinsic gas", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const env = blockEnv();
  const legacy = await ALICE.signTransaction({
    type: "legacy",
    chainId: Number(CHAIN_ID),
    nonce: 0,
    to: CAROL,
    value: 1n,
    gas: 21_000n,
    gasPrice: 3n * GWEI,
  });
  const first = await engine.execute(legacy, env);
  assert.equal(first.type, 0);
  assert.equal(first.effectiveGasPrice, 3n * GWEI);
  assert.equal((await engine.account(COINBASE)).balance, 21_000n * 2n * GWEI);

  const accessList = [{ address: CAROL, storageKeys: [`0x${"00".repeat(31)}01` as Hex] }];
  const eip2930 = await ALICE.signTransaction({
    type: "eip2930",
    chainId: Number(CHAIN_ID),
    nonce: 1,
    to: CAROL,
    value: 1n,
    gas: 30_000n,
    gasPrice: 2n * GWEI,
    accessList,
  });
  const second = await engine.execute(eip2930, env);
  assert.equal(second.type, 1);
  assert.equal(second.gasUsed, 21_000n + 2_400n + 1_900n);
  assert.equal(second.cumulativeGasUsed, 21_000n + 25_300n);
  assert.equal((await engine.account(CAROL)).balance, 2n);
  assert.equal(
    (await engine.account(ALICE.address)).balance,
    100n * ETHER - 2n - 21_000n * 3n * GWEI - 25_300n * 2n * GWEI,
  );
});

test("block gas accumulates within a block number and restarts with the next", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const a = await engine.execute(await transfer(ALICE, 0, CAROL, 1n), blockEnv({ number: 7n }));
  const b = await engine.execute(await transfer(ALICE, 1, CAROL, 1n), blockEnv({ number: 7n }));
  const c = await engine.execute(await transfer(ALICE, 2, CAROL, 1n), blockEnv({ number: 8n }));
  assert.deepEqual(
    [a.cumulativeGasUsed, b.cumulativeGasUsed, c.cumulativeGasUsed],
    [21_000n, 42_000n, 21_000n],
  );
});

test("skipping the post-state root changes nothing but the outcome's field", async () => {
  const withRoots = await createEthereumjsEngine(genesis());
  const without = await createEthereumjsEngine(genesis());
  for (let nonce = 0; nonce < 3; nonce++) {
    const raw = await transfer(ALICE, nonce, CAROL, 10n);
    const kept = await withRoots.execute(raw, blockEnv());
    const skipped = await without.execute(raw, blockEnv(), { stateRoot: false });
    assert.equal(skipped.postStateRoot, null);
    assert.equal(kept.postStateRoot, await withRoots.stateRoot());
  }
  assert.equal(await without.stateRoot(), await withRoots.stateRoot());
});

test("two engines fed the same transactions agree on every post-state root, with native and JS ecrecover", async () => {
  const native = await createEthereumjsEngine(genesis());
  const js = await createEthereumjsEngine(genesis(), { nativeCrypto: false });
  assert.equal(await native.stateRoot(), await js.stateRoot());
  const txs = [
    await transfer(ALICE, 0, CAROL, 1n),
    await sign1559(ALICE, { nonce: 1, to: null, data: deployCode(STORAGE_RUNTIME), gas: 200_000n }),
    await transfer(BOB, 3, ALICE.address, ETHER),
    await sign1559(BOB, {
      nonce: 4,
      to: "0x5fbdb2315678afecb367f032d93f642f64180aa3",
      data: `0x${"00".repeat(31)}07`,
      gas: 100_000n,
    }),
    await transfer(ALICE, 2, BOB.address, 5n),
  ];
  const roots = new Set<string>();
  for (const [i, raw] of txs.entries()) {
    const env = blockEnv({ number: BigInt(1 + i) });
    const a = await native.execute(raw, env);
    const b = await js.execute(raw, env);
    assert.deepEqual(a, b);
    assert.ok(a.postStateRoot);
    roots.add(a.postStateRoot);
  }
  assert.equal(roots.size, txs.length, "every transaction changed the state");
});

test("calls made without awaiting are applied in call order", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const raws = await Promise.all([0, 1, 2, 3].map((nonce) => transfer(ALICE, nonce, CAROL, 1n)));
  const outcomes = await Promise.all(raws.map((raw) => engine.execute(raw, blockEnv())));
  assert.deepEqual(
    outcomes.map((o) => o.nonce),
    [0n, 1n, 2n, 3n],
  );
  assert.equal((await engine.account(CAROL)).balance, 4n);
  assert.equal(engine.chainId, CHAIN_ID);
  assert.equal(BOB_ADDRESS, BOB.address.toLowerCase());
});
