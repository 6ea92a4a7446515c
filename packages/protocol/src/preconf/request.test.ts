import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  decodeAbiParameters,
  encodeAbiParameters,
  getAddress,
  type Hex,
  keccak256,
  toHex,
  zeroAddress,
} from "viem";
import { type Commitment, commitmentTypes } from "../commitments/types.ts";
import {
  bundleHash,
  decodeCommitmentPayload,
  decodePreconfRequest,
  encodeCommitmentPayload,
  encodePreconfRequest,
  type PreconfRequest,
  PreconfRequestError,
  preconfRequestHash,
  preconfRequestParameters,
} from "./request.ts";

function randomRequest(i: number): PreconfRequest {
  const count = i % 5;
  return {
    transactions: Array.from({ length: count }, (_, k) => {
      const length = (i * 7 + k * 13) % 200;
      return `0x${keccak256(toHex(`${i}-${k}`))
        .slice(2)
        .repeat(7)
        .slice(0, length * 2)}` as Hex;
    }),
    slot: BigInt(keccak256(toHex(i))) % 2n ** 64n,
    beneficiary: i % 3 === 0 ? zeroAddress : (keccak256(toHex(i + 1)).slice(0, 42) as Hex),
  };
}

describe("preconfirmation request codec", () => {
  it("encodes exactly as viem's ABI encoder and decodes back", () => {
    for (let i = 0; i < 300; i++) {
      const request = randomRequest(i);
      const encoded = encodePreconfRequest(request);
      const reference = encodeAbiParameters(preconfRequestParameters, [
        { transactions: [...request.transactions], slot: request.slot, beneficiary: request.beneficiary },
      ]);
      assert.equal(encoded, reference);
      assert.deepEqual(decodePreconfRequest(encoded), request);
      const [viemDecoded] = decodeAbiParameters(preconfRequestParameters, encoded);
      assert.deepEqual(viemDecoded.transactions, request.transactions);
    }
  });

  it("refuses truncated, garbled and non-canonical payloads", () => {
    const encoded = encodePreconfRequest(randomRequest(7));
    for (const bad of [
      "0x",
      "0x1",
      "0xzz",
      encoded.slice(0, encoded.length - 2),
      `${encoded}00`,
      `0x${"00".repeat(31)}40${encoded.slice(66)}`,
      `0x${encoded.slice(2, 130)}ff${encoded.slice(132)}`,
    ]) {
      assert.throws(() => decodePreconfRequest(bad as Hex), PreconfRequestError, bad.slice(0, 40));
    }
  });

  it("hashes a request as keccak256(abi.encode(uint64, keccak256(payload), address))", () => {
    const payload = encodePreconfRequest(randomRequest(3));
    const slasher = getAddress("0x00000000000000000000000000000000000a11ce");
    assert.equal(
      preconfRequestHash(2, payload, slasher),
      keccak256(
        encodeAbiParameters(
          [{ type: "uint64" }, { type: "bytes32" }, { type: "address" }],
          [2n, keccak256(payload), slasher],
        ),
      ),
    );
  });

  it("encodes a commitment payload exactly as viem's ABI encoder and decodes back", () => {
    const h = (i: number, k: string) => keccak256(toHex(`${k}${i}`));
    for (let i = 0; i < 200; i++) {
      const commitment: Commitment = {
        targetSlot: BigInt(h(i, "s")) % 2n ** 64n,
        chainId: BigInt(i * 977 + 1),
        kind: (i % 4) as Commitment["kind"],
        txHash: h(i, "t"),
        position: BigInt(i % 7),
        parent: i % 2 === 0 ? `0x${"00".repeat(32)}` : h(i, "p"),
        postStateRoot: h(i, "r").toUpperCase().replace("0X", "0x") as Hex,
        tip: BigInt(h(i, "tip")),
        livenessPenalty: BigInt(i) * 10n ** 15n,
        insurance: 0n,
        beneficiary: getAddress(h(i, "b").slice(0, 42)),
        requestHash: h(i, "q"),
      };
      const payload = encodeCommitmentPayload(commitment);
      assert.equal(
        payload,
        encodeAbiParameters(
          [{ type: "tuple", components: commitmentTypes.Commitment }],
          [commitment],
        ).toLowerCase(),
      );
      const back = decodeCommitmentPayload(payload);
      assert.deepEqual(back, { ...commitment, postStateRoot: commitment.postStateRoot.toLowerCase() });
    }
    const base = decodeCommitmentPayload(
      encodeCommitmentPayload({
        targetSlot: 1n,
        chainId: 1n,
        kind: 0,
        txHash: `0x${"11".repeat(32)}`,
        position: 0n,
        parent: `0x${"00".repeat(32)}`,
        postStateRoot: `0x${"00".repeat(32)}`,
        tip: 0n,
        livenessPenalty: 0n,
        insurance: 0n,
        beneficiary: zeroAddress,
        requestHash: `0x${"22".repeat(32)}`,
      }),
    );
    assert.throws(() => encodeCommitmentPayload({ ...base, targetSlot: 2n ** 64n }), RangeError);
    assert.throws(() => encodeCommitmentPayload({ ...base, tip: -1n }), RangeError);
    assert.throws(() => encodeCommitmentPayload({ ...base, txHash: "0x12" }), RangeError);
  });

  it("bundle hash depends on order and members", () => {
    const a = { chainId: 1n, txHash: keccak256("0x01") };
    const b = { chainId: 2n, txHash: keccak256("0x02") };
    assert.notEqual(bundleHash([a, b]), bundleHash([b, a]));
    assert.notEqual(bundleHash([a]), bundleHash([a, b]));
  });
});
