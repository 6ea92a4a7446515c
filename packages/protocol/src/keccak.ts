/**
 * keccak256 through the native `keccak` addon's sponge, for the hashes on the gateway's request
 * path. The addon's own `createKeccakHash` wraps each hash in a stream object, which costs more than
 * the hashing itself; this module drives the native state directly (one state, re-initialized per
 * hash). Same results as viem's `keccak256` (checked in `keccak.test.ts`). Where the addon has no
 * prebuilt binary and cannot be built (it ships x64 builds only), the same hash is computed by viem's
 * pure-JS keccak, more slowly.
 */
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { type Hex, keccak256 } from "viem";

interface KeccakState {
  initialize(rate: number, capacity: number): void;
  absorb(data: Buffer): void;
  squeeze(length: number): Buffer;
}

function loadNative(): KeccakState | null {
  try {
    const require = createRequire(import.meta.url);
    const keccakDir = dirname(require.resolve("keccak/package.json"));
    // node-gyp-build as `keccak` itself resolves it, so the prebuilt addon is the one it would load.
    const loadAddon = createRequire(`${keccakDir}/bindings.js`)("node-gyp-build") as (
      dir: string,
    ) => new () => KeccakState;
    return new (loadAddon(keccakDir))();
  } catch {
    return null;
  }
}

const state = loadNative();

/** Whether keccak runs natively here. */
export const nativeKeccak = state !== null;

/** keccak256 (rate 1088, capacity 512, Keccak padding) of `data`. */
export function keccak256Buffer(data: Buffer): Buffer {
  if (state === null) {
    const digest = keccak256(data, "bytes");
    return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
  }
  state.initialize(1088, 512);
  state.absorb(data);
  return state.squeeze(32);
}

/** keccak256 of hex bytes (with or without 0x), as 0x-prefixed lowercase hex. */
export function fastKeccak256(hex: string): Hex {
  const body = hex.charCodeAt(1) === 120 /* x */ && hex.charCodeAt(0) === 48 ? hex.slice(2) : hex;
  return `0x${keccak256Buffer(Buffer.from(body, "hex")).toString("hex")}`;
}

/** keccak256 of raw bytes. */
export function fastKeccak256Bytes(bytes: Uint8Array): Hex {
  return `0x${keccak256Buffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)).toString("hex")}`;
}
