import assert from "node:assert/strict";
import { test } from "node:test";
import { type Address, getContractAddress, type Hex, keccak256, pad, toHex } from "viem";
import { sign } from "viem/accounts";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import {
  ALICE,
  ALICE_ADDRESS,
  BOB,
  blockEnv,
  COINBASE,
  deployCode,
  ETHER,
  GWEI,
  genesis,
  KEY_B,
  REVERT_RUNTIME,
  STORAGE_RUNTIME,
  STORED_TOPIC,
  sign1559,
} from "./testFixtures.ts";

const REVERTER: Address = "0x000000000000000000000000000000000000dead";
const SLOT0 = toHex(0n, { size: 32 });

function alloc() {
  return {
    [ALICE.address]: { balance: 100n * ETHER },
    [REVERTER]: { balance: 0n, code: REVERT_RUNTIME },
  };
}

test("a deployed contract has its runtime code and a call writes its storage and logs", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const env = blockEnv();
  const deploy = await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n }),
    env,
  );
  const contract = getContractAddress({ from: ALICE.address, nonce: 0n });
  assert.equal(deploy.status, "success");
  assert.equal(deploy.contractAddress, contract.toLowerCase());
  assert.equal(await engine.code(contract), STORAGE_RUNTIME);

  const value = toHex(0x2a, { size: 32 });
  const write = await engine.execute(
    await sign1559(ALICE, { nonce: 1, to: contract, data: value, gas: 60_000n }),
    env,
  );
  assert.equal(write.status, "success");
  assert.equal(await engine.storage(contract, SLOT0), value);
  assert.deepEqual(write.logs, [{ address: contract.toLowerCase(), topics: [STORED_TOPIC], data: value }]);
  // 21000 + calldata (31 zero bytes * 4 + 1 * 16) + 3+3+3+3 + SSTORE (cold, 0 -> non-zero: 2100 + 20000)
  // + 3 + MSTORE (3 + 3 memory) + 3+3+3 + LOG1 (375 + 375 + 8 * 32)
  assert.equal(write.gasUsed, 21_000n + 140n + 12n + 22_100n + 3n + 6n + 9n + 1_006n);
  assert.equal(write.cumulativeGasUsed, deploy.gasUsed + write.gasUsed);
});

test("a reverting call bumps the nonce, consumes gas, keeps the value and returns the revert data", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const before = await engine.account(ALICE.address);
  const outcome = await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: REVERTER, value: ETHER, gas: 50_000n }),
    blockEnv(),
  );
  assert.equal(outcome.status, "reverted");
  assert.equal(outcome.output, "0xdeadbeef");
  // PUSH4 PUSH1 MSTORE(3 + 3 memory) PUSH1 PUSH1 REVERT: 3+3+6+3+3; unused gas is refunded
  assert.equal(outcome.gasUsed, 21_000n + 18n);
  assert.deepEqual(await engine.account(ALICE.address), {
    nonce: 1n,
    balance: before.balance - outcome.gasUsed * 2n * GWEI,
  });
  assert.equal((await engine.account(REVERTER)).balance, 0n);
  assert.equal((await engine.account(COINBASE)).balance, outcome.gasUsed * GWEI);
});

test("running out of gas is a reverted transaction that uses its whole gas limit", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const env = blockEnv();
  await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n }),
    env,
  );
  const contract = getContractAddress({ from: ALICE.address, nonce: 0n });
  const outcome = await engine.execute(
    await sign1559(ALICE, { nonce: 1, to: contract, data: toHex(1n, { size: 32 }), gas: 30_000n }),
    env,
  );
  assert.equal(outcome.status, "reverted");
  assert.equal(outcome.gasUsed, 30_000n);
  assert.equal(await engine.storage(contract, SLOT0), SLOT0);
  assert.equal((await engine.account(ALICE.address)).nonce, 2n);
});

test("a reverted creation still reports the address it would have had", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const outcome = await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: null, data: REVERT_RUNTIME, gas: 100_000n }),
    blockEnv(),
  );
  assert.equal(outcome.status, "reverted");
  assert.equal(outcome.contractAddress, getContractAddress({ from: ALICE.address, nonce: 0n }).toLowerCase());
  assert.equal(await engine.code(getContractAddress({ from: ALICE.address, nonce: 0n })), "0x");
});

test("call() executes without keeping anything and reports reverts", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const env = blockEnv();
  await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n }),
    env,
  );
  const contract = getContractAddress({ from: ALICE.address, nonce: 0n });
  const root = await engine.stateRoot();

  const written = await engine.call(
    { from: ALICE.address, to: contract, data: toHex(7n, { size: 32 }) },
    env,
  );
  assert.equal(written.status, "success");
  assert.equal(written.logs.length, 1);
  assert.equal(await engine.storage(contract, SLOT0), SLOT0);
  assert.equal(await engine.stateRoot(), root);
  assert.equal((await engine.account(ALICE.address)).nonce, 1n);

  const reverted = await engine.call({ to: REVERTER }, env);
  assert.deepEqual(reverted, { status: "reverted", gasUsed: 18n, returnData: "0xdeadbeef", logs: [] });

  const poor = await engine.call({ from: COINBASE, to: REVERTER, value: 1n }, env);
  assert.equal(poor.status, "reverted");
  assert.equal(await engine.stateRoot(), root);
});

test("the ECRECOVER precompile recovers the signer with native and JS crypto", async () => {
  const hash = keccak256("0x1234");
  const signature = await sign({ hash, privateKey: KEY_B });
  const input = `0x${[hash, pad(toHex(27n + BigInt(signature.yParity ?? 0))), signature.r, signature.s]
    .map((word) => word.slice(2))
    .join("")}` as Hex;
  for (const nativeCrypto of [true, false]) {
    const engine = await createEthereumjsEngine(genesis(alloc()), { nativeCrypto });
    const result = await engine.call(
      { to: "0x0000000000000000000000000000000000000001", data: input },
      blockEnv(),
    );
    assert.equal(result.returnData, pad(BOB.address.toLowerCase() as Hex));
    const bad = await engine.call(
      {
        to: "0x0000000000000000000000000000000000000001",
        data: `${input.slice(0, 66)}${"00".repeat(96)}` as Hex,
      },
      blockEnv(),
    );
    assert.equal(bad.returnData, "0x");
  }
});

test("the point-evaluation precompile fails every proof (no KZG on rollups) and consumes the gas given", async () => {
  const engine = await createEthereumjsEngine(genesis(alloc()));
  const data = `0x01${"00".repeat(191)}` as Hex;
  const outcome = await engine.execute(
    await sign1559(ALICE, {
      nonce: 0,
      to: "0x000000000000000000000000000000000000000a",
      data,
      gas: 100_000n,
    }),
    blockEnv(),
  );
  assert.equal(outcome.status, "reverted");
  assert.equal(outcome.gasUsed, 100_000n);
});

test("BLOCKHASH returns the hashes given by the blockHash option, zero by default", async () => {
  // PUSH1 9 BLOCKHASH PUSH1 0 SSTORE STOP
  const runtime: Hex = "0x60094060005500";
  const probe: Address = "0x0000000000000000000000000000000000b10c45";
  const hashOf = (n: bigint) => keccak256(toHex(n));
  for (const blockHash of [undefined, hashOf]) {
    const engine = await createEthereumjsEngine(
      genesis({ ...alloc(), [probe]: { balance: 0n, code: runtime } }),
      blockHash === undefined ? {} : { blockHash },
    );
    await engine.execute(
      await sign1559(ALICE, { nonce: 0, to: probe, gas: 100_000n }),
      blockEnv({ number: 10n }),
    );
    assert.equal(await engine.storage(probe, SLOT0), blockHash === undefined ? SLOT0 : hashOf(9n));
  }
  assert.equal(ALICE_ADDRESS, ALICE.address.toLowerCase());
});
