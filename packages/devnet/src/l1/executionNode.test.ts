import assert from "node:assert/strict";
import { test } from "node:test";
import { commitmentVersionedHash, GAS_PER_BLOB } from "@baton/protocol";
import { type Hex, hexToBytes, serializeTransaction, toHex } from "viem";
import {
  type BlobSidecars,
  checkedBlobCommitments,
  ExecutionNodeError,
  ExecutionNodeErrorCode,
} from "./executionNode.ts";

/** Stand-in commitments (48 bytes): the check hashes them, it runs no KZG. */
const commitments = [1, 2, 3].map((i) => toHex(new Uint8Array(48).fill(i)));
const hashes = commitments.map((c) => commitmentVersionedHash(hexToBytes(c)));
const blob = toHex(new Uint8Array(8));

function blobTx(nonce: number, blobVersionedHashes: Hex[]): Uint8Array {
  return hexToBytes(
    serializeTransaction({
      type: "eip4844",
      chainId: 3151908,
      nonce,
      to: "0x000000000000000000000000000000000000ba70",
      gas: 21_000n,
      maxFeePerGas: 2n,
      maxPriorityFeePerGas: 1n,
      maxFeePerBlobGas: 1n,
      blobVersionedHashes,
    }),
  );
}

const transfer = hexToBytes(
  serializeTransaction({
    type: "eip1559",
    chainId: 3151908,
    to: "0x000000000000000000000000000000000000ba70",
    gas: 21_000n,
    maxFeePerGas: 2n,
  }),
);

/** A block with a transfer between two blob transactions (blobs 0-1, then blob 2). */
const payload = {
  blockNumber: 7,
  blobGasUsed: 3n * GAS_PER_BLOB,
  transactions: [blobTx(0, hashes.slice(0, 2)), transfer, blobTx(1, hashes.slice(2))],
};
const sidecars: BlobSidecars = { blobs: [blob, blob, blob], commitments, proofs: [] };

function assertMismatch(run: () => unknown, reason: string) {
  assert.throws(run, (error) => {
    assert.ok(error instanceof ExecutionNodeError);
    assert.equal(error.code, ExecutionNodeErrorCode.blobSidecarsMismatch);
    assert.equal(error.details.reason, reason);
    return true;
  });
}

test("a block's blob commitments are its sidecars', when they match its blob gas and versioned hashes", () => {
  assert.deepEqual(
    checkedBlobCommitments(payload, sidecars),
    commitments.map((c) => hexToBytes(c)),
  );
  assert.deepEqual(
    checkedBlobCommitments({ ...payload, blobGasUsed: 0n, transactions: [transfer] }, null),
    [],
  );
});

test("sidecars that do not match the block are refused, never turned into a block", () => {
  assertMismatch(() => checkedBlobCommitments(payload, null), "blob count");
  assertMismatch(
    () => checkedBlobCommitments({ ...payload, blobGasUsed: 4n * GAS_PER_BLOB }, sidecars),
    "blob count",
  );
  assertMismatch(
    () => checkedBlobCommitments({ ...payload, blobGasUsed: GAS_PER_BLOB + 1n }, sidecars),
    "blob gas used is not a whole number of blobs",
  );
  assertMismatch(() => checkedBlobCommitments(payload, { ...sidecars, blobs: [blob] }), "blob count");
  // The same commitments in another order than the transactions name them.
  const swapped = [commitments[1]!, commitments[0]!, commitments[2]!];
  assertMismatch(
    () => checkedBlobCommitments(payload, { ...sidecars, commitments: swapped }),
    "versioned hashes",
  );
  // Another block's commitments.
  const other = {
    ...sidecars,
    commitments: [commitments[0]!, commitments[1]!, toHex(new Uint8Array(48).fill(9))],
  };
  assertMismatch(() => checkedBlobCommitments(payload, other), "versioned hashes");
});
