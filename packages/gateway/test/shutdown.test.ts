/**
 * Graceful shutdown: requests under way when `close()` begins get their commitment, durably (the
 * reopened store has it); requests that arrive after are refused (SHUTTING_DOWN while the server
 * still listens, then no connection at all).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { SignedCommitmentJson, StreamMessageJson } from "@baton/clients";
import { CommitmentKind } from "@baton/protocol";
import type { Address, Hex } from "viem";
import { GatewayStore } from "../src/store.ts";
import {
  COMMITTER,
  defaultWorld,
  FakeL1,
  type Harness,
  ROLLUP_A,
  ROLLUP_B,
  refused,
  removeDir,
  request,
  signedTx,
  startHarness,
  USER_KEYS,
  type World,
} from "./harness.ts";

const [KEY_0, KEY_1, KEY_2] = USER_KEYS as [Hex, Hex, Hex];

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `count` requests reached the sequencer (past the HTTP layer's shutdown check). */
function countArrivals(h: Harness, count: number): Promise<void> {
  const sequencer = h.gateway.sequencer;
  const original = sequencer.request.bind(sequencer);
  const all = deferred();
  let seen = 0;
  sequencer.request = (body) => {
    if (++seen === count) all.resolve();
    return original(body);
  };
  return all.promise;
}

/** Opens the closed gateway's store again and returns what it holds for `replies`. */
function reopened(world: World, replies: readonly SignedCommitmentJson[]) {
  const store = GatewayStore.open(world.dataDir, COMMITTER, "os");
  try {
    const counts = store.check();
    return {
      counts,
      stored: replies.map((r) => JSON.parse(store.commitment(r.commitment.request_hash) ?? "null")),
    };
  } finally {
    void store.close(); // os durability: closes at once
  }
}

/** An L1 whose account reads wait for a gate (an L1 node that is slow to answer). */
class SlowL1 extends FakeL1 {
  gate: Promise<void> = Promise.resolve();
  readonly reading = deferred();
  override async account(address: Address) {
    this.reading.resolve();
    await this.gate;
    return super.account(address);
  }
}

describe("gateway graceful shutdown", () => {
  it("finishes requests waiting for a decision, durably, and refuses new ones", async () => {
    const world = defaultWorld();
    const h = await startHarness({}, world);
    const hold = deferred();
    let closing: Promise<void> | null = null;
    try {
      h.at(2, 100);
      const before = await h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 0 })]));
      // Three requests wait behind a held decision section when shutdown begins.
      const held = h.gateway.sequencer.exclusive(() => hold.promise);
      const arrived = countArrivals(h, 3);
      const inFlight = [
        h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 1 })])),
        h.client.commitmentRequest(
          request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 0 })], CommitmentKind.state),
        ),
        h.client.commitmentRequest(
          request(
            [
              await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 0 }),
              await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce: 0 }),
            ],
            CommitmentKind.bundle,
          ),
        ),
      ];
      await arrived;
      await new Promise((resolve) => setImmediate(resolve));
      closing = h.gateway.close();
      assert.equal(h.gateway.accepting, false);

      // New requests are refused while the server still answers; health says it is stopping.
      await refused(
        h.client.commitmentRequest(request([await signedTx({ key: KEY_1, chainId: ROLLUP_B, nonce: 0 })])),
        "SHUTTING_DOWN",
      );
      await refused(h.client.fee(request([await signedTx({ key: KEY_1, nonce: 0 })])), "SHUTTING_DOWN");
      await refused(h.client.commitmentResult(before.commitment.request_hash), "SHUTTING_DOWN");
      assert.equal((await h.client.health(undefined)).status, "stopping");

      hold.resolve();
      await held;
      const replies = await Promise.all(inFlight);
      assert.deepEqual(
        replies.map((r) => r.baton.sequence),
        ["2", "3", "4"],
      );
      await closing;

      // Gone: no connection any more.
      await assert.rejects(h.client.health(undefined), (error: unknown) => error instanceof TypeError);

      // Durable: the store, reopened, holds every commitment answered, and the batches cut at close.
      const { counts, stored } = reopened(world, [before, ...replies]);
      assert.deepEqual(stored, [before, ...replies]);
      assert.equal(counts.commitments, 4);
      assert.equal(counts.batches, 2, "close cut both rollups' open batches");
      assert.equal(counts.transactions, 5);
    } finally {
      hold.resolve();
      await (closing ?? h.close());
      removeDir(world.dataDir);
    }
  });

  it("finishes a request still reading L1 state when shutdown begins", async () => {
    const l1 = new SlowL1();
    const base = defaultWorld();
    for (const [address, account] of base.l1.accounts) l1.accounts.set(address, account);
    const world: World = { ...base, l1 };
    const h = await startHarness({}, world);
    const gate = deferred();
    let closing: Promise<void> | null = null;
    try {
      h.at(2, 100);
      const published: StreamMessageJson[] = [];
      const stream = h.client.stream(0n, (message) => published.push(message));
      await stream.opened;
      l1.gate = gate.promise;
      const inFlight = h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 0 })]));
      await l1.reading.promise;
      const started = performance.now();
      closing = h.gateway.close();
      // Shutdown waits for it: the server still answers, and refuses anything new.
      await refused(
        h.client.commitmentRequest(request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 0 })])),
        "SHUTTING_DOWN",
      );
      gate.resolve();
      const reply = await inFlight;
      assert.equal(reply.baton.sequence, "1");
      await closing;
      // Its connection was not left in keep-alive to hold the server's close up (30 s).
      const elapsed = performance.now() - started;
      assert.ok(elapsed < h.gateway.options.shutdownTimeoutMs, `close took ${elapsed} ms`);
      // Published before the stream closed.
      await stream.closed;
      assert.deepEqual(
        published.map((m) => [m.type, m.sequence, m.data]),
        [["commitment", "1", reply]],
      );
      const { stored } = reopened(world, [reply]);
      assert.deepEqual(stored, [reply]);
    } finally {
      gate.resolve();
      await (closing ?? h.close());
      removeDir(world.dataDir);
    }
  });
  it("answers a request that outlives the shutdown timeout, then closes at once", async () => {
    const l1 = new SlowL1();
    const base = defaultWorld();
    for (const [address, account] of base.l1.accounts) l1.accounts.set(address, account);
    const world: World = { ...base, l1 };
    const h = await startHarness({ shutdownTimeoutMs: 100 }, world);
    const gate = deferred();
    let closing: Promise<void> | null = null;
    try {
      h.at(2, 100);
      const stream = h.client.stream(0n, () => {});
      await stream.opened;
      l1.gate = gate.promise;
      const inFlight = h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 0 })]));
      await l1.reading.promise;
      closing = h.gateway.close();
      // The stream closes after the drain gave up waiting; the request is still reading L1.
      await stream.closed;
      gate.resolve();
      const started = performance.now();
      const reply = await inFlight;
      await closing;
      const elapsed = performance.now() - started;
      assert.ok(elapsed < 5_000, `close took ${elapsed} ms after the last answer (keep-alive held it up)`);
      assert.deepEqual(reopened(world, [reply]).stored, [reply]);
    } finally {
      gate.resolve();
      await (closing ?? h.close());
      removeDir(world.dataDir);
    }
  });
});
