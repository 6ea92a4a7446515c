/**
 * Batch data carried in EIP-4844 blobs. The inbox checks a blob batch's `dataHash` against
 * `keccak256` of its blobs' versioned hashes, packed in `blobIndices` order; the data itself is the
 * same `RLP([[tx, bundle], ...])` a calldata batch carries (`batchData.ts`).
 *
 * Encoding (docs/rollup.md, "Blob data"): the blobs, in `blobIndices` order, are read as one stream
 * of field elements of 32 bytes. Every field element's first byte is zero (so it is below the BLS
 * modulus) and its other 31 bytes carry the stream. The stream is the data's length as 4 bytes
 * big-endian, the data, then zeros to the end of the last blob. The encoding is canonical: a blob list
 * that does not decode under these rules, or has more blobs than its length needs, carries no usable
 * data, the same on every node.
 */
import { bytesToHex, concatHex, type Hex, hexToBytes, keccak256 } from "viem";
import { BatonError } from "../errors.ts";

export const BYTES_PER_BLOB = 131_072;
/** EIP-4844: the blob gas one blob uses (a block's `blobGasUsed` is this times its blob count). */
export const GAS_PER_BLOB = 131_072n;
export const BYTES_PER_FIELD_ELEMENT = 32;
export const FIELD_ELEMENTS_PER_BLOB = 4096;
/** Stream bytes one field element carries (its first byte stays zero). */
export const BLOB_BYTES_PER_FIELD_ELEMENT = 31;
/** Stream bytes one blob carries. */
export const BLOB_STREAM_BYTES = FIELD_ELEMENTS_PER_BLOB * BLOB_BYTES_PER_FIELD_ELEMENT;
const LENGTH_BYTES = 4;
/** The EIP-4844 version byte of a KZG commitment's versioned hash. */
export const VERSIONED_HASH_VERSION_KZG = 0x01;

export class BlobDataError extends BatonError {
  override readonly name = "BlobDataError";
  readonly code = "BLOB_DATA_MALFORMED";
}

/** How many blobs data of `length` bytes takes. */
export function blobCount(length: number): number {
  return Math.max(1, Math.ceil((LENGTH_BYTES + length) / BLOB_STREAM_BYTES));
}

/** Data as blobs (see the module comment). */
export function encodeBlobData(data: Hex | Uint8Array): Uint8Array[] {
  const bytes = typeof data === "string" ? hexToBytes(data) : data;
  if (bytes.length > 0xffff_ffff)
    throw new BlobDataError("Blob data is too long", { details: { length: bytes.length } });
  const stream = new Uint8Array(blobCount(bytes.length) * BLOB_STREAM_BYTES);
  new DataView(stream.buffer).setUint32(0, bytes.length);
  stream.set(bytes, LENGTH_BYTES);
  const blobs: Uint8Array[] = [];
  for (let b = 0; b * BLOB_STREAM_BYTES < stream.length; b++) {
    const blob = new Uint8Array(BYTES_PER_BLOB);
    for (let i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
      const from = b * BLOB_STREAM_BYTES + i * BLOB_BYTES_PER_FIELD_ELEMENT;
      blob.set(stream.subarray(from, from + BLOB_BYTES_PER_FIELD_ELEMENT), i * BYTES_PER_FIELD_ELEMENT + 1);
    }
    blobs.push(blob);
  }
  return blobs;
}

/** @throws BlobDataError when the blobs do not decode canonically (see the module comment). */
export function decodeBlobData(blobs: readonly Uint8Array[]): Hex {
  if (blobs.length === 0) throw new BlobDataError("No blobs");
  const stream = new Uint8Array(blobs.length * BLOB_STREAM_BYTES);
  blobs.forEach((blob, b) => {
    if (blob.length !== BYTES_PER_BLOB) {
      throw new BlobDataError("A blob is not 131072 bytes", { details: { blob: b, length: blob.length } });
    }
    for (let i = 0; i < FIELD_ELEMENTS_PER_BLOB; i++) {
      const at = i * BYTES_PER_FIELD_ELEMENT;
      if (blob[at] !== 0) {
        throw new BlobDataError("A field element's first byte is not zero", {
          details: { blob: b, element: i },
        });
      }
      stream.set(
        blob.subarray(at + 1, at + BYTES_PER_FIELD_ELEMENT),
        b * BLOB_STREAM_BYTES + i * BLOB_BYTES_PER_FIELD_ELEMENT,
      );
    }
  });
  const length = new DataView(stream.buffer).getUint32(0);
  if (LENGTH_BYTES + length > stream.length) {
    throw new BlobDataError("The length exceeds the blobs", { details: { length, blobs: blobs.length } });
  }
  if (blobCount(length) !== blobs.length) {
    throw new BlobDataError("More blobs than the length needs", { details: { length, blobs: blobs.length } });
  }
  const end = LENGTH_BYTES + length;
  for (let i = end; i < stream.length; i++) {
    if (stream[i] !== 0) throw new BlobDataError("Non-zero bytes after the data", { details: { offset: i } });
  }
  return bytesToHex(stream.subarray(LENGTH_BYTES, end));
}

/** `Batch.dataHash` of a blob batch: `keccak256` of its versioned hashes, packed in order. */
export function blobBatchDataHash(versionedHashes: readonly Hex[]): Hex {
  return keccak256(versionedHashes.length === 0 ? "0x" : concatHex([...versionedHashes]));
}
