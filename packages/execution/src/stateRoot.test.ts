/**
 * Cross-checks of the engine's state roots against an independent computation: the expected state
 * is written out by hand (balances by arithmetic) and its root built with `@baton/protocol`'s own
 * Merkle-Patricia trie (not ethereumjs's) over RLP accounts keyed by keccak256(address).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { EMPTY_TRIE_ROOT } from "@baton/protocol";
import { type Address, getContractAddress, type Hex, toHex } from "viem";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import {
  ALICE,
  BOB,
  blockEnv,
  CAROL,
  COINBASE,
  deployCode,
  ETHER,
  type ExpectedAccount,
  expectedRoot,
  GWEI,
  genesis,
  STORAGE_RUNTIME,
  sign1559,
  transfer,
} from "./testFixtures.ts";

test("an empty genesis has the empty trie's root", async () => {
  const engine = await createEthereumjsEngine(genesis({}));
  assert.equal(await engine.stateRoot(), EMPTY_TRIE_ROOT);
});

test("the genesis root matches an independent trie: balances, nonces, code, storage and an empty account", async () => {
  const code: Hex = "0x6001600155";
  const slot1: Hex = `0x${"00".repeat(31)}01`;
  const slot2: Hex = `0x${"ab".repeat(32)}`;
  const slot3: Hex = `0x${"00".repeat(31)}03`;
  const empty: Address = "0x00000000000000000000000000000000000e3e3e";
  const contract: Address = "0x000000000000000000000000000000000000c0de";
  const engine = await createEthereumjsEngine(
    genesis({
      [ALICE.address]: { balance: 100n * ETHER },
      [BOB.address]: { balance: 1n, nonce: 7n },
      [contract]: {
        balance: 0n,
        nonce: 1n,
        code,
        storage: { [slot1]: "0x2a", [slot2]: `0x${"00".repeat(30)}0102`, [slot3]: "0x00" },
      },
      [empty]: { balance: 0n },
    }),
  );
  const expected = expectedRoot({
    [ALICE.address]: { balance: 100n * ETHER },
    [BOB.address]: { balance: 1n, nonce: 7n },
    [contract]: { balance: 0n, nonce: 1n, code, storage: { [slot1]: 42n, [slot2]: 0x0102n } },
    [empty]: { balance: 0n },
  });
  assert.equal(await engine.stateRoot(), expected);
  assert.equal(await engine.code(contract), code);
  assert.equal(await engine.storage(contract, slot2), `0x${"00".repeat(30)}0102`);
  assert.equal(await engine.storage(contract, slot3), `0x${"00".repeat(32)}`);
});

test("post-state roots of transfers match the independently computed state after every transaction", async () => {
  const engine = await createEthereumjsEngine(genesis());
  const env = blockEnv({ baseFeePerGas: 7n });
  // Balances by arithmetic: effective price = min(maxFee 2 gwei, 7 wei + tip 1 gwei) = 1 gwei + 7 wei.
  const price = GWEI + 7n;
  const tip = GWEI;
  const state: Record<Address, ExpectedAccount> = {
    [ALICE.address]: { balance: 100n * ETHER },
    [BOB.address]: { balance: 5n * ETHER, nonce: 3n },
  };
  const steps: [typeof ALICE, number, Address, bigint][] = [
    [ALICE, 0, CAROL, 1_000n],
    [BOB, 3, CAROL, 2n * ETHER],
    [ALICE, 1, BOB.address, 3n],
    [ALICE, 2, CAROL, 0n],
  ];
  for (const [signer, nonce, to, value] of steps) {
    const outcome = await engine.execute(await transfer(signer, nonce, to, value), env);
    const from = state[signer.address];
    assert.ok(from);
    from.balance -= value + 21_000n * price;
    from.nonce = BigInt(nonce + 1);
    state[to] = { ...state[to], balance: (state[to]?.balance ?? 0n) + value };
    state[COINBASE] = { balance: (state[COINBASE]?.balance ?? 0n) + 21_000n * tip };
    assert.equal(outcome.postStateRoot, expectedRoot(state));
  }
});

test("a contract creation and a storage write match the independently computed state", async () => {
  const engine = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: 10n * ETHER } }));
  const env = blockEnv();
  const deploy = await engine.execute(
    await sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n }),
    env,
  );
  const contract = getContractAddress({ from: ALICE.address, nonce: 0n });
  assert.equal(deploy.contractAddress, contract.toLowerCase());
  const write = await engine.execute(
    await sign1559(ALICE, { nonce: 1, to: contract, data: toHex(0xbeefn, { size: 32 }), gas: 60_000n }),
    env,
  );
  assert.equal(write.status, "success");
  const paid = (deploy.gasUsed + write.gasUsed) * 2n * GWEI;
  const state: Record<Address, ExpectedAccount> = {
    [ALICE.address]: { balance: 10n * ETHER - paid, nonce: 2n },
    // EIP-161: a created contract starts with nonce 1.
    [contract]: {
      balance: 0n,
      nonce: 1n,
      code: STORAGE_RUNTIME,
      storage: { [toHex(0n, { size: 32 })]: 0xbeefn },
    },
    [COINBASE]: { balance: (deploy.gasUsed + write.gasUsed) * GWEI },
  };
  assert.equal(write.postStateRoot, expectedRoot(state));
});
