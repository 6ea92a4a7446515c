import assert from "node:assert/strict";
import { it } from "node:test";
import { getAddress, keccak256, toHex } from "viem";
import { checksumAddress, isHexAddress } from "./address.ts";

it("checksums as EIP-55 (viem's getAddress) in any input case, cached or not", () => {
  for (let i = 0; i < 500; i++) {
    const address = keccak256(toHex(i)).slice(0, 42);
    const expected = getAddress(address);
    assert.equal(checksumAddress(address), expected);
    assert.equal(checksumAddress(address.toUpperCase().replace("0X", "0x")), expected);
    assert.equal(checksumAddress(expected), expected);
  }
  // EIP-55's own examples.
  for (const example of [
    "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
    "0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
    "0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
    "0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
  ]) {
    assert.equal(checksumAddress(example.toLowerCase()), example);
  }
});

it("refuses what is not an address", () => {
  for (const bad of ["", "0x", "0x12", `0x${"g".repeat(40)}`, `${"a".repeat(42)}`, `0x${"a".repeat(41)}`]) {
    assert.equal(isHexAddress(bad), false);
    assert.throws(() => checksumAddress(bad), RangeError);
  }
  assert.equal(isHexAddress(12), false);
  assert.equal(isHexAddress(`0x${"aB".repeat(20)}`), true);
});
