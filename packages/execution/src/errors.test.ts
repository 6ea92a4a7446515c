/**
 * Every {@link ExecutionErrorCode} is produced here (the last test checks it), and every refused
 * transaction leaves the state root as it was.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import type { Address, Hex } from "viem";
import {
  ExecutionErrorCode as Code,
  ExecutionError,
  type ExecutionErrorCode,
  executionErrorFault,
} from "./errors.ts";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import { loadNativeSecp256k1 } from "./nativeCrypto.ts";
import {
  ALICE,
  BOB,
  blockEnv,
  CAROL,
  CHAIN_ID,
  ETHER,
  GWEI,
  genesis,
  KEY_A,
  sign1559,
  signRaw1559,
  transfer,
} from "./testFixtures.ts";
import type { BlockEnv, ExecutionEngine } from "./types.ts";

const produced = new Set<ExecutionErrorCode>();

async function expectCode(code: ExecutionErrorCode, run: () => Promise<unknown>): Promise<ExecutionError> {
  const error = await run().then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof ExecutionError, `expected an ExecutionError, got ${String(error)}`);
  assert.equal(error.code, code, error.message);
  assert.equal(error.details.code, code);
  produced.add(code);
  return error;
}

/** Expects `rawTx` to be refused with `code` and the state to be exactly as before. */
async function expectRefused(
  engine: ExecutionEngine,
  rawTx: Hex,
  code: ExecutionErrorCode,
  env = blockEnv(),
) {
  const root = await engine.stateRoot();
  const error = await expectCode(code, () => engine.execute(rawTx, env));
  assert.equal(error.fault, "transaction");
  assert.equal(await engine.stateRoot(), root);
  assert.ok(!error.message.includes(KEY_A.slice(2)), "no key in errors");
  return error;
}

const engine = await createEthereumjsEngine(genesis());

test("bytes that are not a transaction are undecodable", async () => {
  for (const raw of ["0x", "0x02", "0x02c0", "0x05c0", "0xf8", "0x1234", "0xzz", "0x02c3010203"] as Hex[])
    await expectRefused(engine, raw, Code.undecodableTx);
  const valid = await transfer(ALICE, 0, CAROL, 1n);
  await expectRefused(engine, `${valid}00`, Code.undecodableTx);
});

test("blob and set-code transactions are refused", async () => {
  const blob = await ALICE.signTransaction({
    type: "eip4844",
    chainId: Number(CHAIN_ID),
    nonce: 0,
    to: CAROL,
    gas: 21_000n,
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: GWEI,
    maxFeePerBlobGas: 1n,
    blobVersionedHashes: [`0x01${"00".repeat(31)}`],
  });
  await expectRefused(engine, blob, Code.blobTx);
  const authorization = await ALICE.signAuthorization({
    chainId: Number(CHAIN_ID),
    address: CAROL,
    nonce: 1,
  });
  const setCode = await ALICE.signTransaction({
    type: "eip7702",
    chainId: Number(CHAIN_ID),
    nonce: 0,
    to: ALICE.address,
    gas: 100_000n,
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: GWEI,
    authorizationList: [authorization],
  });
  await expectRefused(engine, setCode, Code.setCodeTx);
});

test("transactions signed for another chain are refused, typed and legacy", async () => {
  const error = await expectRefused(
    engine,
    await sign1559(ALICE, { nonce: 0, chainId: 1 }),
    Code.wrongChainId,
  );
  assert.equal(error.details.chainId, 1n);
  const legacy = await ALICE.signTransaction({
    type: "legacy",
    chainId: 1,
    nonce: 0,
    to: CAROL,
    gas: 21_000n,
    gasPrice: GWEI,
  });
  await expectRefused(engine, legacy, Code.wrongChainId);
});

test("legacy transactions without EIP-155 replay protection are refused", async () => {
  const raw = await ALICE.signTransaction({
    type: "legacy",
    nonce: 0,
    to: CAROL,
    gas: 21_000n,
    gasPrice: 2n * GWEI,
  });
  await expectRefused(engine, raw, Code.unprotectedTx);
});

/** An x coordinate with no point on secp256k1 (x^3 + 7 is not a square mod p). */
function offCurveX(): bigint {
  const p = 2n ** 256n - 2n ** 32n - 977n;
  const pow = (base: bigint, exp: bigint) => {
    let result = 1n;
    let b = base % p;
    for (let e = exp; e > 0n; e >>= 1n) {
      if (e & 1n) result = (result * b) % p;
      b = (b * b) % p;
    }
    return result;
  };
  for (let x = 1n; ; x++) if (pow(x ** 3n + 7n, (p - 1n) / 2n) === p - 1n) return x;
}

test("signatures that recover no sender, or with a high s, are refused", async () => {
  const fields = {
    nonce: 0n,
    maxPriorityFeePerGas: GWEI,
    maxFeePerGas: 2n * GWEI,
    gas: 21_000n,
    to: CAROL,
    value: 1n,
  };
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  const offCurve = await signRaw1559(KEY_A, fields, ([y, , s]) => [y, offCurveX(), s]);
  await expectRefused(engine, offCurve, Code.invalidSignature);
  const highS = await signRaw1559(KEY_A, fields, ([y, r, s]) => [1n - y, r, n - s]);
  await expectRefused(engine, highS, Code.invalidSignature);
});

test("a tip above the fee cap is refused", async () => {
  const raw = await signRaw1559(KEY_A, {
    nonce: 0n,
    maxPriorityFeePerGas: 3n * GWEI,
    maxFeePerGas: 2n * GWEI,
    gas: 21_000n,
    to: CAROL,
    value: 0n,
  });
  await expectRefused(engine, raw, Code.tipAboveFeeCap);
});

test("init code over 49,152 bytes is refused", async () => {
  const data = `0x${"00".repeat(49_153)}` as Hex;
  const raw = await sign1559(ALICE, { nonce: 0, to: null, data, gas: 10_000_000n });
  await expectRefused(engine, raw, Code.initCodeTooLarge);
});

test("gas over what is left of the block is refused, and allowed again in the next block", async () => {
  const local = await createEthereumjsEngine(genesis());
  const env = blockEnv({ number: 5n, gasLimit: 50_000n });
  await expectRefused(
    local,
    await sign1559(ALICE, { nonce: 0, gas: 50_001n }),
    Code.blockGasLimitExceeded,
    env,
  );
  await local.execute(await transfer(ALICE, 0, CAROL, 1n), env);
  await local.execute(await transfer(ALICE, 1, CAROL, 1n), env);
  const third = await transfer(ALICE, 2, CAROL, 1n);
  const error = await expectRefused(local, third, Code.blockGasLimitExceeded, env);
  assert.equal(error.details.available, 8_000n);
  await local.execute(third, { ...env, number: 6n });
});

test("a fee cap or gas price below the base fee is refused", async () => {
  const env = blockEnv({ baseFeePerGas: 3n * GWEI });
  await expectRefused(engine, await sign1559(ALICE, { nonce: 0 }), Code.feeCapTooLow, env);
  const legacy = await ALICE.signTransaction({
    type: "legacy",
    chainId: Number(CHAIN_ID),
    nonce: 0,
    to: CAROL,
    gas: 21_000n,
    gasPrice: 3n * GWEI - 1n,
  });
  await expectRefused(engine, legacy, Code.feeCapTooLow, env);
});

test("a gas limit below the intrinsic gas or the EIP-7623 calldata floor is refused", async () => {
  await expectRefused(engine, await sign1559(ALICE, { nonce: 0, gas: 20_999n }), Code.intrinsicGasTooLow);
  // 1,000 non-zero bytes: intrinsic 21,000 + 16,000 but floor 21,000 + 10 * 4,000 = 61,000
  const data = `0x${"ff".repeat(1_000)}` as Hex;
  const error = await expectRefused(
    engine,
    await sign1559(ALICE, { nonce: 0, data, gas: 60_999n }),
    Code.intrinsicGasTooLow,
  );
  assert.equal(error.details.minimum, 61_000n);
  const local = await createEthereumjsEngine(genesis());
  const outcome = await local.execute(await sign1559(ALICE, { nonce: 0, data, gas: 61_000n }), blockEnv());
  assert.equal(outcome.gasUsed, 61_000n);
});

test("nonces must be exactly the account's", async () => {
  await expectRefused(engine, await transfer(BOB, 2, CAROL, 1n), Code.nonceTooLow);
  await expectRefused(engine, await transfer(BOB, 4, CAROL, 1n), Code.nonceTooHigh);
  await expectRefused(engine, await transfer(ALICE, 1, CAROL, 1n), Code.nonceTooHigh);
});

test("a sender with code is refused (EIP-3607)", async () => {
  const local = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: ETHER, code: "0x00" } }));
  await expectRefused(local, await transfer(ALICE, 0, CAROL, 1n), Code.senderNotEoa);
});

test("the balance must cover value + gas limit * fee cap, to the wei", async () => {
  const value = 10n;
  const needed = value + 21_000n * 2n * GWEI;
  const short = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: needed - 1n } }));
  await expectRefused(short, await transfer(ALICE, 0, CAROL, value), Code.insufficientFunds);
  const exact = await createEthereumjsEngine(genesis({ [ALICE.address]: { balance: needed } }));
  assert.equal((await exact.execute(await transfer(ALICE, 0, CAROL, value), blockEnv())).status, "success");
});

test("malformed arguments are refused", async () => {
  const bad: Partial<BlockEnv>[] = [
    { prevRandao: "0x1234" },
    { coinbase: "0x1234" as Address },
    { gasLimit: 0n },
    { number: -1n },
    { baseFeePerGas: -1n },
  ];
  const raw = await transfer(ALICE, 0, CAROL, 1n);
  for (const env of bad) {
    const error = await expectCode(Code.invalidArgument, () => engine.execute(raw, blockEnv(env)));
    assert.equal(error.fault, "caller");
  }
  await expectCode(Code.invalidArgument, () => engine.account("0xnope" as Address));
  await expectCode(Code.invalidArgument, () => engine.storage(CAROL, "0x01"));
  await expectCode(Code.invalidArgument, () => engine.call({ to: "0x12" as Address }, blockEnv()));
});

test("malformed genesis files are refused", async () => {
  const cases: Parameters<typeof createEthereumjsEngine>[0][] = [
    { ...genesis(), chainId: 0n },
    { ...genesis(), gasLimit: 0n },
    genesis({ ["0x12" as Address]: { balance: 1n } }),
    genesis({ [CAROL]: { balance: -1n } }),
    genesis({ [CAROL]: { balance: 0n, storage: { "0x01": "0x01" } } }),
    genesis({ [CAROL]: { balance: 0n, code: "0x123" } }),
    genesis({
      [CAROL]: { balance: 1n },
      [CAROL.toUpperCase().replace("0X", "0x") as Address]: { balance: 2n },
    }),
  ];
  for (const g of cases) await expectCode(Code.invalidGenesis, () => createEthereumjsEngine(g));
});

test("commit or revert without a checkpoint is refused", async () => {
  await expectCode(Code.noCheckpoint, () => engine.commit());
  await expectCode(Code.noCheckpoint, () => engine.revert());
});

test("a closed engine refuses every call", async () => {
  const local = await createEthereumjsEngine(genesis());
  await local.close();
  await expectCode(Code.closed, () => local.stateRoot());
  await expectCode(Code.closed, async () => local.execute(await transfer(ALICE, 0, CAROL, 1n), blockEnv()));
});

test("a missing native addon is reported", async () => {
  await expectCode(Code.nativeCryptoUnavailable, async () =>
    loadNativeSecp256k1(() => {
      throw new Error("No native build was found");
    }),
  );
});

test("a failure inside execution is internal and leaves the state as it was", async () => {
  // PUSH1 0 BLOCKHASH STOP: asks the blockHash option, which fails
  const probe: Address = "0x0000000000000000000000000000000000b10c45";
  const local = await createEthereumjsEngine(
    genesis({ [ALICE.address]: { balance: ETHER }, [probe]: { balance: 0n, code: "0x60004000" } }),
    {
      blockHash: () => {
        throw new Error("history unavailable");
      },
    },
  );
  const root = await local.stateRoot();
  const raw = await sign1559(ALICE, { nonce: 0, to: probe, gas: 50_000n });
  const error = await expectCode(Code.internal, () => local.execute(raw, blockEnv({ number: 3n })));
  assert.equal(error.fault, "engine");
  assert.equal(await local.stateRoot(), root);
  assert.equal((await local.account(ALICE.address)).nonce, 0n);
  // Without the root, the transaction's changes are still undone.
  await expectCode(Code.internal, () => local.execute(raw, blockEnv({ number: 3n }), { stateRoot: false }));
  assert.equal(await local.stateRoot(), root);
  // The engine is still usable, and its checkpoints still line up.
  await local.checkpoint();
  const outcome = await local.execute(await transfer(ALICE, 0, CAROL, 1n), blockEnv({ number: 3n }));
  assert.equal(outcome.cumulativeGasUsed, 21_000n);
  await local.revert();
  assert.equal(await local.stateRoot(), root);
});

test("state roots the store lacks and whole-block operations inside a checkpoint are refused", async () => {
  const local = await createEthereumjsEngine(genesis());
  const root = await local.stateRoot();
  const unknown: Hex = `0x${"ab".repeat(32)}`;
  assert.equal((await expectCode(Code.unknownStateRoot, () => local.setStateRoot(unknown))).fault, "caller");
  await local.checkpoint();
  assert.equal((await expectCode(Code.checkpointOpen, () => local.flush())).fault, "caller");
  await expectCode(Code.checkpointOpen, () => local.setStateRoot(root));
  await local.revert();
  assert.equal(await local.flush(), root);
});

test("every code is produced by a test above", () => {
  const all = Object.values(Code);
  assert.deepEqual(
    all.filter((code) => !produced.has(code)),
    [],
    "every code is produced by a test",
  );
  assert.deepEqual(Object.keys(executionErrorFault).sort(), [...all].sort());
});
