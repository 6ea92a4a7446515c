import { BatonError, type BatonErrorOptions } from "@baton/protocol";

/**
 * Stable codes of {@link RollupError}. The JSON-RPC layer maps them to JSON-RPC error codes; metrics
 * and logs label with them. A code is never renamed or reused.
 */
export const RollupErrorCode = {
  /** `eth_getLogs` over more blocks than the node serves in one call. */
  logRangeTooLarge: "LOG_RANGE_TOO_LARGE",
  /** The current gateway refused the transaction (its code is in `details.gatewayCode`). */
  gatewayRefused: "GATEWAY_REFUSED",
  /** No gateway to forward to, or it could not be reached. */
  gatewayUnavailable: "GATEWAY_UNAVAILABLE",
  /** The node's database was written by another chain, another schema or another genesis. */
  databaseMismatch: "DATABASE_MISMATCH",
  /** The database is held by another running node. */
  databaseLocked: "DATABASE_LOCKED",
  /** The node's options are invalid. */
  invalidOption: "INVALID_OPTION",
  /** L1 could not be read (after retries). */
  l1Unavailable: "L1_UNAVAILABLE",
  /** A batch's blobs could not be had from the beacon node (or none is configured). */
  blobUnavailable: "BLOB_UNAVAILABLE",
} as const;
export type RollupErrorCode = (typeof RollupErrorCode)[keyof typeof RollupErrorCode];

export class RollupError extends BatonError {
  override readonly name = "RollupError";
  constructor(
    readonly code: RollupErrorCode,
    message: string,
    options: BatonErrorOptions = {},
  ) {
    super(message, options);
  }
}
