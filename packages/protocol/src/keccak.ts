/**
 * keccak256 through the native `keccak` addon (about 4x the pure-JS one here), for the hashes on
 * the gateway's request path. Same results as viem's `keccak256` (checked in `keccak.test.ts`).
 */
import createKeccakHash from "keccak";
import type { Hex } from "viem";

/** keccak256 of hex bytes (with or without 0x), as 0x-prefixed lowercase hex. */
export function fastKeccak256(hex: string): Hex {
  const body = hex.startsWith("0x") ? hex.slice(2) : hex;
  return `0x${createKeccakHash("keccak256").update(Buffer.from(body, "hex")).digest("hex")}`;
}

/** keccak256 of raw bytes. */
export function fastKeccak256Bytes(bytes: Uint8Array): Hex {
  return `0x${createKeccakHash("keccak256")
    .update(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength))
    .digest("hex")}`;
}
