import assert from "node:assert/strict";
import { test } from "node:test";
import type { Hex } from "viem";
import { batchToJson, commitmentToJson, parseBatch, parseCommitment } from "./codec.ts";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";
import {
  type Batch,
  batonDomain,
  type Commitment,
  CommitmentKind,
  hashBatch,
  hashCommitment,
} from "./types.ts";

const H = (byte: string): Hex => `0x${byte.repeat(32)}`;
const commitment: Commitment = {
  targetSlot: 1_000n,
  chainId: 167001n,
  kind: CommitmentKind.ordering,
  txHash: H("11"),
  position: 7n,
  parent: H("22"),
  postStateRoot: H("00"),
  tip: 10n ** 15n,
  livenessPenalty: 10n ** 16n,
  insurance: 0n,
  beneficiary: "0x4242A3A6D804f09cb13077F13B2047C107883D33",
  requestHash: H("33"),
};
const batch: Batch = {
  chainId: 167001n,
  number: 3n,
  parentHash: H("44"),
  targetSlot: 1_002n,
  firstPosition: 12n,
  txCount: 4,
  txRoot: H("55"),
  dataHash: H("66"),
  forcedUpTo: 1n,
};
const json = commitmentToJson(commitment);

/** Asserts that `run` throws a CommitmentError with `code` whose message names `field`. */
function assertCode(run: () => unknown, code: CommitmentErrorCode, field?: string) {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof CommitmentError, String(error));
    assert.equal(error.code, code);
    assert.equal(error.details.code, code);
    if (field) assert.equal(error.details.field, field);
    return true;
  });
}

test("the canonical JSON writes uint64/uint256 as decimal strings, uint8/uint32 as numbers", () => {
  assert.deepEqual(json, {
    targetSlot: "1000",
    chainId: "167001",
    kind: 1,
    txHash: H("11"),
    position: "7",
    parent: H("22"),
    postStateRoot: H("00"),
    tip: "1000000000000000",
    livenessPenalty: "10000000000000000",
    insurance: "0",
    beneficiary: "0x4242A3A6D804f09cb13077F13B2047C107883D33",
    requestHash: H("33"),
  });
  assert.deepEqual(parseCommitment(json), commitment);
  assert.deepEqual(parseBatch(batchToJson(batch)), batch);
  assert.equal(batchToJson(batch).txCount, 4);
});

test("integers: JSON numbers, decimal and hex strings; normalized hex and checksums", () => {
  const parsed = parseCommitment({
    ...json,
    targetSlot: 1000,
    chainId: "0x28c59",
    tip: "0xDE0B6B3A7640000",
    kind: "1",
    txHash: H("AB"),
    beneficiary: "0x4242a3a6d804f09cb13077f13b2047c107883d33",
  });
  assert.equal(parsed.targetSlot, 1000n);
  assert.equal(parsed.chainId, 167001n);
  assert.equal(parsed.tip, 10n ** 18n);
  assert.equal(parsed.kind, 1);
  assert.equal(parsed.txHash, H("ab"));
  assert.equal(parsed.beneficiary, "0x4242A3A6D804f09cb13077F13B2047C107883D33");
  // Upper-case hex digits (checksum-insensitive).
  assert.equal(
    parseCommitment({ ...json, beneficiary: "0x4242A3A6D804F09CB13077F13B2047C107883D33" }).beneficiary,
    parsed.beneficiary,
  );
});

test("integer ranges: uint64, uint256, uint8 and uint32 edges", () => {
  const max64 = (2n ** 64n - 1n).toString();
  const max256 = (2n ** 256n - 1n).toString();
  assert.equal(parseCommitment({ ...json, targetSlot: max64 }).targetSlot, 2n ** 64n - 1n);
  assertCode(
    () => parseCommitment({ ...json, targetSlot: (2n ** 64n).toString() }),
    CommitmentErrorCode.integerOutOfRange,
    "Commitment.targetSlot",
  );
  assertCode(
    () => parseCommitment({ ...json, position: `0x1${"0".repeat(16)}` }),
    CommitmentErrorCode.integerOutOfRange,
    "Commitment.position",
  );
  assert.equal(parseCommitment({ ...json, tip: max256 }).tip, 2n ** 256n - 1n);
  assertCode(
    () => parseCommitment({ ...json, insurance: (2n ** 256n).toString() }),
    CommitmentErrorCode.integerOutOfRange,
    "Commitment.insurance",
  );
  assertCode(
    () => parseCommitment({ ...json, kind: 256 }),
    CommitmentErrorCode.integerOutOfRange,
    "Commitment.kind",
  );
  assertCode(() => parseCommitment({ ...json, kind: 4 }), CommitmentErrorCode.unknownKind, "Commitment.kind");
  const batchJson = batchToJson(batch);
  assert.equal(parseBatch({ ...batchJson, txCount: 2 ** 32 - 1 }).txCount, 2 ** 32 - 1);
  assertCode(
    () => parseBatch({ ...batchJson, txCount: 2 ** 32 }),
    CommitmentErrorCode.integerOutOfRange,
    "Batch.txCount",
  );
});

test("integers: refuses negatives, fractions, leading zeros, unsafe numbers, other types", () => {
  for (const bad of [
    -1,
    1.5,
    "01",
    "-1",
    "1e3",
    " 1",
    "",
    "0x",
    2 ** 53,
    Number.NaN,
    true,
    null,
    [],
    {},
    10n,
  ]) {
    assertCode(
      () => parseCommitment({ ...json, tip: bad }),
      CommitmentErrorCode.invalidInteger,
      "Commitment.tip",
    );
  }
  assertCode(() => parseCommitment({ ...json, tip: "9".repeat(100) }), CommitmentErrorCode.invalidInteger);
});

test("bytes32 and address fields are checked", () => {
  for (const bad of [
    `0x${"1".repeat(63)}`,
    `0x${"1".repeat(66)}`,
    "1".repeat(64),
    `0x${"g".repeat(64)}`,
    7,
    null,
  ]) {
    assertCode(
      () => parseCommitment({ ...json, parent: bad }),
      CommitmentErrorCode.invalidBytes32,
      "Commitment.parent",
    );
  }
  for (const bad of ["0x1234", `0x${"zz".repeat(20)}`, "4242a3a6d804f09cb13077f13b2047c107883d33", 1]) {
    assertCode(
      () => parseCommitment({ ...json, beneficiary: bad }),
      CommitmentErrorCode.invalidAddress,
      "Commitment.beneficiary",
    );
  }
  assertCode(
    () => parseBatch({ ...batchToJson(batch), txRoot: "0x00" }),
    CommitmentErrorCode.invalidBytes32,
    "Batch.txRoot",
  );
});

test("objects: not an object, missing and unknown fields", () => {
  for (const bad of [null, [], "x", 1, undefined])
    assertCode(() => parseCommitment(bad), CommitmentErrorCode.notAnObject);
  const { requestHash: _, ...missing } = json;
  assertCode(() => parseCommitment(missing), CommitmentErrorCode.missingField, "Commitment.requestHash");
  assertCode(
    () => parseCommitment({ ...json, tip: undefined }),
    CommitmentErrorCode.missingField,
    "Commitment.tip",
  );
  assertCode(
    () => parseCommitment({ ...json, signature: "0x" }),
    CommitmentErrorCode.unknownField,
    '"signature"',
  );
  // A batch is not a commitment.
  assertCode(() => parseCommitment(batchToJson(batch)), CommitmentErrorCode.unknownField);
  // Inherited properties are not fields.
  assertCode(() => parseBatch(Object.create(batchToJson(batch))), CommitmentErrorCode.missingField);
});

test("errors are BatonErrors with the field, a hint and no whole body", () => {
  try {
    parseCommitment({ ...json, txHash: `0x${"a".repeat(500)}` });
    assert.fail("no error");
  } catch (error) {
    assert.ok(error instanceof CommitmentError);
    assert.equal(error.name, "CommitmentError");
    assert.match(error.message, /^Field is not 32 bytes of hex\n {2}code: COMMITMENT_INVALID_BYTES32\n/);
    assert.match(error.message, /field: Commitment.txHash/);
    assert.ok(error.message.length < 400, "the value is truncated");
    assert.ok(error.hint);
  }
});

test("batonDomain validates the chain id and the slasher", () => {
  const domain = batonDomain(1, "0x39e218b49fa4f4fac87c30741d241c707e8e3b3b");
  assert.deepEqual(domain, {
    name: "Baton",
    version: "1",
    chainId: 1n,
    verifyingContract: "0x39e218b49Fa4F4fac87c30741D241C707E8e3b3B",
  });
  assert.ok(Object.isFrozen(domain));
  for (const bad of [0, -1, 1.5, 2 ** 53, 0n, 2n ** 256n]) {
    assertCode(() => batonDomain(bad, domain.verifyingContract), CommitmentErrorCode.invalidChainId);
  }
  assertCode(() => batonDomain(1, "0x1234"), CommitmentErrorCode.invalidAddress);
});

test("hashing refuses typed values outside their Solidity types instead of truncating them", () => {
  const bad: Partial<Record<keyof Commitment, unknown>>[] = [
    { targetSlot: 2n ** 64n },
    { tip: -1n },
    { tip: 2n ** 256n },
    { kind: 256 },
    { txHash: "0x12" },
    { beneficiary: "0x12" },
  ];
  for (const change of bad) assert.throws(() => hashCommitment({ ...commitment, ...change } as Commitment));
  assert.throws(() => hashBatch({ ...batch, txCount: 2 ** 32 }));
});
