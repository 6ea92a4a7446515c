import { PublicKey, Signature } from "@chainsafe/blst";

/** Bytes of a BLS12-381 base-field element in the ZCash serialization (381 bits). */
const FP_LENGTH = 48;
/** Bytes of a base-field element in EIP-2537: big-endian, left-padded with 16 zero bytes. */
const EIP2537_FP_LENGTH = 64;

/** Length of an EIP-2537 G1 point (`x || y`): a public key as `BLS.verify` takes it. */
export const EIP2537_G1_LENGTH = 2 * EIP2537_FP_LENGTH;
/** Length of an EIP-2537 G2 point (`x.c0 || x.c1 || y.c0 || y.c1`): a signature as `BLS.verify` takes it. */
export const EIP2537_G2_LENGTH = 4 * EIP2537_FP_LENGTH;

/** The `index`-th 48-byte field element of an uncompressed ZCash serialization. */
function fieldElement(serialized: Uint8Array, index: number): Uint8Array {
  return serialized.subarray(index * FP_LENGTH, (index + 1) * FP_LENGTH);
}

/** The field elements, in order, each left-padded to 64 bytes. */
function eip2537(elements: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(elements.length * EIP2537_FP_LENGTH);
  elements.forEach((element, i) => {
    out.set(element, (i + 1) * EIP2537_FP_LENGTH - FP_LENGTH);
  });
  return out;
}

/**
 * A validator public key (48-byte compressed or 96-byte uncompressed ZCash serialization) in the EIP-2537
 * G1 encoding that `BLS.verify` takes: `x || y`, each left-padded to 64 bytes (128 bytes).
 *
 * Throws unless the key decodes to a point of the G1 subgroup other than infinity (blst key validation):
 * the contract would reject such a key anyway.
 */
export function g1ToEip2537(pubkey: Uint8Array): Uint8Array {
  // Uncompressed ZCash: x || y, 48 bytes each; a finite point has no flag bits set.
  const point = PublicKey.fromBytes(pubkey, true).toBytes(false);
  return eip2537([fieldElement(point, 0), fieldElement(point, 1)]);
}

/**
 * A signature (96-byte compressed or 192-byte uncompressed ZCash serialization) in the EIP-2537 G2
 * encoding that `BLS.verify` takes: `x.c0 || x.c1 || y.c0 || y.c1`, each left-padded to 64 bytes
 * (256 bytes).
 *
 * Throws unless the signature decodes to a point of the G2 subgroup other than infinity (blst signature
 * validation): the pairing precompile rejects points outside the subgroup.
 */
export function g2ToEip2537(signature: Uint8Array): Uint8Array {
  // Uncompressed ZCash: x.c1 || x.c0 || y.c1 || y.c0, 48 bytes each (c1 first, unlike EIP-2537).
  const point = Signature.fromBytes(signature, true, true).toBytes(false);
  return eip2537([
    fieldElement(point, 1),
    fieldElement(point, 0),
    fieldElement(point, 3),
    fieldElement(point, 2),
  ]);
}
