import { sha256, uintToBytesLE } from "@baton/protocol";
import { SecretKey } from "@chainsafe/blst";

/** Order of the BLS12-381 G1 subgroup. */
const CURVE_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;

/**
 * The interop validator key `i` used by every consensus client's devnet tooling:
 * `int.from_bytes(sha256(i as 32 bytes LE), "little") % CURVE_ORDER`.
 */
export function interopSecretKey(index: number): SecretKey {
  const digest = sha256(uintToBytesLE(index, 32));
  let value = 0n;
  for (let i = digest.length - 1; i >= 0; i--) value = (value << 8n) | BigInt(digest[i]!);
  value %= CURVE_ORDER;
  const bytes = new Uint8Array(32);
  for (let i = 31; i >= 0; i--) {
    bytes[i] = Number(value & 0xffn);
    value >>= 8n;
  }
  return SecretKey.fromBytes(bytes);
}

export interface ValidatorKeys {
  readonly secretKeys: readonly SecretKey[];
  readonly pubkeys: readonly Uint8Array[];
}

export function interopKeys(count: number): ValidatorKeys {
  const secretKeys = Array.from({ length: count }, (_, i) => interopSecretKey(i));
  return { secretKeys, pubkeys: secretKeys.map((sk) => sk.toPublicKey().toBytes()) };
}
