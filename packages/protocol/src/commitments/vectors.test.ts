// Recomputes every entry of test-vectors/commitments.json (shared with the forge tests, through
// packages/contracts/test/commitments/CommitmentVectors.sol) from its inputs.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  hashDomain,
  keccak256,
  recoverAddress,
  recoverTypedDataAddress,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { batchToJson, commitmentToJson, parseBatch, parseCommitment } from "./codec.ts";
import { CommitmentError } from "./errors.ts";
import { recoverDigestSigner } from "./signature.ts";
import { txLeaf, txRoot, txRootProof, verifyTxRootProof } from "./txRoot.ts";
import {
  BATCH_TYPE,
  BATCH_TYPEHASH,
  batchDigest,
  batchTypes,
  batonDomain,
  COMMITMENT_TYPE,
  COMMITMENT_TYPEHASH,
  commitmentDigest,
  commitmentTypes,
  hashBatch,
  hashCommitment,
  recoverBatchSigner,
  recoverCommitmentSigner,
  signBatch,
  signCommitment,
} from "./types.ts";

interface SignedCase {
  name: string;
  domain: { chainId: string; verifyingContract: Address };
  value: Record<string, unknown>;
  structHash: Hex;
  digest: Hex;
  signer: { privateKey: Hex; address: Address };
  signature: Hex;
}
interface Vectors {
  slasher: Address;
  types: Record<"EIP712Domain" | "Commitment" | "Batch", { type: string; typeHash: Hex }>;
  domains: { name: string; version: string; chainId: string; verifyingContract: Address; separator: Hex }[];
  commitments: SignedCase[];
  batches: SignedCase[];
  badSignatures: { name: string; digest: Hex; signature: Hex; signer: Address; error: string }[];
  txRoots: { count: number; transactions: Hex[]; leaves: Hex[]; root: Hex; proofs: Hex[][] }[];
}

const vectors = JSON.parse(
  readFileSync(new URL("../../test-vectors/commitments.json", import.meta.url), "utf8"),
) as Vectors;

/**
 * EIP-712 `hashStruct` written out by hand (typehash, then each field as an ABI word), independent of
 * viem's typed-data code, as `CommitmentHashing.sol` computes it.
 */
function manualStructHash(
  typeHash: Hex,
  fields: readonly { name: string; type: string }[],
  value: object,
): Hex {
  const record = value as Record<string, unknown>;
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, ...fields.map((f) => ({ type: f.type }))],
      [typeHash, ...fields.map((f) => record[f.name])],
    ),
  );
}

test("vectors: counts and coverage", () => {
  assert.equal(vectors.commitments.length, 8);
  assert.equal(vectors.batches.length, 4);
  assert.deepEqual(new Set(vectors.commitments.map((c) => c.value.kind)), new Set([0, 1, 2, 3]));
  assert.deepEqual(
    vectors.txRoots.map((c) => c.count),
    [0, 1, 2, 3, 5, 8],
  );
  assert.deepEqual(new Set(vectors.domains.map((d) => d.chainId)), new Set(["3151908", "1"]));
});

test("vectors: type strings and typehashes", () => {
  assert.equal(COMMITMENT_TYPE, vectors.types.Commitment.type);
  assert.equal(BATCH_TYPE, vectors.types.Batch.type);
  assert.equal(
    COMMITMENT_TYPE,
    "Commitment(uint64 targetSlot,uint64 chainId,uint8 kind,bytes32 txHash,uint64 position,bytes32 parent," +
      "bytes32 postStateRoot,uint256 tip,uint256 livenessPenalty,uint256 insurance,address beneficiary," +
      "bytes32 requestHash)",
  );
  assert.equal(
    BATCH_TYPE,
    "Batch(uint64 chainId,uint64 number,bytes32 parentHash,uint64 targetSlot,uint64 firstPosition," +
      "uint32 txCount,bytes32 txRoot,bytes32 dataHash,uint64 forcedUpTo)",
  );
  for (const { type, typeHash } of Object.values(vectors.types))
    assert.equal(keccak256(toHex(type)), typeHash);
  assert.equal(COMMITMENT_TYPEHASH, vectors.types.Commitment.typeHash);
  assert.equal(BATCH_TYPEHASH, vectors.types.Batch.typeHash);
});

test("vectors: domain separators", () => {
  for (const d of vectors.domains) {
    const domain = batonDomain(BigInt(d.chainId), d.verifyingContract);
    assert.deepEqual(domain, {
      name: d.name,
      version: d.version,
      chainId: BigInt(d.chainId),
      verifyingContract: d.verifyingContract,
    });
    const types = {
      EIP712Domain: [
        { name: "name", type: "string" },
        { name: "version", type: "string" },
        { name: "chainId", type: "uint256" },
        { name: "verifyingContract", type: "address" },
      ],
    } as const;
    assert.equal(hashDomain({ domain, types }), d.separator, d.chainId);
    const manual = keccak256(
      encodeAbiParameters(
        [
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "uint256" },
          { type: "address" },
        ],
        [
          vectors.types.EIP712Domain.typeHash,
          keccak256(toHex("Baton")),
          keccak256(toHex("1")),
          BigInt(d.chainId),
          d.verifyingContract,
        ],
      ),
    );
    assert.equal(manual, d.separator, `${d.chainId}: by hand`);
  }
});

test("vectors: commitments hash, sign and recover", async () => {
  for (const c of vectors.commitments) {
    const commitment = parseCommitment(c.value);
    assert.deepEqual(commitmentToJson(commitment), c.value, `${c.name}: JSON round trip`);
    const domain = batonDomain(BigInt(c.domain.chainId), c.domain.verifyingContract);
    assert.equal(hashCommitment(commitment), c.structHash, `${c.name}: struct hash`);
    assert.equal(
      manualStructHash(COMMITMENT_TYPEHASH, commitmentTypes.Commitment, commitment),
      c.structHash,
      `${c.name}: struct hash by hand`,
    );
    assert.equal(commitmentDigest(domain, commitment), c.digest, `${c.name}: digest`);
    assert.equal(privateKeyToAccount(c.signer.privateKey).address, c.signer.address, `${c.name}: signer`);
    assert.equal(await signCommitment(c.signer.privateKey, domain, commitment), c.signature, c.name);
    assert.equal(await recoverCommitmentSigner(domain, commitment, c.signature), c.signer.address, c.name);
    const viaViem = await recoverTypedDataAddress({
      domain,
      types: commitmentTypes,
      primaryType: "Commitment",
      message: commitment,
      signature: c.signature,
    });
    assert.equal(viaViem, c.signer.address, `${c.name}: viem recoverTypedDataAddress`);
  }
});

test("vectors: ordering and state commitments chain through parent", () => {
  const [, ordering0, ordering1, state] = vectors.commitments;
  assert.equal(ordering1?.value.parent, ordering0?.structHash);
  assert.equal(state?.value.parent, ordering1?.structHash);
});

test("vectors: batches hash, sign and recover", async () => {
  for (const b of vectors.batches) {
    const batch = parseBatch(b.value);
    assert.deepEqual(batchToJson(batch), b.value, `${b.name}: JSON round trip`);
    const domain = batonDomain(BigInt(b.domain.chainId), b.domain.verifyingContract);
    assert.equal(hashBatch(batch), b.structHash, `${b.name}: struct hash`);
    assert.equal(
      manualStructHash(BATCH_TYPEHASH, batchTypes.Batch, batch),
      b.structHash,
      `${b.name}: by hand`,
    );
    assert.equal(batchDigest(domain, batch), b.digest, `${b.name}: digest`);
    assert.equal(privateKeyToAccount(b.signer.privateKey).address, b.signer.address, `${b.name}: signer`);
    assert.equal(await signBatch(b.signer.privateKey, domain, batch), b.signature, b.name);
    assert.equal(await recoverBatchSigner(domain, batch, b.signature), b.signer.address, b.name);
  }
  const [first, second, empty] = vectors.batches;
  assert.equal(second?.value.parentHash, first?.structHash);
  assert.equal(empty?.value.parentHash, second?.structHash);
});

test("vectors: refused signatures fail with their code", async () => {
  for (const bad of vectors.badSignatures) {
    await assert.rejects(
      recoverDigestSigner(bad.digest, bad.signature),
      (error: unknown) => error instanceof CommitmentError && error.code === bad.error,
      bad.name,
    );
  }
  // viem alone recovers the committer from the high-s twin: that is the malleability refused here.
  const twin = vectors.badSignatures.find((b) => b.name.startsWith("high-s"))!;
  assert.equal(await recoverAddress({ hash: twin.digest, signature: twin.signature }), twin.signer);
});

test("vectors: txRoot cases, leaves and proofs", () => {
  for (const c of vectors.txRoots) {
    assert.equal(c.transactions.length, c.count);
    assert.deepEqual(c.transactions.map(txLeaf), c.leaves, `${c.count}: leaves`);
    assert.equal(txRoot(c.leaves), c.root, `${c.count}: root`);
    c.leaves.forEach((leaf, i) => {
      assert.deepEqual(txRootProof(c.leaves, i), c.proofs[i], `${c.count}: proof ${i}`);
      assert.ok(verifyTxRootProof(c.root, c.count, i, leaf, c.proofs[i]!), `${c.count}: verify ${i}`);
    });
  }
  const byCount = (n: number) => vectors.txRoots.find((c) => c.count === n)!;
  assert.equal(vectors.batches[0]?.value.txRoot, byCount(3).root);
  assert.equal(vectors.batches[1]?.value.txRoot, byCount(5).root);
});
