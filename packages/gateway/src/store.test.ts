import assert from "node:assert/strict";
import fs, { mkdtempSync, rmSync } from "node:fs";
import { syncBuiltinESMExports } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import type { Hex } from "viem";
import { GatewayStore } from "./store.ts";

const COMMITTER = "0x00000000000000000000000000000000000000c1";
const hash = (i: number) => `0x${i.toString(16).padStart(64, "0")}` as Hex;
const record = (i: number) => ({
  requestHash: hash(i),
  json: `{"n":${i}}`,
  sequence: BigInt(i),
  transactions: [],
});

it("hides records still queued, shows synced ones in order, and keeps them across reopening", async () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-store-"));
  try {
    const store = GatewayStore.open(dir, COMMITTER, "fsync");
    const saves = Array.from({ length: 50 }, (_, i) => store.saveCommitment(record(i + 1)));
    // Queued, not yet committed or synced: invisible.
    assert.equal(store.commitment(hash(1)), null);
    assert.deepEqual(store.streamFrom(1n, 100), []);
    await Promise.all(saves);
    assert.equal(store.commitment(hash(7)), '{"n":7}');
    assert.deepEqual(
      store.streamFrom(1n, 100).map((r) => r.sequence),
      Array.from({ length: 50 }, (_, i) => BigInt(i + 1)),
    );
    await store.close();
    const again = GatewayStore.open(dir, COMMITTER, "fsync");
    assert.equal(again.commitment(hash(50)), '{"n":50}');
    assert.equal(again.check().commitments, 50);
    await again.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it("fails every write after a failed sync, and shows nothing it could not sync", async () => {
  const dir = mkdtempSync(join(tmpdir(), "baton-store-"));
  const original = fs.fdatasync;
  try {
    const store = GatewayStore.open(dir, COMMITTER, "fsync");
    await store.saveCommitment(record(1));
    fs.fdatasync = ((_fd: number, callback: (error: NodeJS.ErrnoException | null) => void) => {
      const error = Object.assign(new Error("EIO: i/o error, fdatasync"), { code: "EIO" });
      setImmediate(() => callback(error));
    }) as typeof fs.fdatasync;
    syncBuiltinESMExports();
    await assert.rejects(store.saveCommitment(record(2)), /could not be synced \(EIO\)/);
    fs.fdatasync = original;
    syncBuiltinESMExports();
    // Even with the disk back, nothing more is written or shown: the failed sync may have lost pages.
    await assert.rejects(store.saveCommitment(record(3)), /could not be synced/);
    assert.notEqual(store.failure, null);
    assert.equal(store.commitment(hash(2)), null);
    assert.deepEqual(
      store.streamFrom(1n, 10).map((r) => r.sequence),
      [1n],
    );
    await store.close();
  } finally {
    fs.fdatasync = original;
    syncBuiltinESMExports();
    rmSync(dir, { recursive: true, force: true });
  }
});
