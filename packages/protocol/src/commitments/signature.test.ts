import assert from "node:assert/strict";
import { test } from "node:test";
import { type Hex, keccak256, numberToHex, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";
import { parseSignatureParts, recoverDigestSigner, SECP256K1_HALF_N, SECP256K1_N } from "./signature.ts";
import {
  type Batch,
  batchDigest,
  batonDomain,
  type Commitment,
  CommitmentKind,
  commitmentDigest,
  recoverBatchSigner,
  recoverCommitmentSigner,
  signBatch,
  signCommitment,
} from "./types.ts";

const KEY = keccak256(toHex("baton/signature-test/committer"));
const OTHER = keccak256(toHex("baton/signature-test/other"));
const committer = privateKeyToAccount(KEY).address;
const domain = batonDomain(3151908, "0x39e218b49Fa4F4fac87c30741D241C707E8e3b3B");
const H = (byte: string): Hex => `0x${byte.repeat(32)}`;
const commitment: Commitment = {
  targetSlot: 99n,
  chainId: 167001n,
  kind: CommitmentKind.state,
  txHash: H("01"),
  position: 3n,
  parent: H("02"),
  postStateRoot: H("03"),
  tip: 1n,
  livenessPenalty: 2n,
  insurance: 3n,
  beneficiary: "0x0000000000000000000000000000000000000001",
  requestHash: H("04"),
};
const batch: Batch = {
  chainId: 167001n,
  number: 0n,
  parentHash: H("00"),
  targetSlot: 99n,
  firstPosition: 0n,
  txCount: 1,
  txRoot: H("05"),
  dataHash: H("06"),
  forcedUpTo: 0n,
};
const word = (n: bigint) => numberToHex(n, { size: 32 }).slice(2);
const isCode = (code: CommitmentErrorCode) => (error: unknown) =>
  error instanceof CommitmentError && error.code === code;

test("signatures are 65 bytes, v 27/28, low s, and recover the committer", async () => {
  for (let i = 0; i < 16; i++) {
    const c = { ...commitment, position: BigInt(i) };
    const signature = await signCommitment(KEY, domain, c);
    const { s, v } = parseSignatureParts(signature);
    assert.equal(signature.length, 132);
    assert.ok(v === 27 || v === 28);
    assert.ok(s <= SECP256K1_HALF_N);
    assert.equal(await recoverCommitmentSigner(domain, c, signature), committer);
    assert.equal(await recoverDigestSigner(commitmentDigest(domain, c), signature), committer);
  }
  const signature = await signBatch(KEY, domain, batch);
  assert.equal(await recoverBatchSigner(domain, batch, signature), committer);
  assert.equal(await recoverDigestSigner(batchDigest(domain, batch), signature), committer);
});

test("any change to the commitment, the batch or the domain changes the signer", async () => {
  const signature = await signCommitment(KEY, domain, commitment);
  const changed: Commitment[] = [
    { ...commitment, targetSlot: 100n },
    { ...commitment, kind: CommitmentKind.ordering },
    { ...commitment, tip: 2n },
    { ...commitment, beneficiary: "0x0000000000000000000000000000000000000002" },
    { ...commitment, postStateRoot: H("00") },
  ];
  for (const c of changed) assert.notEqual(await recoverCommitmentSigner(domain, c, signature), committer);
  const otherChain = batonDomain(1, domain.verifyingContract);
  const otherSlasher = batonDomain(domain.chainId, "0x0000000000000000000000000000000000000001");
  for (const d of [otherChain, otherSlasher]) {
    assert.notEqual(await recoverCommitmentSigner(d, commitment, signature), committer);
  }
  // A batch signature is not a commitment signature (different typehash).
  const batchSignature = await signBatch(KEY, domain, batch);
  assert.notEqual(await recoverCommitmentSigner(domain, commitment, batchSignature), committer);
  assert.notEqual(
    await recoverCommitmentSigner(domain, commitment, await signCommitment(OTHER, domain, commitment)),
    committer,
  );
});

test("malleable, mis-encoded and degenerate signatures are refused, in Signatures.sol's order", async () => {
  const signature = await signCommitment(KEY, domain, commitment);
  const { r, s, v } = parseSignatureParts(signature);
  const sig = (rr: bigint, ss: bigint, vv: number) =>
    `0x${word(rr)}${word(ss)}${vv.toString(16).padStart(2, "0")}` as Hex;
  const cases: [Hex, CommitmentErrorCode][] = [
    [sig(r, SECP256K1_N - s, v === 27 ? 28 : 27), CommitmentErrorCode.signatureMalleableS],
    [sig(r, SECP256K1_HALF_N + 1n, v), CommitmentErrorCode.signatureMalleableS],
    [sig(r, SECP256K1_N - s, 0), CommitmentErrorCode.signatureMalleableS], // s is checked before v
    [sig(r, s, v - 27), CommitmentErrorCode.signatureInvalidV],
    [sig(r, s, 37), CommitmentErrorCode.signatureInvalidV],
    [signature.slice(0, 130) as Hex, CommitmentErrorCode.signatureInvalidLength],
    [`${signature}00`, CommitmentErrorCode.signatureInvalidLength],
    [`${signature.slice(0, 131)}` as Hex, CommitmentErrorCode.signatureInvalidLength],
    ["0x" as Hex, CommitmentErrorCode.signatureInvalidLength],
    [signature.slice(2) as Hex, CommitmentErrorCode.signatureInvalidLength],
    [sig(0n, s, v), CommitmentErrorCode.signatureInvalid],
    [sig(r, 0n, v), CommitmentErrorCode.signatureInvalid],
    [sig(SECP256K1_N, s, v), CommitmentErrorCode.signatureInvalid],
    [sig(2n ** 256n - 1n, s, v), CommitmentErrorCode.signatureInvalid],
  ];
  for (const [bad, code] of cases) {
    await assert.rejects(recoverCommitmentSigner(domain, commitment, bad), isCode(code), `${bad}: ${code}`);
  }
  // s exactly n/2 (rounded down) is the largest accepted.
  assert.doesNotThrow(() => parseSignatureParts(sig(r, SECP256K1_HALF_N, v)));
});

/** Whether some point of secp256k1 (y^2 = x^3 + 7 mod p) has this x: Euler's criterion. */
function isCurveX(x: bigint): boolean {
  const p = 2n ** 256n - 2n ** 32n - 977n;
  let result = 1n;
  let base = (x ** 3n + 7n) % p;
  for (let e = (p - 1n) / 2n; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * base) % p;
    base = (base * base) % p;
  }
  return result === 1n;
}

test("an r that is no curve point's x recovers no address", async () => {
  assert.ok(isCurveX(1n), "x = 1 is on the curve");
  const x = 5n;
  assert.ok(!isCurveX(x), "x = 5 is not (the vectors' case)");
  await assert.rejects(
    recoverDigestSigner(commitmentDigest(domain, commitment), `0x${word(x)}${word(1n)}1b`),
    isCode(CommitmentErrorCode.signatureInvalid),
  );
});

test("signing refuses a key that is not a secp256k1 scalar, without echoing it", async () => {
  for (const bad of ["0x00", `0x${"00".repeat(32)}`, numberToHex(SECP256K1_N, { size: 32 })] as Hex[]) {
    await assert.rejects(signCommitment(bad, domain, commitment), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.ok(!error.message.includes(bad));
      return true;
    });
  }
});
