/**
 * Blob-carried batch data, read from a beacon node's `GET /eth/v1/beacon/blobs/{block_id}`. The
 * inbox only proves that the blobs existed (their versioned hashes are in the event); their bytes live
 * on the consensus layer. Every blob the node takes is checked by recomputing its KZG commitment and
 * versioned hash, so a beacon node can withhold blobs but not substitute them.
 *
 * A blob the beacon node cannot give is an error (`BLOB_UNAVAILABLE`), never "no data": the blob was
 * available on L1, so deriving without it would fork from every node that has it. The sync loop
 * retries; the operator needs a beacon node that still holds the blobs (they are pruned after
 * about 18 days on mainnet).
 */
import { BYTES_PER_BLOB, blobVersionedHash } from "@baton/protocol";
import { type Hex, hexToBytes, isHex } from "viem";
import { RollupError, RollupErrorCode } from "../errors.ts";

export interface BlobSource {
  /**
   * The blobs named by `versionedHashes` in the beacon block of `slot`, in that order, each checked
   * against its versioned hash.
   * @throws RollupError `BLOB_UNAVAILABLE` when one is missing or the beacon node cannot be read.
   */
  blobs(slot: bigint, versionedHashes: readonly Hex[]): Promise<Uint8Array[]>;
}

export interface BeaconBlobSourceOptions {
  /** The beacon node's HTTP base URL. */
  readonly beaconUrl: string;
  readonly timeoutMs?: number;
}

export function createBeaconBlobSource(options: BeaconBlobSourceOptions): BlobSource {
  const base = options.beaconUrl.replace(/\/+$/, "");
  const timeoutMs = options.timeoutMs ?? 10_000;
  return {
    async blobs(slot, versionedHashes) {
      if (versionedHashes.length === 0) return [];
      const unavailable = (message: string, details: Record<string, unknown>, cause?: unknown) =>
        new RollupError(RollupErrorCode.blobUnavailable, message, {
          details: { slot, ...details },
          hint: "the node needs a beacon node that holds this slot's blobs (--beacon-url)",
          cause,
        });
      const query = new URLSearchParams();
      for (const hash of versionedHashes) query.append("versioned_hashes", hash);
      const url = `${base}/eth/v1/beacon/blobs/${slot}?${query}`;
      let body: unknown;
      try {
        const response = await fetch(url, {
          headers: { accept: "application/json" },
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!response.ok) {
          throw unavailable("The beacon node did not serve the slot's blobs", { status: response.status });
        }
        body = await response.json();
      } catch (error) {
        if (error instanceof RollupError) throw error;
        throw unavailable("The beacon node could not be read", {}, error);
      }
      const data = (body as { data?: unknown } | null)?.data;
      if (!Array.isArray(data)) throw unavailable("The beacon node's answer has no blob list", {});
      const byHash = new Map<Hex, Uint8Array>();
      for (const item of data) {
        if (typeof item !== "string" || !isHex(item) || item.length !== 2 + 2 * BYTES_PER_BLOB) continue;
        const blob = hexToBytes(item);
        let hash: Hex;
        try {
          hash = blobVersionedHash(blob);
        } catch {
          continue; // not a canonical blob: no commitment, so it cannot be one L1 named
        }
        byHash.set(hash, blob);
      }
      return versionedHashes.map((hash) => {
        const blob = byHash.get(hash.toLowerCase() as Hex);
        if (blob === undefined)
          throw unavailable("A blob is missing from the beacon node", { versionedHash: hash });
        return blob;
      });
    },
  };
}
