import { type Address, type Hex, hexToBigInt, recoverAddress } from "viem";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";

/** Order of the secp256k1 group. */
export const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
/** Largest `s` a signature may carry (EIP-2): the lower half of the group order. */
export const SECP256K1_HALF_N = SECP256K1_N >> 1n;

/** A signature split into its words: `r || s || v`, 65 bytes. */
export interface SignatureParts {
  readonly r: bigint;
  readonly s: bigint;
  readonly v: number;
}

/**
 * Checks a 65-byte `r || s || v` signature the way `Signatures.recover` does on-chain, in the same
 * order (length, then `s`, then `v`), so that off-chain and on-chain accept exactly the same bytes:
 * low `s` only (EIP-2, no malleable twin) and `v` 27 or 28 (not 0/1, not EIP-155).
 * @throws CommitmentError `SIGNATURE_INVALID_LENGTH`, `SIGNATURE_MALLEABLE_S` or `SIGNATURE_INVALID_V`.
 */
export function parseSignatureParts(signature: unknown): SignatureParts {
  if (typeof signature !== "string" || !/^0x[0-9a-fA-F]{130}$/.test(signature)) {
    const length =
      typeof signature === "string" && /^0x[0-9a-fA-F]*$/.test(signature) && signature.length % 2 === 0
        ? (signature.length - 2) / 2
        : "not hex";
    throw new CommitmentError(CommitmentErrorCode.signatureInvalidLength, "Signature is not 65 bytes", {
      details: { length },
      hint: "Pass r || s || v as 0x-prefixed hex (65 bytes, v = 27 or 28).",
    });
  }
  const r = hexToBigInt(`0x${signature.slice(2, 66)}`);
  const s = hexToBigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130, 132), 16);
  if (s > SECP256K1_HALF_N) {
    throw new CommitmentError(CommitmentErrorCode.signatureMalleableS, "Signature s is in the upper half", {
      details: { s: `0x${signature.slice(66, 130)}` },
      hint: "Sign with a library that normalizes s (EIP-2), or use n - s and flip v.",
    });
  }
  if (v !== 27 && v !== 28) {
    throw new CommitmentError(CommitmentErrorCode.signatureInvalidV, "Signature v is not 27 or 28", {
      details: { v },
      hint: "Encode the recovery id as v = 27 + yParity.",
    });
  }
  return { r, s, v };
}

/**
 * The address that signed `digest` (an EIP-712 digest), with `Signatures.recover`'s rules.
 * @throws CommitmentError the codes of {@link parseSignatureParts}, or `SIGNATURE_INVALID` when no
 *   address is recovered (r or s zero, r not on the curve): where `ecrecover` returns address(0).
 */
export async function recoverDigestSigner(digest: Hex, signature: Hex): Promise<Address> {
  const { r, s } = parseSignatureParts(signature);
  const invalid = (cause?: unknown) =>
    new CommitmentError(CommitmentErrorCode.signatureInvalid, "Signature recovers no address", {
      details: { digest },
      cause,
    });
  if (r === 0n || r >= SECP256K1_N || s === 0n) throw invalid();
  try {
    return await recoverAddress({ hash: digest, signature });
  } catch (cause) {
    throw invalid(cause);
  }
}
