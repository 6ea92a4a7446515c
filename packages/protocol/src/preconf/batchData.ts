/**
 * The data a batch carries (calldata, or the blobs' contents): its transactions in order, each with
 * the bundle it belongs to. `Batch.dataHash` is `keccak256` of these bytes when they travel in
 * calldata, and `Batch.txRoot` is `txRoot` of the transactions' hashes.
 *
 * Encoding: `RLP([[rawTx, bundleHash], ...])`, where `bundleHash` is empty for a transaction that is
 * not in a bundle, or 32 bytes. A rollup node drops a bundle member whose bundle is not complete in
 * the window, the same way on every node.
 */
import { fromRlp, type Hex, isHex, keccak256, toRlp } from "viem";
import { BatonError } from "../errors.ts";

export type BatchEntry = {
  /** The signed EIP-2718 transaction. */
  readonly tx: Hex;
  /** The bundle hash, or null. */
  readonly bundle: Hex | null;
};

export class BatchDataError extends BatonError {
  override readonly name = "BatchDataError";
  readonly code = "BATCH_DATA_UNDECODABLE";
}

export function encodeBatchData(entries: readonly BatchEntry[]): Hex {
  return toRlp(entries.map((entry) => [entry.tx, entry.bundle ?? "0x"]));
}

/** @throws BatchDataError when the bytes are not a list of `[tx, bundle]` pairs. */
export function decodeBatchData(data: Hex): BatchEntry[] {
  let decoded: unknown;
  try {
    decoded = fromRlp(data, "hex");
  } catch (cause) {
    throw new BatchDataError("Batch data is not RLP", { cause });
  }
  if (!Array.isArray(decoded)) throw new BatchDataError("Batch data is not an RLP list");
  return decoded.map((item, index) => {
    if (!Array.isArray(item) || item.length !== 2) {
      throw new BatchDataError("Batch entry is not a [tx, bundle] pair", { details: { index } });
    }
    const [tx, bundle] = item as unknown[];
    if (typeof tx !== "string" || !isHex(tx) || tx === "0x") {
      throw new BatchDataError("Batch entry has no transaction", { details: { index } });
    }
    if (typeof bundle !== "string" || (bundle !== "0x" && bundle.length !== 66)) {
      throw new BatchDataError("Batch entry's bundle is neither empty nor 32 bytes", { details: { index } });
    }
    return { tx: tx as Hex, bundle: bundle === "0x" ? null : (bundle as Hex) };
  });
}

/** `keccak256` of the data: `Batch.dataHash` for a calldata batch. */
export function batchDataHash(data: Hex): Hex {
  return keccak256(data);
}
