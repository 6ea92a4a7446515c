/**
 * The public stream: every commitment and batch in sequence order; a subscriber resuming with
 * `from = last + 1` gets exactly what it missed, with no gap and no duplicate, then live messages.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { SignedCommitmentJson, StreamMessageJson } from "@baton/clients";
import {
  batchDigest,
  batonDomain,
  CommitmentKind,
  hashBatch,
  parseBatch,
  recoverDigestSigner,
} from "@baton/protocol";
import { type Hex, keccak256, parseEther, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import WebSocket from "ws";
import {
  COMMITTER,
  type Harness,
  L1_CHAIN_ID,
  ROLLUP_A,
  ROLLUP_B,
  removeDir,
  request,
  SLASHER,
  signedTx,
  startHarness,
  USER_KEYS,
} from "./harness.ts";

const [KEY_0, KEY_1, KEY_2] = USER_KEYS as [Hex, Hex, Hex];
const domain = batonDomain(L1_CHAIN_ID, SLASHER);

/** Waits until `done()` holds (polling), or fails after `ms`. */
async function until(done: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A stream subscription collecting its messages. */
async function subscribe(h: Harness, from: bigint) {
  const messages: StreamMessageJson[] = [];
  const stream = h.client.stream(from, (message) => messages.push(message));
  await stream.opened;
  return {
    messages,
    sequences: () => messages.map((m) => BigInt(m.sequence)),
    async close() {
      stream.close();
      await stream.closed;
    },
  };
}

function assertContiguous(sequences: bigint[], from: bigint, to: bigint): void {
  const expected: bigint[] = [];
  for (let s = from; s <= to; s++) expected.push(s);
  assert.deepEqual(sequences, expected);
}

describe("gateway stream", () => {
  let h: Harness;
  /** Every stream record, as the store has it, checked against what subscribers got. */
  const replies: SignedCommitmentJson[] = [];
  const nonces = new Map<string, number>();
  const nextTx = (key: Hex, chainId: bigint) => {
    const id = `${key}:${chainId}`;
    const nonce = nonces.get(id) ?? 0;
    nonces.set(id, nonce + 1);
    return signedTx({ key, chainId, nonce, maxFeePerGas: 100n * 1_000_000_000n });
  };

  before(async () => {
    h = await startHarness();
    h.at(2, 100);
  });
  after(async () => {
    await h.close();
    removeDir(h.dataDir);
  });

  it("delivers N commitments in order, then exactly the M missed ones (and batches) on resume", async () => {
    const live = await subscribe(h, 0n);
    const N = 6;
    for (let i = 0; i < N; i++) {
      const [key, chainId, kind] = [
        [KEY_0, L1_CHAIN_ID, CommitmentKind.inclusion],
        [KEY_1, ROLLUP_A, CommitmentKind.ordering],
        [KEY_2, ROLLUP_B, CommitmentKind.state],
      ][i % 3] as [Hex, bigint, number];
      replies.push(await h.client.commitmentRequest(request([await nextTx(key, chainId)], kind)));
    }
    await until(() => live.messages.length >= N, `${N} messages`);
    assertContiguous(live.sequences(), 1n, BigInt(N));
    for (const [i, message] of live.messages.entries()) {
      assert.equal(message.type, "commitment");
      assert.deepEqual(message.data, replies[i]);
    }
    await live.close();

    // M more while nobody listens; the window of slot 4 closes: the next request, in the window
    // of slot 12, cuts the open batches of both rollups first (sequences before its own).
    const M = 4;
    h.at(9, 100);
    for (let i = 0; i < M; i++) {
      const chainId = i % 2 === 0 ? ROLLUP_A : ROLLUP_B;
      replies.push(
        await h.client.commitmentRequest(request([await nextTx(KEY_1, chainId)], CommitmentKind.ordering)),
      );
    }
    const last = h.gateway.sequencer.sequence;
    assert.equal(last, BigInt(N + M + 2), "M commitments and two batches");

    const resumed = await subscribe(h, BigInt(N) + 1n);
    await until(() => resumed.messages.length >= M + 2, "the missed messages");
    await new Promise((resolve) => setTimeout(resolve, 50));
    assertContiguous(resumed.sequences(), BigInt(N) + 1n, last);
    const types = resumed.messages.map((m) => m.type);
    assert.deepEqual(types, ["batch", "batch", "commitment", "commitment", "commitment", "commitment"]);
    const batches = resumed.messages.filter((m) => m.type === "batch");
    assert.deepEqual(batches.map((m) => (m.type === "batch" ? BigInt(m.data.batch.chainId) : 0n)).sort(), [
      ROLLUP_A,
      ROLLUP_B,
    ]);
    for (const message of batches) {
      if (message.type !== "batch") continue;
      const batch = parseBatch(message.data.batch);
      assert.equal(batch.targetSlot, 4n);
      assert.equal(batch.number, 0n);
      assert.equal(batch.firstPosition, 0n);
      assert.equal(batch.txCount, 2, "two promises per rollup in the window of slot 4");
      assert.equal(message.data.hash, hashBatch(batch));
      assert.equal(await recoverDigestSigner(batchDigest(domain, batch), message.data.signature), COMMITTER);
    }
    const commitments = resumed.messages.filter((m) => m.type === "commitment");
    assert.deepEqual(
      commitments.map((m) => m.data),
      replies.slice(N),
    );

    // Live after replay: the next publication follows with the next sequence.
    replies.push(
      await h.client.commitmentRequest(request([await nextTx(KEY_2, ROLLUP_A)], CommitmentKind.state)),
    );
    await until(() => resumed.messages.length === M + 3, "the live message");
    assertContiguous(resumed.sequences(), BigInt(N) + 1n, last + 1n);
    await resumed.close();
  });

  it("a subscriber from 0 after all gets everything in order, as stored", async () => {
    const last = h.gateway.sequencer.sequence;
    const all = await subscribe(h, 0n);
    const middle = await subscribe(h, 5n);
    const ahead = await subscribe(h, last + 3n);
    try {
      await until(() => all.messages.length >= Number(last), "everything");
      await until(() => middle.messages.length >= Number(last) - 4, "from 5");
      assertContiguous(all.sequences(), 1n, last);
      assertContiguous(middle.sequences(), 5n, last);
      const stored = h.gateway.store.streamFrom(0n, 10_000);
      assert.deepEqual(
        all.messages.map((m) => [m.type, m.sequence, m.data]),
        stored.map((r) => [r.type, r.sequence.toString(), JSON.parse(r.json)]),
      );
      assert.deepEqual(
        all.messages.filter((m) => m.type === "commitment").map((m) => m.data),
        replies,
      );
      // Three more: everyone gets them live; the subscriber ahead only from its sequence on.
      for (let i = 0; i < 3; i++) {
        await h.client.commitmentRequest(request([await nextTx(KEY_0, ROLLUP_B)], CommitmentKind.inclusion));
      }
      await until(() => all.messages.length === Number(last) + 3, "live messages");
      await until(() => ahead.messages.length === 1, "the subscriber ahead");
      await new Promise((resolve) => setTimeout(resolve, 50));
      assertContiguous(all.sequences(), 1n, last + 3n);
      assertContiguous(middle.sequences(), 5n, last + 3n);
      assertContiguous(ahead.sequences(), last + 3n, last + 3n);
    } finally {
      await all.close();
      await middle.close();
      await ahead.close();
    }
  });

  it("subscribers joining during a burst of concurrent promises see no gap and no duplicate", async () => {
    // Fresh L1 senders, funded on the fake L1, so that concurrent requests do not race on nonces.
    const keys = Array.from({ length: 40 }, (_, i) => keccak256(toHex(`stream sender ${i}`)));
    for (const key of keys) {
      h.l1.accounts.set(privateKeyToAccount(key).address.toLowerCase(), {
        nonce: 0n,
        balance: parseEther("1"),
      });
    }
    const start = h.gateway.sequencer.sequence;
    const bodies = await Promise.all(
      keys.map(async (key) => request([await signedTx({ key, maxFeePerGas: 100n * 1_000_000_000n })])),
    );
    const subscribers = [await subscribe(h, start + 1n)];
    const pending = bodies.map((body, i) =>
      new Promise((resolve) => setTimeout(resolve, i % 10)).then(() => h.client.commitmentRequest(body)),
    );
    for (const delay of [2, 4, 8]) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      subscribers.push(await subscribe(h, start + 1n));
    }
    await Promise.all(pending);
    const end = start + BigInt(keys.length);
    assert.equal(h.gateway.sequencer.sequence, end);
    try {
      for (const subscriber of subscribers) {
        await until(() => subscriber.messages.length >= keys.length, "the burst");
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      for (const subscriber of subscribers) assertContiguous(subscriber.sequences(), start + 1n, end);
    } finally {
      for (const subscriber of subscribers) await subscriber.close();
    }
  });

  it("refuses a malformed cursor", async () => {
    const base = h.gateway.url.replace("http:", "ws:");
    // "//" is no URL at all: parsing it in the upgrade listener once threw, and ended the process.
    for (const path of [
      "//",
      "/baton/v0/gateway/stream?from=abc",
      "/baton/v0/gateway/stream?from=-1",
      "/nope?from=0",
    ]) {
      const socket = new WebSocket(`${base}${path}`);
      const status = await new Promise<number>((resolve, reject) => {
        socket.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        socket.once("open", () => reject(new Error(`${path} was accepted`)));
        socket.once("error", () => resolve(-1));
      });
      socket.terminate();
      assert.equal(status, 400, path);
    }
    const stream = h.client.stream(0n, () => {});
    await stream.opened;
    stream.close();
    await stream.closed;
  });
});
