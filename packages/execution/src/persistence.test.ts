/**
 * The engine over a SQLite trie store: restart from a flushed root, rollback to an earlier root,
 * crash without flush, and read-only views of older roots.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { type LeafMPTNode, MerklePatriciaTrie } from "@ethereumjs/mpt";
import {
  createAccountFromRLP,
  equalsBytes,
  KECCAK256_NULL,
  KECCAK256_RLP,
  ValueEncoding,
} from "@ethereumjs/util";
import Database from "better-sqlite3";
import { type Address, bytesToHex, getContractAddress, type Hex, hexToBytes, keccak256, toHex } from "viem";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import { createEthereumjsEngine } from "./ethereumjsEngine.ts";
import { openSqliteTrieStore, type TrieStore } from "./sqliteTrieStore.ts";
import {
  ALICE,
  BOB,
  blockEnv,
  CAROL,
  COINBASE,
  deployCode,
  ETHER,
  genesis,
  STORAGE_RUNTIME,
  sign1559,
  transfer,
} from "./testFixtures.ts";
import type { ExecutionEngine, StateView } from "./types.ts";

const dir = mkdtempSync(join(tmpdir(), "baton-persistence-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `state-${files++}.sqlite`);

/**
 * A register in the genesis: called with data it stores word 0 in slot 0, without it returns slot 0.
 * CALLDATASIZE PUSH1 0x0f JUMPI PUSH1 0 SLOAD PUSH1 0 MSTORE PUSH1 32 PUSH1 0 RETURN
 * JUMPDEST PUSH1 0 CALLDATALOAD PUSH1 0 SSTORE STOP
 */
const REGISTER: Address = "0x000000000000000000000000000000000005107e";
const REGISTER_RUNTIME: Hex = "0x36600f5760005460005260206000f35b60003560005500";
const SLOT0 = toHex(0n, { size: 32 });
const word = (value: bigint) => toHex(value, { size: 32 });
const chain = () =>
  genesis({
    [ALICE.address]: { balance: 100n * ETHER },
    [BOB.address]: { balance: 5n * ETHER, nonce: 3n },
    [REGISTER]: { balance: 0n, code: REGISTER_RUNTIME, storage: { [SLOT0]: "0x01" } },
  });
const CONTRACT = getContractAddress({ from: ALICE.address, nonce: 0n });

const env = (number: bigint) => blockEnv({ number });
const deploy = () =>
  sign1559(ALICE, { nonce: 0, to: null, data: deployCode(STORAGE_RUNTIME), gas: 100_000n });
const setRegister = (nonce: number, value: bigint) =>
  sign1559(ALICE, { nonce, to: REGISTER, data: word(value), gas: 60_000n });

/** Everything the tests compare between engines and views. */
async function snapshot(state: ExecutionEngine | StateView) {
  return {
    alice: await state.account(ALICE.address),
    bob: await state.account(BOB.address),
    carol: await state.account(CAROL),
    coinbase: await state.account(COINBASE),
    register: await state.storage(REGISTER, SLOT0),
    registerCode: await state.code(REGISTER),
    contractCode: await state.code(CONTRACT),
    contractSlot: await state.storage(CONTRACT, SLOT0),
    call: (await state.call({ to: REGISTER }, env(9n))).returnData,
  };
}

/** Executes `blocks` (block n+1 is `blocks[n]`) and returns each block's last post-state root. */
async function run(engine: ExecutionEngine, blocks: Hex[][], first = 1n): Promise<(Hex | null)[]> {
  const roots: (Hex | null)[] = [];
  for (const [i, txs] of blocks.entries()) {
    let root: Hex | null = null;
    for (const raw of txs) root = (await engine.execute(raw, env(first + BigInt(i)))).postStateRoot;
    roots.push(root);
  }
  return roots;
}

/**
 * Walks the whole state at `root` in `store` (account trie, every storage trie, every code): throws
 * on a missing node. Returns the number of accounts.
 */
async function assertComplete(store: TrieStore, root: Hex): Promise<number> {
  const trie = new MerklePatriciaTrie({
    db: store,
    valueEncoding: ValueEncoding.Bytes,
    root: hexToBytes(root),
  });
  let accounts = 0;
  const leaves: Uint8Array[] = [];
  await trie.walkAllValueNodes(async (node) => {
    leaves.push((node as LeafMPTNode).value());
  });
  for (const leaf of leaves) {
    accounts++;
    const account = createAccountFromRLP(leaf);
    if (!equalsBytes(account.storageRoot, KECCAK256_RLP))
      await trie.shallowCopy(false).walkTrie(account.storageRoot, async (_ref, _node, _key, walk) => {
        if (_node !== null) walk.allChildren(_node, _key);
      });
    if (!equalsBytes(account.codeHash, KECCAK256_NULL))
      assert.ok((await store.get(`63${bytesToHex(account.codeHash).slice(2)}`)) !== undefined, "code stored");
  }
  return accounts;
}

/** Rows in a store's file, read through a second connection. */
function rows(file: string): number {
  const db = new Database(file, { readonly: true });
  const count = db.prepare("SELECT count(*) FROM trie_nodes").pluck().get() as number;
  db.close();
  return count;
}

async function expectCode(code: ExecutionErrorCode, promise: Promise<unknown>): Promise<void> {
  await assert.rejects(promise, (error: unknown) => {
    assert.ok(error instanceof ExecutionError, String(error));
    assert.equal(error.code, code, error.message);
    return true;
  });
}

test("a state flushed, closed and reopened at its root reads and executes as one that never stopped", async () => {
  const path = freshPath();
  const blockOne = [await deploy(), await setRegister(1, 5n), await transfer(BOB, 3, CAROL, 7n)];
  const blockTwo = [await setRegister(2, 6n), await transfer(BOB, 4, CAROL, 8n)];
  const reference = await createEthereumjsEngine(chain());
  const expected = await run(reference, [blockOne, blockTwo]);

  const store = openSqliteTrieStore(path);
  const engine = await createEthereumjsEngine(chain(), { store });
  assert.equal(await engine.stateRoot(), await (await createEthereumjsEngine(chain())).stateRoot());
  // Without per-transaction roots: flush settles the deferred writes.
  for (const raw of blockOne) await engine.execute(raw, env(1n), { stateRoot: false });
  const root = await engine.flush();
  assert.equal(root, expected[0]);
  const before = await snapshot(engine);
  await engine.close();
  await store.close();

  const reopened = openSqliteTrieStore(path);
  assert.equal(await assertComplete(reopened, root ?? "0x"), 6); // 3 in the genesis, coinbase, carol, contract
  const restarted = await createEthereumjsEngine(chain(), { store: reopened, root });
  assert.equal(await restarted.stateRoot(), root);
  assert.deepEqual(await snapshot(restarted), before);
  assert.equal(before.registerCode, REGISTER_RUNTIME);
  assert.equal(before.contractCode, STORAGE_RUNTIME);
  assert.equal(before.register, word(5n));

  assert.deepEqual(await run(restarted, [blockTwo], 2n), [expected[1]]);
  assert.deepEqual(await snapshot(restarted), await snapshot(reference));
  await restarted.close();
  await reopened.close();
});

test("setStateRoot back to an earlier root, then other transactions, gives a fresh engine's roots", async () => {
  const store = openSqliteTrieStore(freshPath());
  const engine = await createEthereumjsEngine(chain(), { store });
  const blockOne = [await deploy(), await setRegister(1, 5n)];
  const [rootOne] = await run(engine, [blockOne]);
  assert.equal(await engine.flush(), rootOne);
  const afterOne = await snapshot(engine);
  // A block that L1 will reorg away, read once so the state manager's caches hold its values.
  await run(engine, [[await setRegister(2, 6n), await transfer(BOB, 3, CAROL, 1n)]], 2n);
  await engine.flush();
  assert.equal(await engine.storage(REGISTER, SLOT0), word(6n));

  if (rootOne === null || rootOne === undefined) throw new Error("no root");
  await engine.setStateRoot(rootOne);
  assert.equal(await engine.stateRoot(), rootOne);
  assert.deepEqual(await snapshot(engine), afterOne);

  const other = [
    await setRegister(2, 9n),
    await transfer(ALICE, 3, CAROL, 2n),
    await transfer(BOB, 3, COINBASE, 3n),
  ];
  const roots = await run(engine, [other], 2n);
  const fresh = await createEthereumjsEngine(chain());
  assert.deepEqual(roots, await run(fresh, [blockOne, other]).then((r) => r.slice(1)));
  assert.deepEqual(await snapshot(engine), await snapshot(fresh));
  // The block gas count restarted: the replacement block 2 counts from 0.
  const next = await engine.execute(await transfer(BOB, 4, CAROL, 1n), env(2n));
  assert.equal(
    next.cumulativeGasUsed,
    (await fresh.execute(await transfer(BOB, 4, CAROL, 1n), env(2n))).cumulativeGasUsed,
  );
  await engine.close();
  await store.close();
});

test("unknown roots are refused when opening, moving and viewing", async () => {
  const store = openSqliteTrieStore(freshPath());
  const unknown = keccak256("0x01");
  await expectCode(
    ExecutionErrorCode.unknownStateRoot,
    createEthereumjsEngine(chain(), { store, root: unknown }),
  );
  const engine = await createEthereumjsEngine(chain(), { store });
  await expectCode(ExecutionErrorCode.unknownStateRoot, engine.setStateRoot(unknown));
  await expectCode(ExecutionErrorCode.unknownStateRoot, engine.at(unknown));
  await expectCode(ExecutionErrorCode.invalidArgument, engine.setStateRoot("0x1234"));
  await expectCode(ExecutionErrorCode.invalidArgument, createEthereumjsEngine(chain(), { root: unknown }));
  // The engine is unharmed.
  assert.equal((await engine.execute(await transfer(ALICE, 0, CAROL, 1n), env(1n))).status, "success");
  await engine.close();
  await store.close();
});

test("flush and setStateRoot refuse an open checkpoint", async () => {
  const store = openSqliteTrieStore(freshPath());
  const engine = await createEthereumjsEngine(chain(), { store });
  const genesisRoot = await engine.stateRoot();
  await engine.checkpoint();
  await engine.execute(await transfer(ALICE, 0, CAROL, 1n), env(1n));
  await expectCode(ExecutionErrorCode.checkpointOpen, engine.flush());
  await expectCode(ExecutionErrorCode.checkpointOpen, engine.setStateRoot(genesisRoot));
  await engine.commit();
  const root = await engine.flush();
  await engine.setStateRoot(genesisRoot);
  await engine.setStateRoot(root);
  assert.equal((await engine.account(CAROL)).balance, 1n);
  await engine.close();
  await store.close();
});

test("a crash without flush leaves the last flushed root intact and openable", async () => {
  const path = freshPath();
  const store = openSqliteTrieStore(path);
  const engine = await createEthereumjsEngine(chain(), { store });
  const [flushed] = await run(engine, [[await deploy(), await setRegister(1, 5n)]]);
  await engine.flush();
  const atFlush = await snapshot(engine);
  const [lost] = await run(engine, [[await setRegister(2, 6n)]], 2n);
  // The crash: the process goes away without flushing.
  await store.close();

  const reopened = openSqliteTrieStore(path);
  if (flushed === null || flushed === undefined || lost === null || lost === undefined)
    throw new Error("no root");
  await expectCode(
    ExecutionErrorCode.unknownStateRoot,
    createEthereumjsEngine(chain(), { store: reopened, root: lost }),
  );
  await assertComplete(reopened, flushed);
  const restarted = await createEthereumjsEngine(chain(), { store: reopened, root: flushed });
  assert.deepEqual(await snapshot(restarted), atFlush);
  // Re-executing the lost block gives the lost root again.
  assert.deepEqual(await run(restarted, [[await setRegister(2, 6n)]], 2n), [lost]);
  await restarted.close();
  await reopened.close();
});

test("a view of an older root reads and calls that state while the engine goes on", async () => {
  const store = openSqliteTrieStore(freshPath(), { cacheNodes: 0 });
  const engine = await createEthereumjsEngine(chain(), { store });
  const [rootOne] = await run(engine, [[await deploy(), await setRegister(1, 5n)]]);
  await engine.flush();
  const atOne = await snapshot(engine);
  if (rootOne === null || rootOne === undefined) throw new Error("no root");
  const view = await engine.at(rootOne);
  assert.equal(view.stateRoot, rootOne);

  // The engine goes on (flushed or not): the view does not move.
  await run(engine, [[await setRegister(2, 6n), await transfer(BOB, 3, CAROL, 5n)]], 2n);
  await engine.flush();
  await run(engine, [[await setRegister(3, 7n)]], 3n);
  assert.deepEqual(await snapshot(view), atOne);
  assert.equal((await view.call({ to: REGISTER }, env(9n))).returnData, word(5n));
  assert.equal((await engine.call({ to: REGISTER }, env(9n))).returnData, word(7n));
  // A call that writes leaves nothing behind, in the view or in the engine.
  assert.equal((await view.call({ to: REGISTER, data: word(8n) }, env(9n))).status, "success");
  assert.equal(await view.storage(REGISTER, SLOT0), word(5n));
  assert.equal(await engine.storage(REGISTER, SLOT0), word(7n));

  // An in-memory engine has views too; every view stops with its engine.
  const memory = await createEthereumjsEngine(chain());
  const memoryView = await memory.at(await memory.stateRoot());
  assert.equal(await memoryView.storage(REGISTER, SLOT0), word(1n));
  await engine.close();
  await expectCode(ExecutionErrorCode.closed, view.account(ALICE.address));
  await store.close();
});

test("a flush keeps every state whose root the engine reported, whole, and only those", async () => {
  const path = freshPath();
  const store = openSqliteTrieStore(path);
  const engine = await createEthereumjsEngine(chain(), { store });
  const genesisRows = rows(path);
  const midBlock = (await engine.execute(await deploy(), env(1n))).postStateRoot;
  await engine.checkpoint();
  const reverted = (await engine.execute(await setRegister(1, 4n), env(1n))).postStateRoot;
  await engine.revert();
  // Without roots: the trie writes versions of nodes that no reported root reaches.
  await engine.execute(await setRegister(1, 5n), env(1n), { stateRoot: false });
  await engine.execute(await transfer(BOB, 3, CAROL, 1n), env(1n), { stateRoot: false });
  const root = await engine.stateRoot();
  const buffered = store.bufferedNodes;
  assert.equal(await engine.flush(), root);
  await engine.close();
  await store.close();
  if (midBlock === null || reverted === null) throw new Error("no root");

  const reopened = openSqliteTrieStore(path, { cacheNodes: 0 });
  assert.equal(await assertComplete(reopened, root), 6);
  for (const kept of [midBlock, reverted]) await assertComplete(reopened, kept);
  assert.equal(
    await (await (await createEthereumjsEngine(chain(), { store: reopened, root })).at(reverted)).storage(
      REGISTER,
      SLOT0,
    ),
    word(4n),
  );
  const restarted = await createEthereumjsEngine(chain(), { store: reopened, root });
  assert.equal(await restarted.storage(REGISTER, SLOT0), word(5n));
  assert.equal(await restarted.code(CONTRACT), STORAGE_RUNTIME);
  await restarted.close();
  await reopened.close();
  // The block's stored nodes: fewer than the trie wrote.
  const stored = rows(path) - genesisRows;
  assert.ok(stored < buffered, `${stored} nodes stored of ${buffered} written`);
});
