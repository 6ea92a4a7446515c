/**
 * EIP-55 checksummed addresses with native keccak and a small cache: the gateway writes the same few
 * addresses (committer, slasher, beneficiaries) into every reply.
 */
import type { Address } from "viem";
import { keccak256Buffer } from "./keccak.ts";

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const cache = new Map<string, Address>();
const CACHE_LIMIT = 4096;

/** True for `0x` and 40 hex digits, in any case (the checksum is not checked). */
export function isHexAddress(value: unknown): value is Address {
  return typeof value === "string" && ADDRESS.test(value);
}

/** The EIP-55 form of an address given in any case. @throws RangeError if it is not an address. */
export function checksumAddress(address: string): Address {
  if (!ADDRESS.test(address)) throw new RangeError("not an address");
  const lower = address.toLowerCase();
  const cached = cache.get(lower);
  if (cached !== undefined) return cached;
  const body = lower.slice(2);
  const hash = keccak256Buffer(Buffer.from(body, "ascii"));
  let out = "0x";
  for (let i = 0; i < 40; i++) {
    const c = body[i] as string;
    // Nibble i of the hash decides the case of hex letter i.
    const nibble = ((hash[i >> 1] as number) >> (i % 2 === 0 ? 4 : 0)) & 0xf;
    out += nibble >= 8 ? c.toUpperCase() : c;
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(lower, out as Address);
  return out as Address;
}
