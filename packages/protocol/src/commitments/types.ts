/**
 * Baton's signed wire types, `Commitment` and `Batch`, defined once for TypeScript with their EIP-712
 * hashing, signing and recovery. They mirror `packages/contracts/src/commitments/Commitments.sol`
 * field for field (same names, types and order); shared vectors (`test-vectors/commitments.json`)
 * are checked by both the TypeScript and the forge tests.
 */
import {
  type Address,
  getAddress,
  type Hex,
  hashDomain,
  hashStruct,
  hashTypedData,
  isAddress,
  keccak256,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { fastKeccak256 } from "../keccak.ts";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";
import { recoverDigestSigner, SECP256K1_N } from "./signature.ts";

/** Kinds of promise, weakest to strongest (DESIGN.md section 5); `KIND_*` in Commitments.sol. */
export const CommitmentKind = { inclusion: 0, ordering: 1, state: 2, bundle: 3 } as const;
export type CommitmentKind = (typeof CommitmentKind)[keyof typeof CommitmentKind];

/** A preconfirmation signed by a committer (gateway) key. See Commitments.sol for each field. */
// Type aliases, not interfaces: viem's ABI argument inference accepts these as struct arguments.
export type Commitment = {
  /** The window's last slot: the promise holds by the end of it (uint64). */
  readonly targetSlot: bigint;
  /** The chain the transaction targets: the L1 chain id or a rollup's (uint64). */
  readonly chainId: bigint;
  readonly kind: CommitmentKind;
  /** keccak256 of the signed raw transaction (EIP-2718 bytes), or the bundle hash. */
  readonly txHash: Hex;
  /** Ordering/state: rollup-wide index of the transaction (uint64). */
  readonly position: bigint;
  /** Ordering/state: struct hash of the previous commitment of this rollup in this window, or zero. */
  readonly parent: Hex;
  /** State: the promised post-state root. */
  readonly postStateRoot: Hex;
  /** Wei (uint256). */
  readonly tip: bigint;
  /** Wei (uint256), paid to `beneficiary` if the window's last slot is missed and the promise unkept. */
  readonly livenessPenalty: bigint;
  /** Wei (uint256), paid to `beneficiary` first from a safety slash. */
  readonly insurance: bigint;
  readonly beneficiary: Address;
  /** Hash of the user's request, as the gateway API defines it. */
  readonly requestHash: Hex;
};

/** A rollup batch signed by the window's committer. See Commitments.sol for each field. */
export type Batch = {
  /** The rollup's chain id (uint64). */
  readonly chainId: bigint;
  /** Number of batches of the rollup settled before this one (uint64). */
  readonly number: bigint;
  /** Struct hash of the rollup's previous batch (zero for the first). */
  readonly parentHash: Hex;
  /** The last slot of the window the batch was signed for (uint64). */
  readonly targetSlot: bigint;
  /** Rollup-wide position of the batch's first transaction (uint64). */
  readonly firstPosition: bigint;
  /** Number of transactions (uint32). */
  readonly txCount: number;
  /** {@link txRoot} of the transactions' hashes. */
  readonly txRoot: Hex;
  /** keccak256 of the calldata data, or of the packed blob versioned hashes. */
  readonly dataHash: Hex;
  /** Forced-inclusion queue index up to which (exclusive) the batch consumes forced inclusions (uint64). */
  readonly forcedUpTo: bigint;
};

/** EIP-712 types of `Commitment`, fields in the order of the Solidity struct. */
export const commitmentTypes = {
  Commitment: [
    { name: "targetSlot", type: "uint64" },
    { name: "chainId", type: "uint64" },
    { name: "kind", type: "uint8" },
    { name: "txHash", type: "bytes32" },
    { name: "position", type: "uint64" },
    { name: "parent", type: "bytes32" },
    { name: "postStateRoot", type: "bytes32" },
    { name: "tip", type: "uint256" },
    { name: "livenessPenalty", type: "uint256" },
    { name: "insurance", type: "uint256" },
    { name: "beneficiary", type: "address" },
    { name: "requestHash", type: "bytes32" },
  ],
} as const;

/** EIP-712 types of `Batch`, fields in the order of the Solidity struct. */
export const batchTypes = {
  Batch: [
    { name: "chainId", type: "uint64" },
    { name: "number", type: "uint64" },
    { name: "parentHash", type: "bytes32" },
    { name: "targetSlot", type: "uint64" },
    { name: "firstPosition", type: "uint64" },
    { name: "txCount", type: "uint32" },
    { name: "txRoot", type: "bytes32" },
    { name: "dataHash", type: "bytes32" },
    { name: "forcedUpTo", type: "uint64" },
  ],
} as const;

function encodeType(name: string, fields: readonly { name: string; type: string }[]): string {
  return `${name}(${fields.map((field) => `${field.type} ${field.name}`).join(",")})`;
}

/** EIP-712 `encodeType(Commitment)`: `CommitmentHashing.COMMITMENT_TYPEHASH` is its keccak256. */
export const COMMITMENT_TYPE = encodeType("Commitment", commitmentTypes.Commitment);
export const COMMITMENT_TYPEHASH: Hex = keccak256(toHex(COMMITMENT_TYPE));
/** EIP-712 `encodeType(Batch)`: `CommitmentHashing.BATCH_TYPEHASH` is its keccak256. */
export const BATCH_TYPE = encodeType("Batch", batchTypes.Batch);
export const BATCH_TYPEHASH: Hex = keccak256(toHex(BATCH_TYPE));

/** The EIP-712 domain of every Baton signature: `CommitmentHashing.domainSeparator(slasher)`. */
export interface BatonDomain {
  readonly name: "Baton";
  readonly version: "1";
  /** The L1 chain id (not the rollup's). */
  readonly chainId: bigint;
  /** The Slasher contract, which verifies the signatures. */
  readonly verifyingContract: Address;
}

/**
 * The domain `{ name: "Baton", version: "1", chainId, verifyingContract: slasher }`.
 * @throws CommitmentError `COMMITMENT_INVALID_CHAIN_ID` or `COMMITMENT_INVALID_ADDRESS`.
 */
export function batonDomain(chainId: number | bigint, slasher: string): BatonDomain {
  const valid =
    (typeof chainId === "bigint" || Number.isSafeInteger(chainId)) &&
    BigInt(chainId) > 0n &&
    BigInt(chainId) < 2n ** 256n;
  if (!valid) {
    throw new CommitmentError(
      CommitmentErrorCode.invalidChainId,
      "Domain chain id is not a positive uint256",
      {
        details: { chainId: String(chainId) },
        hint: "Use the L1 chain id, e.g. 1 for mainnet.",
      },
    );
  }
  if (!isAddress(slasher, { strict: false })) {
    throw new CommitmentError(CommitmentErrorCode.invalidAddress, "Slasher is not an address", {
      details: { slasher },
    });
  }
  return Object.freeze({
    name: "Baton",
    version: "1",
    chainId: BigInt(chainId),
    verifyingContract: getAddress(slasher),
  });
}

/**
 * `encodeData` of a struct whose fields are all static (uintN, bytes32, address): the typehash and
 * one 32-byte word per field. Written by hand because it is on the gateway's hot path (viem's
 * generic `hashStruct` is ~5x slower); `typedData.test.ts` checks it against viem's.
 */
function staticStructHash(
  typeHash: Hex,
  fields: readonly { name: string; type: string }[],
  value: object,
): Hex {
  let out = typeHash.slice(2);
  const values = value as Record<string, unknown>;
  for (const field of fields) {
    const v = values[field.name];
    if (field.type === "bytes32") {
      if (typeof v !== "string" || !/^0x[0-9a-fA-F]{64}$/.test(v))
        throw new TypeError(`${field.name} is not bytes32`);
      out += v.slice(2);
    } else if (field.type === "address") {
      if (typeof v !== "string" || !/^0x[0-9a-fA-F]{40}$/.test(v))
        throw new TypeError(`${field.name} is not an address`);
      out += v.slice(2).padStart(64, "0");
    } else {
      const bits = BigInt(field.type.slice(4));
      const n =
        typeof v === "bigint" ? v : typeof v === "number" && Number.isSafeInteger(v) ? BigInt(v) : -1n;
      if (n < 0n || n >= 1n << bits) throw new RangeError(`${field.name} is not a ${field.type}`);
      out += n.toString(16).padStart(64, "0");
    }
  }
  return fastKeccak256(out);
}

/** EIP-712 `hashStruct(commitment)`: `CommitmentHashing.hash(Commitment)`, and a child's `parent`. */
export function hashCommitment(commitment: Commitment): Hex {
  return staticStructHash(COMMITMENT_TYPEHASH, commitmentTypes.Commitment, commitment);
}

/** EIP-712 `hashStruct(batch)`: `CommitmentHashing.hash(Batch)`, and the next batch's `parentHash`. */
export function hashBatch(batch: Batch): Hex {
  return staticStructHash(BATCH_TYPEHASH, batchTypes.Batch, batch);
}

const separators = new WeakMap<BatonDomain, Hex>();

/** `CommitmentHashing.domainSeparator(slasher)`, cached per domain object. */
export function domainSeparator(domain: BatonDomain): Hex {
  let separator = separators.get(domain);
  if (separator === undefined) {
    separator = hashDomain({
      domain,
      types: {
        EIP712Domain: [
          { name: "name", type: "string" },
          { name: "version", type: "string" },
          { name: "chainId", type: "uint256" },
          { name: "verifyingContract", type: "address" },
        ],
      },
    });
    separators.set(domain, separator);
  }
  return separator;
}

/** The EIP-712 digest of a struct hash: `keccak256(0x1901 || domainSeparator || structHash)`. */
export function typedDataDigest(domain: BatonDomain, structHash: Hex): Hex {
  return fastKeccak256(`1901${domainSeparator(domain).slice(2)}${structHash.slice(2)}`);
}

/** The digest a committer signs: `keccak256(0x1901 || domainSeparator || hashCommitment(c))`. */
export function commitmentDigest(domain: BatonDomain, commitment: Commitment): Hex {
  return typedDataDigest(domain, hashCommitment(commitment));
}

/** The digest a committer signs: `keccak256(0x1901 || domainSeparator || hashBatch(b))`. */
export function batchDigest(domain: BatonDomain, batch: Batch): Hex {
  return typedDataDigest(domain, hashBatch(batch));
}

/** viem's generic EIP-712 path, kept as the reference the fast path is tested against. */
export const referenceTypedData = {
  hashCommitment: (commitment: Commitment): Hex =>
    hashStruct({ data: { ...commitment }, primaryType: "Commitment", types: commitmentTypes }),
  hashBatch: (batch: Batch): Hex =>
    hashStruct({ data: { ...batch }, primaryType: "Batch", types: batchTypes }),
  commitmentDigest: (domain: BatonDomain, commitment: Commitment): Hex =>
    hashTypedData({ domain, types: commitmentTypes, primaryType: "Commitment", message: commitment }),
  batchDigest: (domain: BatonDomain, batch: Batch): Hex =>
    hashTypedData({ domain, types: batchTypes, primaryType: "Batch", message: batch }),
};

function account(privateKey: Hex) {
  const valid =
    /^0x[0-9a-fA-F]{64}$/.test(privateKey) && BigInt(privateKey) > 0n && BigInt(privateKey) < SECP256K1_N;
  // The key itself never goes into an error.
  if (!valid) throw new RangeError("private key is not a 32-byte secp256k1 scalar");
  return privateKeyToAccount(privateKey);
}

/**
 * Signs a commitment (deterministic, RFC 6979, low `s`): 65 bytes `r || s || v`, v = 27 or 28, as
 * `Signatures.recover` expects.
 */
export async function signCommitment(
  privateKey: Hex,
  domain: BatonDomain,
  commitment: Commitment,
): Promise<Hex> {
  return account(privateKey).signTypedData({
    domain,
    types: commitmentTypes,
    primaryType: "Commitment",
    message: commitment,
  });
}

/** Signs a batch: 65 bytes `r || s || v`, v = 27 or 28. */
export async function signBatch(privateKey: Hex, domain: BatonDomain, batch: Batch): Promise<Hex> {
  return account(privateKey).signTypedData({
    domain,
    types: batchTypes,
    primaryType: "Batch",
    message: batch,
  });
}

/**
 * The committer that signed `commitment`, accepting exactly the signatures `Signatures.recover`
 * accepts on-chain (viem's `recoverTypedDataAddress` also takes high `s` and v = 0/1).
 * @throws CommitmentError `SIGNATURE_INVALID_LENGTH`, `SIGNATURE_MALLEABLE_S`, `SIGNATURE_INVALID_V`
 *   or `SIGNATURE_INVALID`.
 */
export async function recoverCommitmentSigner(
  domain: BatonDomain,
  commitment: Commitment,
  signature: Hex,
): Promise<Address> {
  return recoverDigestSigner(commitmentDigest(domain, commitment), signature);
}

/** The committer that signed `batch`; see {@link recoverCommitmentSigner}. */
export async function recoverBatchSigner(
  domain: BatonDomain,
  batch: Batch,
  signature: Hex,
): Promise<Address> {
  return recoverDigestSigner(batchDigest(domain, batch), signature);
}
