/**
 * Crash and restart: a gateway killed (SIGKILL) after persisting a commitment but before answering
 * it comes back with the promise it made: the same signed reply for the same request, refusals for
 * anything that conflicts with it, and the rollup's ordering chain going on from it. One store is
 * held by one process at a time.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { createInterface } from "node:readline";
import { describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { createGatewayClient, type SignedCommitmentJson } from "@baton/clients";
import {
  batonDomain,
  CommitmentKind,
  parseCommitment,
  preconfRequestHash,
  recoverCommitmentSigner,
} from "@baton/protocol";
import type { Hex } from "viem";
import { StoreLockedError } from "../src/store.ts";
import {
  COMMITTER,
  defaultWorld,
  type Harness,
  L1_CHAIN_ID,
  ROLLUP_A,
  refused,
  removeDir,
  request,
  SLASHER,
  signedTx,
  startHarness,
  USER_KEYS,
  USERS,
} from "./harness.ts";
import { rawCall } from "./raw.ts";

const ROOT = fileURLToPath(new URL("../../..", import.meta.url));
const CHILD = fileURLToPath(new URL("./killAfterPersist.ts", import.meta.url));
const [KEY_0, , KEY_2] = USER_KEYS as [Hex, Hex, Hex];
const domain = batonDomain(L1_CHAIN_ID, SLASHER);

/** Starts the gateway process that dies after its `killAt`-th persisted commitment; resolves with its URL. */
async function startChild(dataDir: string, killAt: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CHILD, dataDir, String(killAt)], {
    cwd: ROOT,
    stdio: ["pipe", "pipe", "inherit"],
  });
  try {
    const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
    const first = await Promise.race([
      once(lines, "line").then(([line]) => String(line)),
      once(child, "exit").then(([code, signal]) =>
        assert.fail(`child exited (${code}, ${signal}) before serving`),
      ),
    ]);
    lines.close();
    return { child, url: (JSON.parse(first) as { url: string }).url };
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
}

describe("gateway restart", () => {
  it("killed between persist and reply: serves the stored reply, refuses conflicts, chains on", async () => {
    const dataDir = defaultWorld().dataDir;
    let child: ChildProcess | undefined;
    let h: Harness | undefined;
    try {
      const started = await startChild(dataDir, 3);
      child = started.child;
      const exited = once(child, "exit");
      const remote = createGatewayClient(started.url);

      // While it runs, no second gateway can open its store.
      await assert.rejects(startHarness({}, defaultWorld(dataDir)), StoreLockedError);

      const l1 = request([await signedTx({ key: KEY_0, nonce: 0 })]);
      const l1Reply = await remote.commitmentRequest(l1);
      const first = request(
        [await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 0, value: 5n })],
        CommitmentKind.ordering,
      );
      const firstReply = await remote.commitmentRequest(first);
      // The third commitment is persisted, then the process dies: the connection drops, no answer.
      const lost = request(
        [await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 1, value: 6n })],
        CommitmentKind.state,
      );
      await assert.rejects(remote.commitmentRequest(lost), (error: unknown) => {
        assert.ok(error instanceof TypeError, `a dropped connection, not an answer: ${String(error)}`);
        return true;
      });
      const [code, signal] = await exited;
      assert.equal(signal, "SIGKILL", `exit code ${code}`);
      child = undefined;

      // Restart in this process on the same store, same world (clock in the same window).
      const world = defaultWorld(dataDir);
      h = await startHarness({}, world);
      h.at(2, 300);
      const counts = h.gateway.store.check();
      assert.equal(counts.commitments, 3);
      assert.equal(h.gateway.sequencer.sequence, 3n);
      const lostHash = preconfRequestHash(lost.commitment_type, lost.payload, SLASHER);
      const stored = h.gateway.store.commitment(lostHash);
      assert.ok(stored !== null, "the lost reply was durable");

      // The same request again: byte for byte what was stored, signed by the committer.
      const again = await rawCall(h.gateway.url, "commitmentRequest", lost);
      assert.equal(again.status, 200);
      assert.equal(again.text, stored);
      const lostReply = JSON.parse(again.text) as SignedCommitmentJson;
      assert.equal(lostReply.baton.sequence, "3");
      const lostCommitment = parseCommitment(lostReply.baton.commitment);
      assert.equal(await recoverCommitmentSigner(domain, lostCommitment, lostReply.signature), COMMITTER);
      assert.equal(lostCommitment.kind, CommitmentKind.state);
      assert.equal(lostCommitment.position, 1n);
      assert.equal(lostCommitment.parent, firstReply.baton.hash);
      assert.equal((await rawCall(h.gateway.url, "commitmentResult", lostHash)).text, stored);
      assert.deepEqual(await h.client.commitmentResult(l1Reply.commitment.request_hash), l1Reply);
      assert.deepEqual(await h.client.commitmentRequest(first), firstReply);

      // Conflicts with what was signed before the crash are refused.
      await refused(
        h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 0, value: 2n })])),
        "NONCE_TOO_LOW",
      );
      await refused(
        h.client.commitmentRequest(
          request(
            [await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 1, value: 7n })],
            CommitmentKind.ordering,
          ),
        ),
        "NONCE_TOO_LOW",
      );
      await refused(
        h.client.commitmentRequest(
          request(
            [await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 1, value: 6n })],
            CommitmentKind.ordering,
            {
              beneficiary: USERS[1]?.address,
            },
          ),
        ),
        "ALREADY_COMMITTED",
      );

      // The ordering chain goes on from the restored commitment; so does the stream sequence.
      const next = await h.client.commitmentRequest(
        request(
          [await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 2, value: 8n })],
          CommitmentKind.ordering,
        ),
      );
      const nextCommitment = parseCommitment(next.baton.commitment);
      assert.equal(nextCommitment.position, 2n);
      assert.equal(nextCommitment.parent, lostReply.baton.hash);
      assert.equal(next.baton.sequence, "4");
      // L1 nonces go on too.
      const l1Next = await h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 1 })]));
      assert.equal(l1Next.baton.sequence, "5");

      // A clean restart serves every commitment again, and the chain still goes on.
      const replies = [l1Reply, firstReply, lostReply, next, l1Next];
      h = await h.restart();
      assert.equal(h.gateway.store.check().commitments, 5);
      for (const reply of replies) {
        assert.deepEqual(await h.client.commitmentResult(reply.commitment.request_hash), reply);
      }
      const last = await h.client.commitmentRequest(
        request([await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 3 })], CommitmentKind.ordering),
      );
      assert.equal(parseCommitment(last.baton.commitment).position, 3n);
      assert.equal(parseCommitment(last.baton.commitment).parent, next.baton.hash);
      // The clean close cut the open batch (sequence 6): the promise goes into the next batch.
      const batches = h.gateway.store.batches();
      assert.deepEqual(
        batches.map((b) => [b.chainId, b.number, b.sequence]),
        [[ROLLUP_A, 0n, 6n]],
      );
      assert.equal(JSON.parse(batches[0]?.json ?? "{}").batch.txCount, 3);
      assert.equal(last.baton.sequence, "7");
    } finally {
      child?.kill("SIGKILL");
      await h?.close();
      removeDir(dataDir);
    }
  });

  it("refuses to start a second gateway on a store another one holds", async () => {
    const world = defaultWorld();
    const h = await startHarness({}, world);
    try {
      await assert.rejects(startHarness({}, defaultWorld(world.dataDir)), StoreLockedError);
      // The first one is unaffected.
      h.at(2, 100);
      await h.client.commitmentRequest(request([await signedTx({ key: KEY_0, nonce: 0 })]));
    } finally {
      await h.close();
    }
    // Once it is closed, the store can be opened again.
    const again = await startHarness({}, defaultWorld(world.dataDir));
    try {
      assert.equal(again.gateway.store.check().commitments, 1);
    } finally {
      await again.close();
      removeDir(world.dataDir);
    }
  });
});
