import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { carryInBlobs, verifyBlobProof } from "@baton/protocol";
import { bytesToHex } from "viem";
import { KzgWorker } from "./kzg.ts";

describe("KzgWorker", () => {
  const kzg = new KzgWorker();
  after(() => kzg.close());

  it("lays data out in blobs with the commitments the main thread would compute, and proves them", async () => {
    const data = bytesToHex(new Uint8Array(150_000).map((_, i) => (i * 31 + 7) & 0xff));
    const carriage = await kzg.carry(data);
    const expected = carryInBlobs(data);
    assert.equal(carriage.blobs.length, 2);
    assert.deepEqual(carriage.versionedHashes, expected.versionedHashes);
    assert.deepEqual(
      carriage.commitments.map((c) => bytesToHex(c)),
      expected.commitments.map((c) => bytesToHex(c)),
    );
    const proofs = await kzg.proofs(carriage.blobs, carriage.commitments);
    assert.equal(proofs.length, 2);
    carriage.blobs.forEach((blob, i) => {
      assert.ok(verifyBlobProof(blob, carriage.commitments[i] as Uint8Array, proofs[i] as Uint8Array));
    });
    // The blobs stay usable after the hand-off (the worker gets copies).
    assert.equal(carriage.blobs[0]?.length, 131_072);
  });

  it("reports a bad blob as an error, keeps working, and refuses work once closed", async () => {
    const bad = new Uint8Array(131_072).fill(0xff); // field elements above the modulus
    await assert.rejects(kzg.proofs([bad], [new Uint8Array(48)]), /KZG/);
    assert.equal((await kzg.carry("0x01")).blobs.length, 1);
    const closed = new KzgWorker();
    await closed.close();
    await assert.rejects(closed.carry("0x01"), /closed/);
  });
});
