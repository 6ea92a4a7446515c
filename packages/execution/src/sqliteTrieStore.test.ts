import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import { openSqliteTrieStore } from "./sqliteTrieStore.ts";

const dir = mkdtempSync(join(tmpdir(), "baton-trie-store-"));
after(() => rmSync(dir, { recursive: true, force: true }));
let files = 0;
const freshPath = () => join(dir, `store-${files++}`, "state.sqlite");

const key = (i: number) => i.toString(16).padStart(64, "0");
const value = (i: number) => Uint8Array.of(0xc0 + (i % 16), i & 0xff, (i >> 8) & 0xff);

test("nodes are read from the buffer before a flush and from disk after a reopen", async () => {
  const path = freshPath();
  const store = openSqliteTrieStore(path);
  await store.put(key(1), value(1));
  assert.equal(store.bufferedNodes, 1);
  assert.deepEqual(await store.get(key(1)), value(1));
  assert.equal(await store.get(key(2)), undefined);
  await store.flush();
  assert.equal(store.bufferedNodes, 0);
  assert.deepEqual(await store.get(key(1)), value(1));
  await store.close();

  const reopened = openSqliteTrieStore(path);
  assert.deepEqual(new Uint8Array((await reopened.get(key(1))) ?? []), value(1));
  await reopened.close();
});

test("close without flush drops what was put since the last flush, as a crash would", async () => {
  const path = freshPath();
  const store = openSqliteTrieStore(path);
  await store.batch([{ type: "put", key: key(1), value: value(1) }]);
  await store.flush();
  await store.put(key(2), value(2));
  await store.close();

  const reopened = openSqliteTrieStore(path);
  assert.ok((await reopened.get(key(1))) !== undefined);
  assert.equal(await reopened.get(key(2)), undefined);
  await reopened.close();
});

test("a cache smaller than the data still serves every node, from disk", async () => {
  const store = openSqliteTrieStore(freshPath(), { cacheNodes: 3 });
  for (let i = 0; i < 50; i++) await store.put(key(i), value(i));
  await store.flush();
  for (let i = 0; i < 50; i++) assert.deepEqual(new Uint8Array((await store.get(key(i))) ?? []), value(i));
  // Writing a node again (content-addressed: same value) is harmless.
  await store.put(key(7), value(7));
  await store.flush();
  assert.deepEqual(new Uint8Array((await store.get(key(7))) ?? []), value(7));
  await store.close();
});

test("del keeps the node: another root may still reach it", async () => {
  const store = openSqliteTrieStore(freshPath());
  await store.put(key(1), value(1));
  await store.flush();
  await store.del(key(1));
  await store.batch([{ type: "del", key: key(1) }]);
  assert.deepEqual(new Uint8Array((await store.get(key(1))) ?? []), value(1));
  await store.close();
});

test("a closed store refuses every call", async () => {
  const store = openSqliteTrieStore(freshPath());
  await store.close();
  await store.close(); // idempotent
  await assert.rejects(
    () => store.get(key(1)),
    (error: unknown) => error instanceof ExecutionError && error.code === ExecutionErrorCode.closed,
  );
  await assert.rejects(() => store.flush(), ExecutionError);
});
