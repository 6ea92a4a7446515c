import { createHash } from "node:crypto";

export function sha256(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest().buffer);
}

/** `uint_to_bytes` of the consensus specs: little-endian, `length` bytes. */
export function uintToBytesLE(value: number | bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let v = BigInt(value);
  for (let i = 0; i < length; i++) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  if (v !== 0n) throw new RangeError(`${value} does not fit in ${length} bytes`);
  return out;
}

/** `bytes_to_uint64`: little-endian. */
export function bytesToUintLE(bytes: Uint8Array): bigint {
  let v = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i] ?? 0);
  return v;
}
