import { BatonError, type BatonErrorOptions } from "../errors.ts";

/**
 * Stable codes of {@link CommitmentError}: callers (the gateway's request validation, the watchtower)
 * branch and label metrics on them, so a code is never renamed or reused.
 */
export const CommitmentErrorCode = {
  /** The JSON value is not an object. */
  notAnObject: "COMMITMENT_NOT_AN_OBJECT",
  /** A field of the wire type is absent. */
  missingField: "COMMITMENT_MISSING_FIELD",
  /** The object has a field the wire type does not define. */
  unknownField: "COMMITMENT_UNKNOWN_FIELD",
  /** An integer field is not a non-negative integer (JSON number, decimal or 0x-hex string). */
  invalidInteger: "COMMITMENT_INVALID_INTEGER",
  /** An integer field does not fit its Solidity type (uint8, uint32, uint64, uint256). */
  integerOutOfRange: "COMMITMENT_INTEGER_OUT_OF_RANGE",
  /** A bytes32 field is not `0x` followed by 64 hex digits. */
  invalidBytes32: "COMMITMENT_INVALID_BYTES32",
  /** An address field is not `0x` followed by 40 hex digits. */
  invalidAddress: "COMMITMENT_INVALID_ADDRESS",
  /** `kind` is a uint8 but not one of the known kinds. */
  unknownKind: "COMMITMENT_UNKNOWN_KIND",
  /** The domain's chain id is not a positive uint256. */
  invalidChainId: "COMMITMENT_INVALID_CHAIN_ID",
  /** A signature is not hex of 65 bytes (`Signatures.SignatureInvalidLength` on-chain). */
  signatureInvalidLength: "SIGNATURE_INVALID_LENGTH",
  /** A signature's `s` is in the upper half of the curve order (`Signatures.SignatureMalleableS`). */
  signatureMalleableS: "SIGNATURE_MALLEABLE_S",
  /** A signature's `v` is neither 27 nor 28 (`Signatures.SignatureInvalidV`). */
  signatureInvalidV: "SIGNATURE_INVALID_V",
  /** A signature recovers no address (`Signatures.SignatureInvalid`). */
  signatureInvalid: "SIGNATURE_INVALID",
  /** A transaction index is outside the batch (`txRootProof`). */
  txIndexOutOfRange: "TX_INDEX_OUT_OF_RANGE",
} as const;
export type CommitmentErrorCode = (typeof CommitmentErrorCode)[keyof typeof CommitmentErrorCode];

/** A commitment, batch, signature or transaction root input that Baton refuses, with a stable `code`. */
export class CommitmentError extends BatonError {
  override readonly name = "CommitmentError";
  readonly code: CommitmentErrorCode;

  constructor(code: CommitmentErrorCode, shortMessage: string, options: BatonErrorOptions = {}) {
    super(shortMessage, { ...options, details: { code, ...options.details } });
    this.code = code;
  }
}
