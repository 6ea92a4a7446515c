/**
 * secp256k1 through the native addon (about ten times pure JS here): the committer's signatures
 * and transaction sender recovery sit on every request's path.
 */
import { fastKeccak256Bytes } from "@baton/protocol";
import secp256k1 from "secp256k1";
import { type Address, bytesToHex, getAddress, type Hex, hexToBytes } from "viem";

/** Holds the committer key; signs 32-byte digests as `r || s || v` with v = 27/28 and low s. */
export class DigestSigner {
  readonly #key: Uint8Array;
  readonly address: Address;

  constructor(privateKey: Hex) {
    const key = /^0x[0-9a-fA-F]{64}$/.test(privateKey) ? hexToBytes(privateKey) : new Uint8Array();
    // The key itself never goes into an error.
    if (key.length !== 32 || !secp256k1.privateKeyVerify(key)) {
      throw new RangeError("committer key is not a 32-byte secp256k1 scalar");
    }
    this.#key = key;
    this.address = getAddress(publicKeyToAddress(secp256k1.publicKeyCreate(key, false)));
  }

  sign(digest: Hex): Hex {
    const { signature, recid } = secp256k1.ecdsaSign(hexToBytes(digest), this.#key);
    const out = new Uint8Array(65);
    out.set(signature, 0);
    out[64] = 27 + recid;
    return bytesToHex(out);
  }

  /** Never print the key. */
  toJSON(): { address: Address } {
    return { address: this.address };
  }
}

/** Lowercase (not checksummed: that would cost a second keccak on every request). */
function publicKeyToAddress(uncompressed: Uint8Array): Address {
  return `0x${fastKeccak256Bytes(uncompressed.subarray(1)).slice(26)}`;
}

/** The address that signed the 32-byte `digest` with the 64-byte `r || s`, or null if none does. */
export function recoverSigner(digest: Uint8Array, signature: Uint8Array, yParity: number): Address | null {
  try {
    return publicKeyToAddress(secp256k1.ecdsaRecover(signature, yParity, digest, false));
  } catch {
    return null;
  }
}

/** The address that signed `digest` with (r, s, yParity), or null if none does. */
export function recoverAddress(digest: Uint8Array, r: bigint, s: bigint, yParity: number): Address | null {
  const signature = new Uint8Array(64);
  signature.set(hexToBytes(`0x${r.toString(16).padStart(64, "0")}`), 0);
  signature.set(hexToBytes(`0x${s.toString(16).padStart(64, "0")}`), 32);
  return recoverSigner(digest, signature, yParity);
}
