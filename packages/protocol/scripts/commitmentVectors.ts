// Writes test-vectors/commitments.json: EIP-712 vectors of Baton's commitments and batches (type
// strings, struct hashes, domain separators, digests, signatures, refused signatures) and txRoot
// cases with proofs. Both the TypeScript tests and the forge tests (through
// packages/contracts/scripts/commitmentVectors.mjs) check them.
// Run from the repository root: node --import tsx packages/protocol/scripts/commitmentVectors.ts
// Deterministic: fixed keys, RFC 6979 signatures.
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { getAddress, type Hex, hashDomain, keccak256, numberToHex, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  BATCH_TYPE,
  BATCH_TYPEHASH,
  type Batch,
  type BatonDomain,
  batchDigest,
  batchToJson,
  batonDomain,
  COMMITMENT_TYPE,
  COMMITMENT_TYPEHASH,
  type Commitment,
  CommitmentErrorCode,
  CommitmentKind,
  commitmentDigest,
  commitmentToJson,
  hashBatch,
  hashCommitment,
  SECP256K1_N,
  signBatch,
  signCommitment,
  txLeaf,
  txRoot,
  txRootProof,
  ZERO_HASH,
} from "../src/index.ts";

const label = (text: string): Hex => keccak256(toHex(`baton/commitment-vectors/${text}`));
const MAX_UINT64 = 2n ** 64n - 1n;
const MAX_UINT256 = 2n ** 256n - 1n;
const ALL_ONES: Hex = `0x${"ff".repeat(32)}`;

const SLASHER = getAddress(`0x${label("slasher").slice(-40)}`);
const L1_DEVNET = 3151908n; // the Kurtosis/ethereum-package devnet chain id
const L1_MAINNET = 1n;
const ROLLUP = 167001n;
const domains = { devnet: batonDomain(L1_DEVNET, SLASHER), mainnet: batonDomain(L1_MAINNET, SLASHER) };
const signers = [label("committer-0"), label("committer-1")].map((privateKey) => ({
  privateKey,
  address: privateKeyToAccount(privateKey).address,
}));

// txRoot cases over real signed transactions (legacy, EIP-2930 and EIP-1559 in turn).
const sender = privateKeyToAccount(label("user"));
const recipient = getAddress(`0x${label("recipient").slice(-40)}`);
async function transaction(i: number): Promise<Hex> {
  const common = {
    chainId: Number(ROLLUP),
    nonce: i,
    to: recipient,
    value: BigInt(i + 1) * 10n ** 15n,
    gas: 21000n,
  };
  if (i % 3 === 0) return sender.signTransaction({ ...common, type: "legacy", gasPrice: 2n * 10n ** 9n });
  if (i % 3 === 1) {
    return sender.signTransaction({ ...common, type: "eip2930", gasPrice: 2n * 10n ** 9n, accessList: [] });
  }
  return sender.signTransaction({
    ...common,
    type: "eip1559",
    maxFeePerGas: 3n * 10n ** 9n,
    maxPriorityFeePerGas: 10n ** 9n,
  });
}
const transactions = await Promise.all(Array.from({ length: 8 }, (_, i) => transaction(i)));
const txRoots = [0, 1, 2, 3, 5, 8].map((count) => {
  const raw = transactions.slice(0, count);
  const leaves = raw.map(txLeaf);
  return {
    count,
    transactions: raw,
    leaves,
    root: txRoot(leaves),
    proofs: leaves.map((_, i) => txRootProof(leaves, i)),
  };
});
const txRootCase = (count: number) => txRoots.find((c) => c.count === count)!;

// Commitments: every kind, an ordering/state chain linked by `parent`, zero and maximal fields.
const inclusion: Commitment = {
  targetSlot: 1_000n,
  chainId: L1_DEVNET,
  kind: CommitmentKind.inclusion,
  txHash: txRootCase(3).leaves[0]!,
  position: 0n,
  parent: ZERO_HASH,
  postStateRoot: ZERO_HASH,
  tip: 10n ** 15n,
  livenessPenalty: 10n ** 16n,
  insurance: 5n * 10n ** 17n,
  beneficiary: sender.address,
  requestHash: label("request-0"),
};
const ordering0: Commitment = {
  ...inclusion,
  chainId: ROLLUP,
  kind: CommitmentKind.ordering,
  txHash: txRootCase(3).leaves[1]!,
  position: 41n,
  requestHash: label("request-1"),
};
const ordering1: Commitment = {
  ...ordering0,
  txHash: txRootCase(3).leaves[2]!,
  position: 42n,
  parent: hashCommitment(ordering0),
  requestHash: label("request-2"),
};
const state: Commitment = {
  ...ordering1,
  kind: CommitmentKind.state,
  txHash: txRootCase(5).leaves[3]!,
  position: 43n,
  parent: hashCommitment(ordering1),
  postStateRoot: label("post-state"),
  requestHash: label("request-3"),
};
const bundle: Commitment = {
  ...inclusion,
  kind: CommitmentKind.bundle,
  txHash: label("bundle"),
  tip: 3n * 10n ** 15n,
  requestHash: label("request-4"),
};
const zero: Commitment = {
  targetSlot: 0n,
  chainId: 0n,
  kind: CommitmentKind.inclusion,
  txHash: ZERO_HASH,
  position: 0n,
  parent: ZERO_HASH,
  postStateRoot: ZERO_HASH,
  tip: 0n,
  livenessPenalty: 0n,
  insurance: 0n,
  beneficiary: getAddress(`0x${"00".repeat(20)}`),
  requestHash: ZERO_HASH,
};
const max: Commitment = {
  targetSlot: MAX_UINT64,
  chainId: MAX_UINT64,
  kind: CommitmentKind.bundle,
  txHash: ALL_ONES,
  position: MAX_UINT64,
  parent: ALL_ONES,
  postStateRoot: ALL_ONES,
  tip: MAX_UINT256,
  livenessPenalty: MAX_UINT256,
  insurance: MAX_UINT256,
  beneficiary: getAddress(`0x${"ff".repeat(20)}`),
  requestHash: ALL_ONES,
};
const big: Commitment = {
  ...state,
  targetSlot: 2n ** 63n,
  chainId: L1_MAINNET,
  kind: CommitmentKind.state,
  position: 2n ** 32n,
  tip: 2n ** 255n + 1n,
  livenessPenalty: 2n ** 128n,
  insurance: 2n ** 64n,
  beneficiary: getAddress(`0x${label("beneficiary").slice(-40)}`),
  requestHash: label("request-7"),
};
const commitments: [string, Commitment, BatonDomain][] = [
  ["inclusion on L1", inclusion, domains.devnet],
  ["ordering, first of the window", ordering0, domains.devnet],
  ["ordering, child of the previous", ordering1, domains.devnet],
  ["state, child of the previous", state, domains.devnet],
  ["bundle", bundle, domains.devnet],
  ["all fields zero", zero, domains.mainnet],
  ["all fields maximal", max, domains.mainnet],
  ["large uint256 values", big, domains.mainnet],
];

// Batches: a chain of two, an empty one, maximal fields.
const batch0: Batch = {
  chainId: ROLLUP,
  number: 0n,
  parentHash: ZERO_HASH,
  targetSlot: 1_000n,
  firstPosition: 0n,
  txCount: 3,
  txRoot: txRootCase(3).root,
  dataHash: label("data-0"),
  forcedUpTo: 0n,
};
const batch1: Batch = {
  ...batch0,
  number: 1n,
  parentHash: hashBatch(batch0),
  targetSlot: 1_002n,
  firstPosition: 3n,
  txCount: 5,
  txRoot: txRootCase(5).root,
  dataHash: label("data-1"),
  forcedUpTo: 2n,
};
const empty: Batch = {
  ...batch1,
  number: 2n,
  parentHash: hashBatch(batch1),
  targetSlot: 1_004n,
  firstPosition: 8n,
  txCount: 0,
  txRoot: ZERO_HASH,
  dataHash: keccak256("0x"),
};
const maxBatch: Batch = {
  chainId: MAX_UINT64,
  number: MAX_UINT64,
  parentHash: ALL_ONES,
  targetSlot: MAX_UINT64,
  firstPosition: MAX_UINT64,
  txCount: 2 ** 32 - 1,
  txRoot: ALL_ONES,
  dataHash: ALL_ONES,
  forcedUpTo: MAX_UINT64,
};
const batches: [string, Batch, BatonDomain][] = [
  ["first batch", batch0, domains.devnet],
  ["second batch, child of the first", batch1, domains.devnet],
  ["empty batch", empty, domains.mainnet],
  ["all fields maximal", maxBatch, domains.mainnet],
];

const domainJson = (d: BatonDomain) => ({
  chainId: d.chainId.toString(),
  verifyingContract: d.verifyingContract,
});
const signerOf = (i: number) => signers[i % signers.length]!;

// Refused signatures, over the first commitment's digest: both sides must refuse each with `error`.
const digest0 = commitmentDigest(domains.devnet, inclusion);
const signature0 = await signCommitment(signerOf(0).privateKey, domains.devnet, inclusion);
const r0 = signature0.slice(2, 66);
const s0 = BigInt(`0x${signature0.slice(66, 130)}`);
const v0 = Number.parseInt(signature0.slice(130), 16);
const word = (n: bigint) => numberToHex(n, { size: 32 }).slice(2);
const byte = (n: number) => n.toString(16).padStart(2, "0");
const E = CommitmentErrorCode;
const badSignatures = [
  [
    "high-s twin (n - s, v flipped)",
    `0x${r0}${word(SECP256K1_N - s0)}${byte(v0 === 27 ? 28 : 27)}`,
    E.signatureMalleableS,
  ],
  ["v as yParity 0/1", `0x${r0}${word(s0)}${byte(v0 - 27)}`, E.signatureInvalidV],
  ["v = 29", `0x${r0}${word(s0)}${byte(29)}`, E.signatureInvalidV],
  ["64 bytes (EIP-2098 compact is not accepted)", `0x${r0}${word(s0)}`, E.signatureInvalidLength],
  ["66 bytes", `${signature0}00`, E.signatureInvalidLength],
  ["empty", "0x", E.signatureInvalidLength],
  ["r = 0", `0x${word(0n)}${word(s0)}${byte(v0)}`, E.signatureInvalid],
  ["s = 0", `0x${r0}${word(0n)}${byte(v0)}`, E.signatureInvalid],
  // No point of secp256k1 has x = 5 (checked in signature.test.ts).
  ["r = 5 (no curve point)", `0x${word(5n)}${word(s0)}${byte(v0)}`, E.signatureInvalid],
  ["r = n (not below the group order)", `0x${word(SECP256K1_N)}${word(s0)}${byte(v0)}`, E.signatureInvalid],
].map(([name, signature, error]) => ({
  name,
  digest: digest0,
  signature,
  signer: signerOf(0).address,
  error,
}));

const vectors = {
  description:
    "EIP-712 vectors of Baton's Commitment and Batch (Commitments.sol), and txRoot cases. Generated by packages/protocol/scripts/commitmentVectors.ts; do not edit.",
  slasher: SLASHER,
  types: {
    EIP712Domain: {
      type: "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)",
      typeHash: keccak256(
        toHex("EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
      ),
    },
    Commitment: { type: COMMITMENT_TYPE, typeHash: COMMITMENT_TYPEHASH },
    Batch: { type: BATCH_TYPE, typeHash: BATCH_TYPEHASH },
  },
  domains: Object.values(domains).map((d) => ({
    name: d.name,
    version: d.version,
    ...domainJson(d),
    separator: hashDomain({
      domain: d,
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
      },
    }),
  })),
  commitments: await Promise.all(
    commitments.map(async ([name, value, domain], i) => ({
      name,
      domain: domainJson(domain),
      value: commitmentToJson(value),
      structHash: hashCommitment(value),
      digest: commitmentDigest(domain, value),
      signer: signerOf(i),
      signature: await signCommitment(signerOf(i).privateKey, domain, value),
    })),
  ),
  batches: await Promise.all(
    batches.map(async ([name, value, domain], i) => ({
      name,
      domain: domainJson(domain),
      value: batchToJson(value),
      structHash: hashBatch(value),
      digest: batchDigest(domain, value),
      signer: signerOf(i),
      signature: await signBatch(signerOf(i).privateKey, domain, value),
    })),
  ),
  badSignatures,
  txRoots,
};

const out = new URL("../test-vectors/commitments.json", import.meta.url);
writeFileSync(out, `${JSON.stringify(vectors, null, 2)}\n`);
// The repository's formatter owns JSON layout; format so that `biome check` stays clean.
execFileSync("npx", ["biome", "format", "--write", fileURLToPath(out)], { stdio: "ignore" });
console.log(
  `wrote test-vectors/commitments.json: ${vectors.commitments.length} commitments, ${vectors.batches.length} batches, ${badSignatures.length} refused signatures, ${txRoots.length} txRoot cases`,
);
