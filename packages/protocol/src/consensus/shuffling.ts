import { SHUFFLE_ROUND_COUNT } from "../constants.ts";
import { bytesToUintLE, sha256, uintToBytesLE } from "./bytes.ts";

/**
 * `compute_shuffled_index` of the consensus specs (swap-or-not, SHUFFLE_ROUND_COUNT rounds):
 * where `index` lands in a shuffled list of `indexCount` items.
 */
export function computeShuffledIndex(index: number, indexCount: number, seed: Uint8Array): number {
  if (!(index < indexCount)) throw new RangeError(`index ${index} is not below count ${indexCount}`);
  if (seed.length !== 32) throw new RangeError("seed must be 32 bytes");
  const count = BigInt(indexCount);
  let current = index;
  for (let round = 0; round < SHUFFLE_ROUND_COUNT; round++) {
    const roundByte = Uint8Array.of(round);
    const pivot = Number(bytesToUintLE(sha256(seed, roundByte).subarray(0, 8)) % count);
    const flip = (pivot + indexCount - current) % indexCount;
    const position = Math.max(current, flip);
    const source = sha256(seed, roundByte, uintToBytesLE(Math.floor(position / 256), 4));
    const byte = source[Math.floor((position % 256) / 8)] ?? 0;
    if ((byte >> (position % 8)) % 2 === 1) current = flip;
  }
  return current;
}
