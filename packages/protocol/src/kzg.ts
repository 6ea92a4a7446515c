/**
 * EIP-4844 KZG commitments through the native `c-kzg` library, with the mainnet trusted setup it
 * ships (loaded once, on first use: about two seconds). Commitments name blobs on L1 by their
 * versioned hash, `0x01 ‖ sha256(commitment)[1:]`; a reader that recomputes the commitment from a
 * blob it fetched knows the blob is the one L1 named.
 */
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { bytesToHex, type Hex } from "viem";
import { BYTES_PER_BLOB, encodeBlobData, VERSIONED_HASH_VERSION_KZG } from "./preconf/blobData.ts";

interface CKzg {
  loadTrustedSetup(precompute: number, filePath?: string): void;
  blobToKzgCommitment(blob: Uint8Array): Uint8Array;
  computeBlobKzgProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array;
  verifyBlobKzgProof(blob: Uint8Array, commitment: Uint8Array, proof: Uint8Array): boolean;
}

let loaded: CKzg | null = null;

function kzg(): CKzg {
  if (loaded === null) {
    const lib = createRequire(import.meta.url)("c-kzg") as CKzg;
    lib.loadTrustedSetup(0);
    loaded = lib;
  }
  return loaded;
}

function checkBlob(blob: Uint8Array): void {
  if (blob.length !== BYTES_PER_BLOB)
    throw new RangeError(`a blob is ${BYTES_PER_BLOB} bytes, got ${blob.length}`);
}

/** The blob's KZG commitment (48 bytes). Throws on a blob whose field elements are not canonical. */
export function blobCommitment(blob: Uint8Array): Uint8Array {
  checkBlob(blob);
  return kzg().blobToKzgCommitment(blob);
}

/** The proof that `commitment` commits to `blob` (48 bytes), as a blob transaction's sidecar carries it. */
export function blobProof(blob: Uint8Array, commitment: Uint8Array): Uint8Array {
  checkBlob(blob);
  return kzg().computeBlobKzgProof(blob, commitment);
}

/** Whether `proof` shows that `commitment` commits to `blob`. */
export function verifyBlobProof(blob: Uint8Array, commitment: Uint8Array, proof: Uint8Array): boolean {
  checkBlob(blob);
  try {
    return kzg().verifyBlobKzgProof(blob, commitment, proof);
  } catch {
    return false;
  }
}

/** `0x01 ‖ sha256(commitment)[1:]`: how L1 (BLOBHASH, a transaction's `blobVersionedHashes`) names a blob. */
export function commitmentVersionedHash(commitment: Uint8Array): Hex {
  const hash = createHash("sha256").update(commitment).digest();
  hash[0] = VERSIONED_HASH_VERSION_KZG;
  return bytesToHex(hash);
}

/** The versioned hash of the blob's commitment. */
export function blobVersionedHash(blob: Uint8Array): Hex {
  return commitmentVersionedHash(blobCommitment(blob));
}

/** Batch data laid out in blobs, with what L1 names them by. */
export interface BlobCarriage {
  readonly blobs: readonly Uint8Array[];
  readonly commitments: readonly Uint8Array[];
  readonly versionedHashes: readonly Hex[];
}

/**
 * `data` as blobs (`encodeBlobData`) with their commitments and versioned hashes; a blob batch's
 * `dataHash` is `blobBatchDataHash(versionedHashes)`. Costs one commitment per blob (about 10 ms
 * for a mostly empty blob, 40 ms for a full one, here).
 */
export function carryInBlobs(data: Hex): BlobCarriage {
  const blobs = encodeBlobData(data);
  const commitments = blobs.map(blobCommitment);
  return { blobs, commitments, versionedHashes: commitments.map(commitmentVersionedHash) };
}
