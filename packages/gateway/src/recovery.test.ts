import assert from "node:assert/strict";
import { it } from "node:test";
import secp256k1 from "secp256k1";
import { keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { recoverSigner } from "./crypto.ts";
import { inlineRecovery, RecoveryPool } from "./recovery.ts";

function signed(i: number) {
  const key = Buffer.from(keccak256(toHex(`key ${i}`)).slice(2), "hex");
  const digest = Buffer.from(keccak256(toHex(`digest ${i}`)).slice(2), "hex");
  const { signature, recid } = secp256k1.ecdsaSign(digest, key);
  return {
    digest,
    signature,
    yParity: recid,
    address: privateKeyToAccount(toHex(key)).address.toLowerCase(),
  };
}

it("recovers on worker threads what inline recovery does, in batches, for good and bad signatures", async () => {
  const pool = new RecoveryPool(2, "always");
  try {
    const cases = Array.from({ length: 300 }, (_, i) => signed(i));
    // Every third signature is made to recover no one (r = 0 is no curve point) or someone else.
    const inputs = cases.map((c, i) =>
      i % 3 === 1
        ? { ...c, signature: Uint8Array.from(c.signature).fill(0, 0, 32) }
        : i % 3 === 2
          ? { ...c, yParity: 1 - c.yParity }
          : c,
    );
    const answers = await Promise.all(inputs.map((c) => pool.recover(c.digest, c.signature, c.yParity)));
    for (const [i, c] of inputs.entries()) {
      const inline = await inlineRecovery.recover(c.digest, c.signature, c.yParity);
      assert.equal(answers[i], inline, `case ${i}`);
      assert.equal(answers[i], recoverSigner(c.digest, c.signature, c.yParity));
      if (i % 3 === 0) assert.equal(answers[i], cases[i]?.address);
      if (i % 3 === 1) assert.equal(answers[i], null);
      if (i % 3 === 2) assert.notEqual(answers[i], cases[i]?.address);
    }
    // Later calls (new batches) still answer.
    const one = signed(999);
    assert.equal(await pool.recover(one.digest, one.signature, one.yParity), one.address);
  } finally {
    await pool.close();
  }
  const one = signed(1);
  await assert.rejects(pool.recover(one.digest, one.signature, one.yParity), /closed/);
});

it("recovers inline while the event loop is lightly used, and on the workers once it is busy", async () => {
  const pool = new RecoveryPool(1);
  try {
    const one = signed(7);
    await new Promise((resolve) => setTimeout(resolve, 250));
    assert.equal(pool.offloading, false);
    assert.equal(await pool.recover(one.digest, one.signature, one.yParity), one.address);
    // Keep the loop busy (90% of each millisecond) for a few sampling intervals.
    const until = performance.now() + 400;
    while (performance.now() < until) {
      const slice = performance.now() + 0.9;
      while (performance.now() < slice) {}
      await new Promise((resolve) => setImmediate(resolve));
      if (pool.offloading) break;
    }
    assert.equal(pool.offloading, true);
    assert.equal(await pool.recover(one.digest, one.signature, one.yParity), one.address);
  } finally {
    await pool.close();
  }
});

it("a worker that dies fails only its own jobs; the others answer, and its slot is refilled", async () => {
  const pool = new RecoveryPool(2, "always");
  try {
    const one = signed(3);
    const batch = () =>
      Array.from({ length: 500 }, () => pool.recover(one.digest, one.signature, one.yParity));
    const first = batch(); // sent to slot 0 on the next turn
    await new Promise((resolve) => setImmediate(resolve));
    const second = batch(); // slot 1
    await new Promise((resolve) => setImmediate(resolve));
    await pool.crashWorker(0);
    const firstResults = await Promise.allSettled(first);
    const secondResults = await Promise.allSettled(second);
    assert.ok(firstResults.every((r) => r.status === "rejected" && /exited/.test(String(r.reason))));
    assert.ok(secondResults.every((r) => r.status === "fulfilled" && r.value === one.address));
    // While slot 0 is replaced, batches go to slot 1; once refilled, to both.
    for (let round = 0; round < 4; round++) {
      for (const answer of await Promise.all(batch())) assert.equal(answer, one.address);
    }
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    for (let round = 0; round < 4; round++) {
      for (const answer of await Promise.all(batch())) assert.equal(answer, one.address);
    }
  } finally {
    await pool.close();
  }
});

it("close rejects jobs queued but not yet sent", async () => {
  const pool = new RecoveryPool(1, "always");
  const one = signed(4);
  const queued = pool.recover(one.digest, one.signature, one.yParity).then(
    () => "answered",
    (error: unknown) => String(error),
  );
  await pool.close();
  assert.match(await queued, /closed/);
});
