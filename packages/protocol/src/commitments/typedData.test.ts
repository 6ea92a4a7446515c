// viem's EIP-712 path (which the commitment hashing uses) against ethers.js's typed-data vectors:
// the canonical Mail example (with its signature), boundary integer values, and random types with
// nested structs, arrays, bytes and strings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it, test } from "node:test";
import {
  getAddress,
  type Hex,
  hashStruct,
  hashTypedData,
  keccak256,
  type TypedDataDomain,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import {
  type Batch,
  batchDigest,
  batonDomain,
  type Commitment,
  commitmentDigest,
  hashBatch,
  hashCommitment,
  referenceTypedData,
} from "./types.ts";

interface Field {
  name: string;
  type: string;
}
interface Case {
  name: string;
  domain: Record<string, unknown>;
  primaryType: string;
  types: Record<string, Field[]>;
  data: Record<string, unknown>;
  encoded: Hex;
  digest: Hex;
  privateKey?: Hex;
  signature?: Hex;
}

const cases = JSON.parse(
  readFileSync(
    new URL("../../../../../shared/fixtures/ethers.js/testcases/typed-data.json", import.meta.url),
    "utf8",
  ),
) as Case[];

/** ethers writes large integers as decimal strings; viem takes bigint. */
function toViem(type: string, value: unknown, types: Record<string, Field[]>): unknown {
  const array = /^(.*)\[(\d*)\]$/.exec(type);
  if (array) return (value as unknown[]).map((item) => toViem(array[1]!, item, types));
  if (/^u?int\d*$/.test(type)) return BigInt(value as string | number);
  const struct = types[type];
  if (struct) {
    const input = value as Record<string, unknown>;
    return Object.fromEntries(struct.map((f) => [f.name, toViem(f.type, input[f.name], types)]));
  }
  return value;
}

function definition(c: Case) {
  const domain = { ...c.domain } as TypedDataDomain;
  if (c.domain.chainId !== undefined) domain.chainId = BigInt(c.domain.chainId as string | number);
  return {
    domain,
    types: c.types,
    primaryType: c.primaryType,
    message: toViem(c.primaryType, c.data, c.types) as Record<string, unknown>,
  };
}

test("the ethers.js typed-data fixture has the canonical cases", () => {
  assert.equal(cases.length, 130);
  const mail = cases.find((c) => c.name === "EIP712 example");
  assert.equal(mail?.digest, "0xbe609aee343fb3c4b28e1df9e632fca64fcfaede20f02e86244efddf30957bd2");
  assert.ok(cases.some((c) => c.name === "Boundary values"));
});

test("viem's hashStruct and hashTypedData match every ethers.js typed-data vector", () => {
  for (const c of cases) {
    const def = definition(c);
    assert.equal(
      hashStruct({ data: def.message, primaryType: def.primaryType, types: def.types }),
      keccak256(c.encoded),
      `${c.name}: struct hash`,
    );
    assert.equal(hashTypedData(def), c.digest, `${c.name}: digest`);
  }
});

test("viem signs the EIP-712 Mail example exactly as ethers.js does", async () => {
  const mail = cases.find((c) => c.name === "EIP712 example")!;
  const account = privateKeyToAccount(mail.privateKey!);
  assert.equal(await account.signTypedData(definition(mail)), mail.signature);
});

describe("hand-written struct hashing", () => {
  it("equals viem's generic EIP-712 path for random commitments and batches", () => {
    const domain = batonDomain(17_000n, "0x00000000000000000000000000000000000a11ce");
    const word = (i: number, k: number) => keccak256(toHex(`${i}-${k}`));
    for (let i = 0; i < 200; i++) {
      const n = (k: number, bits: number) => BigInt(word(i, k)) % (1n << BigInt(bits));
      const commitment: Commitment = {
        targetSlot: n(1, 64),
        chainId: n(2, 64),
        kind: (i % 4) as Commitment["kind"],
        txHash: word(i, 3),
        position: i % 7 === 0 ? 0n : n(4, 64),
        parent: word(i, 5),
        postStateRoot: word(i, 6),
        tip: n(7, 256),
        livenessPenalty: n(8, 256),
        insurance: i % 5 === 0 ? 2n ** 256n - 1n : n(9, 256),
        beneficiary: getAddress(word(i, 10).slice(0, 42)),
        requestHash: word(i, 11),
      };
      const batch: Batch = {
        chainId: n(12, 64),
        number: n(13, 64),
        parentHash: word(i, 14),
        targetSlot: n(15, 64),
        firstPosition: n(16, 64),
        txCount: Number(n(17, 32)),
        txRoot: word(i, 18),
        dataHash: word(i, 19),
        forcedUpTo: n(20, 64),
      };
      assert.equal(hashCommitment(commitment), referenceTypedData.hashCommitment(commitment));
      assert.equal(
        commitmentDigest(domain, commitment),
        referenceTypedData.commitmentDigest(domain, commitment),
      );
      assert.equal(hashBatch(batch), referenceTypedData.hashBatch(batch));
      assert.equal(batchDigest(domain, batch), referenceTypedData.batchDigest(domain, batch));
    }
  });

  it("refuses values that do not fit their type", () => {
    const bad = { ...({} as Commitment), targetSlot: 2n ** 64n } as Commitment;
    assert.throws(() => hashCommitment(bad));
  });
});
