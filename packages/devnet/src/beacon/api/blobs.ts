/**
 * The blobs of `/eth/v1/beacon/blobs/{block_id}`. The devnet keeps no blobs (a long devnet's would
 * take gigabytes): a block's blobs are read when asked from a {@link BlobProvider} (anvil's sidecars
 * of the block's execution payload), then checked against the block before they are served.
 *
 * The check compares the source's commitments byte for byte with the block body's
 * `blob_kzg_commitments`, rather than recomputing each blob's commitment (10–40 ms a blob with
 * c-kzg): the body's commitments came from the same source when the block was produced and were
 * checked then against the payload's versioned hashes (`checkedBlobCommitments`), and anvil checks
 * each blob against its commitment when it takes the transaction. What the compare catches is the
 * source answering for another block (a reorg, a restarted L1 with another chain).
 */

import { BatonError, BYTES_PER_BLOB, commitmentVersionedHash } from "@baton/protocol";
import type { Hex } from "viem";
import type { StoredBlock } from "../chain.ts";
import { toHex } from "./chainView.ts";
import { ApiError, HttpStatus } from "./errors.ts";

/**
 * Where blobs come from: the blobs and KZG commitments of execution block `executionBlockNumber`,
 * in block order (empty lists without blobs), or null when the source does not have the block.
 */
export type BlobProvider = (
  executionBlockNumber: number,
) => Promise<{ readonly blobs: readonly Hex[]; readonly commitments: readonly Hex[] } | null>;

export const BlobSourceErrorCode = {
  /** The source does not have the execution block of a beacon block that lists blobs. */
  missingBlock: "BLOB_SOURCE_MISSING_BLOCK",
  /** The source's blobs or commitments are not the block's. */
  mismatch: "BLOB_SOURCE_MISMATCH",
} as const;
export type BlobSourceErrorCode = (typeof BlobSourceErrorCode)[keyof typeof BlobSourceErrorCode];

/** The blob source failed the server: answered 500 and logged, like any handler failure. */
export class BlobSourceError extends BatonError {
  override readonly name = "BlobSourceError";

  constructor(
    readonly code: BlobSourceErrorCode,
    shortMessage: string,
    details: Record<string, unknown>,
  ) {
    super(shortMessage, { details });
  }
}

const BLOB_HEX_PATTERN = new RegExp(`^0x[0-9a-fA-F]{${2 * BYTES_PER_BLOB}}$`);

/**
 * The blobs of `block` (hex, in the order of its commitments), only those whose versioned hash is
 * in `versionedHashes` when it is not empty (unknown hashes are left out). Asks `source` only when
 * something is to be returned, so blocks without blobs are served without one.
 *
 * @throws ApiError 500 when blobs are needed and there is no source.
 * @throws BlobSourceError when the source lacks the block or answers for another one.
 */
export async function blobsOfBlock(
  block: StoredBlock,
  versionedHashes: ReadonlySet<string>,
  source: BlobProvider | undefined,
): Promise<Hex[]> {
  const { body } = block.signedBlock.message;
  const commitments = body.blobKzgCommitments;
  const wanted = commitments
    .map((commitment, index) => ({ commitment, index }))
    .filter(
      ({ commitment }) =>
        versionedHashes.size === 0 || versionedHashes.has(commitmentVersionedHash(commitment)),
    )
    .map(({ index }) => index);
  if (wanted.length === 0) return [];
  if (!source) throw new ApiError(HttpStatus.internalError, "Blobs are not available: no blob source");
  const executionBlockNumber = body.executionPayload.blockNumber;
  const sidecars = await source(executionBlockNumber);
  const context = { slot: block.header.slot, executionBlockNumber };
  if (!sidecars) {
    throw new BlobSourceError(
      BlobSourceErrorCode.missingBlock,
      "The blob source does not have the block",
      context,
    );
  }
  const sameCommitments =
    sidecars.commitments.length === commitments.length &&
    sidecars.blobs.length === commitments.length &&
    commitments.every((commitment, i) => sidecars.commitments[i]?.toLowerCase() === toHex(commitment));
  if (!sameCommitments) {
    throw new BlobSourceError(
      BlobSourceErrorCode.mismatch,
      "The blob source's commitments are not the block's",
      {
        ...context,
        blockCommitments: commitments.length,
        sourceCommitments: sidecars.commitments.length,
        sourceBlobs: sidecars.blobs.length,
      },
    );
  }
  return wanted.map((index) => {
    const blob = sidecars.blobs[index]!;
    if (!BLOB_HEX_PATTERN.test(blob)) {
      throw new BlobSourceError(BlobSourceErrorCode.mismatch, "The blob source's blob is malformed", {
        ...context,
        index,
        length: blob.length,
      });
    }
    return blob.toLowerCase() as Hex;
  });
}
