// viem's EIP-712 path (which the commitment hashing uses) against ethers.js's typed-data vectors:
// the canonical Mail example (with its signature), boundary integer values, and random types with
// nested structs, arrays, bytes and strings.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { type Hex, hashStruct, hashTypedData, keccak256, type TypedDataDomain } from "viem";
import { privateKeyToAccount } from "viem/accounts";

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
