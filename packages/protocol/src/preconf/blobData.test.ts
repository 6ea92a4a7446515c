import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { bytesToHex, type Hex, keccak256 } from "viem";
import {
  blobCommitment,
  blobProof,
  blobVersionedHash,
  commitmentVersionedHash,
  verifyBlobProof,
} from "../kzg.ts";
import {
  BLOB_STREAM_BYTES,
  BlobDataError,
  BYTES_PER_BLOB,
  blobBatchDataHash,
  blobCount,
  decodeBlobData,
  encodeBlobData,
} from "./blobData.ts";

const bytes = (length: number, seed = 7): Uint8Array => {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * seed + 13) & 0xff;
  return out;
};

describe("blob data", () => {
  it("round-trips data of every size class, in as few blobs as the length needs", () => {
    for (const length of [0, 1, 30, 31, 32, 1000, BLOB_STREAM_BYTES - 4, BLOB_STREAM_BYTES - 3, 300_000]) {
      const data = bytesToHex(bytes(length));
      const blobs = encodeBlobData(data);
      assert.equal(blobs.length, blobCount(length), `length ${length}`);
      assert.equal(decodeBlobData(blobs), data, `length ${length}`);
    }
    assert.equal(blobCount(BLOB_STREAM_BYTES - 4), 1);
    assert.equal(blobCount(BLOB_STREAM_BYTES - 3), 2);
  });

  it("lays the stream out 31 bytes per field element after a 4-byte big-endian length", () => {
    const [blob] = encodeBlobData("0xaabbcc");
    assert.ok(blob);
    assert.deepEqual([...blob.subarray(0, 8)], [0, 0, 0, 0, 3, 0xaa, 0xbb, 0xcc]);
    assert.ok(blob.subarray(8).every((b) => b === 0));
    const [long] = encodeBlobData(bytes(40));
    assert.ok(long);
    assert.equal(long[32], 0, "the second field element starts with a zero byte");
    assert.equal(long[33], bytes(40)[27], "and carries stream byte 31 (data byte 27)");
  });

  it("refuses blobs that are not canonical, with one stable code", () => {
    const good = encodeBlobData(bytesToHex(bytes(100)));
    const cases: [string, Uint8Array[]][] = [];
    const highByte = good.map((b) => b.slice());
    (highByte[0] as Uint8Array)[32 * 10] = 1;
    cases.push(["a field element's first byte set", highByte]);
    const padding = good.map((b) => b.slice());
    (padding[0] as Uint8Array)[32 * 200 + 5] = 9;
    cases.push(["a non-zero byte after the data", padding]);
    const long = good.map((b) => b.slice());
    (long[0] as Uint8Array).set([0, 0x01, 0, 0, 0], 0);
    cases.push(["a length beyond the blobs", long]);
    cases.push(["a spare blob", [...good, new Uint8Array(BYTES_PER_BLOB)]]);
    cases.push(["no blob", []]);
    cases.push(["a short blob", [new Uint8Array(100)]]);
    for (const [name, blobs] of cases) {
      assert.throws(
        () => decodeBlobData(blobs),
        (error: unknown) => error instanceof BlobDataError && error.code === "BLOB_DATA_MALFORMED",
        name,
      );
    }
  });

  it("hashes versioned hashes packed, as the inbox's dataHash check does", () => {
    const a: Hex = `0x01${"11".repeat(31)}`;
    const b: Hex = `0x01${"22".repeat(31)}`;
    assert.equal(blobBatchDataHash([a, b]), keccak256(`0x01${"11".repeat(31)}01${"22".repeat(31)}`));
  });
});

describe("kzg", () => {
  it("commits the empty blob to the point at infinity, with its known versioned hash", () => {
    const empty = new Uint8Array(BYTES_PER_BLOB);
    const commitment = blobCommitment(empty);
    assert.equal(bytesToHex(commitment), `0xc0${"00".repeat(47)}`);
    assert.equal(
      commitmentVersionedHash(commitment),
      "0x010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014",
    );
  });

  it("gives the versioned hash anvil accepted for a blob transaction", () => {
    // A blob with byte 1 = 42, sent to anvil 1.5.1 (Prague) in a type-3 transaction; anvil checked
    // the sidecar's proof and listed this hash in the transaction's blobVersionedHashes.
    const blob = new Uint8Array(BYTES_PER_BLOB);
    blob[1] = 42;
    assert.equal(
      blobVersionedHash(blob),
      "0x019891552ae0561b9a59b41a424f1dccb053e52631f77297cd732b00e1aaca61",
    );
  });

  it("proves a blob against its commitment and refuses another blob", () => {
    const [blob] = encodeBlobData(bytesToHex(bytes(5000)));
    assert.ok(blob);
    const commitment = blobCommitment(blob);
    const proof = blobProof(blob, commitment);
    assert.equal(verifyBlobProof(blob, commitment, proof), true);
    const other = blob.slice();
    other[100] = (other[100] ?? 0) ^ 1;
    assert.equal(verifyBlobProof(other, commitment, proof), false);
    assert.throws(() => blobCommitment(new Uint8Array(10)), RangeError);
  });
});
