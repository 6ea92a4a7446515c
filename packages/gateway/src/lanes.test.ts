import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { createEthereumjsEngine } from "@baton/execution";
import {
  blobBatchDataHash,
  blobVersionedHash,
  type Deposit,
  decodeBlobData,
  encodeBatchData,
  encodeDepositTx,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, type Hex, keccak256, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { KzgWorker } from "./kzg.ts";
import type { ForcedEntry } from "./l1.ts";
import { DEPOSIT_KIND, FORCED_KIND, RollupLane } from "./lanes.ts";

const CHAIN_ID = 167_001n;
/** Blob batches' commitments come from the gateway's KZG worker (a real worker thread). */
const kzg = new KzgWorker();
const GWEI = 1_000_000_000n;
const USER = privateKeyToAccount("0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a");
const DEPOSITOR: Address = "0x000000000000000000000000000000000000d0D0"; // checksummed, as decoded
const CAROL: Address = "0x000000000000000000000000000000000000ca01";
const COINBASE: Address = "0x00000000000000000000000000000000000c0ffe";

function entry(index: bigint, rawTx: Hex, deposit: Deposit | null, dueAt = 10n ** 12n): ForcedEntry {
  return { index, txHash: keccak256(rawTx), dueAt, rawTx, deposit };
}

async function lane(blobThresholdBytes: number | null = null) {
  const genesis = {
    chainId: CHAIN_ID,
    alloc: { [USER.address]: { balance: parseEther("1") } },
    gasLimit: 30_000_000n,
    baseFeePerGas: GWEI,
  };
  const engine = await createEthereumjsEngine(genesis);
  const options = { genesis, blockGasLimit: 30_000_000n, baseFeePerGas: GWEI, gasPerSlot: 15_000_000n };
  const blobs =
    blobThresholdBytes === null
      ? null
      : { thresholdBytes: blobThresholdBytes, carry: async (data: Hex) => kzg.carry(data) };
  return new RollupLane(options, engine, COINBASE, (slot) => 1_000n + slot * 12n, blobs);
}

describe("RollupLane.openBatch", () => {
  it("consumes every queued forced inclusion at once: mints genuine deposits, skips forged ones", async () => {
    const l = await lane();
    const genuine: Deposit = {
      chainId: CHAIN_ID,
      depositNonce: 0n,
      forcedIndex: 0n,
      from: DEPOSITOR,
      to: CAROL,
      value: parseEther("2"),
    };
    const raw0 = encodeDepositTx(genuine);
    // A 0x7e entry no bridge event backs (queued with forceInclude): skipped, keeps its place.
    const forged = encodeDepositTx({ ...genuine, depositNonce: 1n, value: parseEther("1000") });
    const transfer = await USER.signTransaction({
      type: "eip1559",
      chainId: Number(CHAIN_ID),
      nonce: 0,
      to: CAROL,
      value: 5n,
      gas: 21_000n,
      maxFeePerGas: 2n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    // None is due yet (dueAt far ahead): all are consumed anyway.
    l.forcedQueue = [entry(0n, raw0, genuine), entry(1n, forged, null), entry(2n, transfer, null)];
    const stored = await l.openBatch(4n, 0);

    assert.deepEqual(
      stored.map((tx) => [tx.position, tx.nonce, tx.kind, tx.sender]),
      [
        [0n, 0n, DEPOSIT_KIND, DEPOSITOR],
        [1n, 1n, FORCED_KIND, zeroAddress],
        [2n, 2n, FORCED_KIND, zeroAddress],
      ],
    );
    assert.equal(l.forcedNext, 3n);
    assert.equal(l.open?.forcedUpTo, 3n);
    assert.deepEqual(
      l.open?.entries.map((e) => e.tx),
      [raw0, forged, transfer],
    );
    assert.equal(l.forcedQueue.length, 0);
    // Minted 2 ETH (not the forged 1000) plus the transfer's 5 wei; the deposit cost the user nothing.
    assert.deepEqual(await l.engine.account(CAROL), { nonce: 0n, balance: parseEther("2") + 5n });
    assert.equal((await l.engine.account(USER.address)).nonce, 1n);

    // The same stored records replayed on a fresh lane (restart) reach the same state.
    const replay = await lane();
    replay.ensureOpen(4n, 0);
    const env = replay.env(0n, 4n);
    for (const tx of stored) await replay.applyForced(tx.raw, tx.kind, env);
    assert.equal(await replay.engine.stateRoot(), await l.engine.stateRoot());
    assert.notEqual(await l.engine.stateRoot(), ZERO_HASH);
  });

  it("stops at a gap in the queue and leaves an open batch alone", async () => {
    const l = await lane();
    const deposit: Deposit = {
      chainId: CHAIN_ID,
      depositNonce: 0n,
      forcedIndex: 1n,
      from: DEPOSITOR,
      to: CAROL,
      value: 1n,
    };
    l.forcedQueue = [entry(1n, encodeDepositTx(deposit), deposit)];
    assert.deepEqual(await l.openBatch(4n, 0), []);
    assert.equal(l.forcedNext, 0n);
    assert.deepEqual(await l.openBatch(4n, 0), [], "already open for this window");
    assert.deepEqual(await l.engine.account(CAROL), { nonce: 0n, balance: 0n });
  });
});

describe("RollupLane.cut", () => {
  after(() => kzg.close());
  const tx: Hex = `0x02${"ab".repeat(60)}`;

  it("puts a batch at the blob threshold in blobs: dataHash names the blobs, which decode to the data", async () => {
    const l = await lane(0);
    l.ensureOpen(4n, 0);
    l.append(tx, keccak256(tx), null);
    const cut = await l.cut();
    assert.ok(cut?.blobs !== undefined);
    assert.equal(cut.blobs.blobs.length, 1);
    assert.deepEqual(cut.blobs.versionedHashes, cut.blobs.blobs.map(blobVersionedHash));
    assert.equal(cut.batch.dataHash, blobBatchDataHash(cut.blobs.versionedHashes));
    assert.equal(decodeBlobData(cut.blobs.blobs), cut.data);
    assert.equal(cut.data, encodeBatchData([{ tx, bundle: null }]));
  });

  it("keeps a batch below the threshold, or with blobs off, in calldata", async () => {
    for (const threshold of [1_000_000, null]) {
      const l = await lane(threshold);
      l.ensureOpen(4n, 0);
      l.append(tx, keccak256(tx), null);
      const cut = await l.cut();
      assert.equal(cut?.blobs, undefined);
      assert.equal(cut?.batch.dataHash, keccak256(cut?.data ?? "0x"));
    }
  });
});
