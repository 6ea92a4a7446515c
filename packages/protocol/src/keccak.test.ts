import assert from "node:assert/strict";
import { it } from "node:test";
import { hexToBytes, keccak256, toHex } from "viem";
import { fastKeccak256, fastKeccak256Bytes, nativeKeccak } from "./keccak.ts";

it("native keccak256 equals viem's for lengths around the rate boundaries", () => {
  for (const length of [0, 1, 31, 32, 33, 135, 136, 137, 271, 272, 1000]) {
    const hex = toHex(Uint8Array.from({ length }, (_, i) => (i * 31 + length) & 0xff));
    assert.equal(fastKeccak256(hex), keccak256(hex));
    assert.equal(fastKeccak256(hex.slice(2)), keccak256(hex));
    assert.equal(fastKeccak256Bytes(hexToBytes(hex)), keccak256(hex));
  }
});

it("runs on the native addon where it has a prebuilt binary (x64)", () => {
  if (process.arch === "x64") assert.equal(nativeKeccak, true);
});
