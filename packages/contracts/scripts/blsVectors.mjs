// Writes test/bls/BLSVectors.sol: BLS12-381 vectors in the EIP-2537 encoding for test/bls/BLS.t.sol.
//  - hash_to_G2 and verify vectors of ethereum/bls12-381-tests v0.1.1 (`hash_to_G2/`: RFC 9380 suite
//    BLS12381G2_XMD:SHA-256_SSWU_RO_; `verify/`: the proof-of-possession ciphersuite), keys and signatures
//    converted with src/bls.ts (@chainsafe/blst);
//  - signatures made here with blst by interop validator keys, and compressed keys for BLS.compressG1.
// Run from packages/contracts, with the directory of the extracted release (the one holding hash_to_G2/
// and verify/) as argument; deterministic:
//   node --import tsx scripts/blsVectors.mjs <bls12-381-tests dir>
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PublicKey, SecretKey, Signature, verify } from "@chainsafe/blst";
import { g1ToEip2537, g2ToEip2537 } from "../src/bls.ts";

const testsDir = process.argv[2];
if (!testsDir) {
  console.error("usage: node --import tsx scripts/blsVectors.mjs <bls12-381-tests dir>");
  process.exit(2);
}

const bytes = (hex) => Buffer.from(hex.replace(/^0x/, ""), "hex");
const hex = (data) => Buffer.from(data).toString("hex");
const check = (condition, message) => {
  if (!condition) throw new Error(message);
};
/** A 48-byte field element ("0x…") left-padded to EIP-2537's 64 bytes. */
const fp = (value) => bytes(value).toString("hex").padStart(128, "0");

function readVectors(folder) {
  const dir = join(testsDir, folder);
  return readdirSync(dir)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({
      name: name.replace(/\.json$/, ""),
      ...JSON.parse(readFileSync(join(dir, name), "utf8")),
    }));
}

/** `convert(input)`, or undefined when it throws (the input does not decode to a valid point). */
function tryConvert(convert, input) {
  try {
    return convert(input);
  } catch {
    return undefined;
  }
}

/**
 * A signature decoded without the subgroup check, in the EIP-2537 encoding: for points on the curve but
 * outside the subgroup, which the pairing precompile must reject. Undefined when not even on the curve.
 */
function unvalidatedG2(signature) {
  const point = tryConvert((input) => Signature.fromBytes(input, false, false).toBytes(false), signature);
  if (point === undefined) return undefined;
  const element = (i) => hex(point.subarray(i * 48, (i + 1) * 48)).padStart(128, "0");
  return element(1) + element(0) + element(3) + element(2);
}

// hash_to_G2: {msg (ASCII), x: "c0,c1", y: "c0,c1"}.
const hashToG2 = readVectors("hash_to_G2").map(({ name, input, output }) => {
  const [x0, x1] = output.x.split(",");
  const [y0, y1] = output.y.split(",");
  return { name, message: hex(Buffer.from(input.msg, "utf8")), point: fp(x0) + fp(x1) + fp(y0) + fp(y1) };
});
check(hashToG2.length === 4, "expected the 4 RFC 9380 hash_to_G2 vectors");

// verify: the vectors whose key and signature decode go to Solidity; the others must be invalid ones,
// which src/bls.ts rejects (and BLS.verify would reject too: see the cases below).
const verifyCases = [];
const rejected = [];
for (const { name, input, output } of readVectors("verify")) {
  const pubkey = tryConvert(g1ToEip2537, bytes(input.pubkey));
  const signature = tryConvert(g2ToEip2537, bytes(input.signature));
  if (pubkey && signature) {
    verifyCases.push({
      name,
      pubkey: hex(pubkey),
      signature: hex(signature),
      message: input.message,
      valid: output,
      compressedPubkey: input.pubkey,
    });
  } else {
    check(output === false, `${name}: a valid vector does not decode`);
    rejected.push({ name, input });
  }
}
check(verifyCases.filter((c) => c.valid).length === 10, "expected 10 valid verify vectors");

// Of the rejected: the infinity key (EIP-2537 encodes infinity as zeros) and signatures on the curve but
// outside the subgroup.
const infinity = rejected.find(({ input }) => bytes(input.pubkey)[0] === 0xc0);
check(infinity !== undefined && bytes(infinity.input.signature)[0] === 0xc0, "expected the infinity vector");
const outsideSubgroup = rejected
  .filter((vector) => vector !== infinity)
  .map(({ name, input }) => ({ name, input, signature: unvalidatedG2(bytes(input.signature)) }))
  .filter(({ signature }) => signature !== undefined)
  .map(({ name, input, signature }) => ({
    name,
    pubkey: hex(g1ToEip2537(bytes(input.pubkey))),
    signature,
    message: input.message,
  }));
check(outsideSubgroup.length > 0, "expected signatures outside the subgroup");

// A G1 point on the curve but outside the subgroup (the smallest x with y^2 = x^3 + 4 solvable; y the
// square root a^((p + 1) / 4), p = 3 mod 4): the pairing precompile must reject it as a key.
const P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;
function powMod(base, exponent) {
  let result = 1n;
  for (let b = base % P, e = exponent; e > 0n; e >>= 1n, b = (b * b) % P) {
    if (e & 1n) result = (result * b) % P;
  }
  return result;
}
const fpHex = (value) => value.toString(16).padStart(96, "0");
let outsideX = 0n;
let outsideY;
do {
  outsideX++;
  const rhs = (outsideX ** 3n + 4n) % P;
  outsideY = powMod(rhs, (P + 1n) / 4n);
  if ((outsideY * outsideY) % P !== rhs) outsideY = undefined;
} while (outsideY === undefined);
const outsideG1 = bytes(fpHex(outsideX) + fpHex(outsideY));
PublicKey.fromBytes(outsideG1, false); // on the curve
check(tryConvert(g1ToEip2537, outsideG1) === undefined, "expected a G1 point outside the subgroup");

/** Interop validator key `i`: int.from_bytes(sha256(i as 32 bytes LE), "little") % r. */
function interopSecretKey(index) {
  const r = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
  const seed = Buffer.alloc(32);
  seed.writeUInt32LE(index);
  const digest = createHash("sha256").update(seed).digest();
  const value = BigInt(`0x${hex(Buffer.from(digest).reverse())}`) % r;
  return SecretKey.fromBytes(bytes(value.toString(16).padStart(64, "0")));
}

const keys = [0, 1, 2, 3, 4, 5, 6, 7].map(interopSecretKey);
const message = createHash("sha256").update("baton proof of possession").digest();
const otherMessage = createHash("sha256").update("baton another message").digest();
const signature = keys[0].sign(message);
check(
  verify(message, keys[0].toPublicKey(), signature, true, true),
  "blst does not verify its own signature",
);

// compressG1: EIP-2537 keys and blst's compressed serialization, with both values of the y flag (0x20).
const vectorKeys = [...new Set(verifyCases.map((c) => c.compressedPubkey))].map((key) =>
  PublicKey.fromHex(key),
);
const compress = [...keys.map((key) => key.toPublicKey()), ...vectorKeys].map((key) => ({
  uncompressed: hex(g1ToEip2537(key.toBytes(false))),
  compressed: hex(key.toBytes(true)),
}));
check(new Set(compress.map((c) => bytes(c.compressed)[0] & 0x20)).size === 2, "expected both y flags");

const hexBytes = (value) => `hex"${value.replace(/^0x/, "")}"`;
const name = (item) => JSON.stringify(item.name);
const field = (key) => (item) => hexBytes(item[key]);
/** A Solidity function returning `items` as `type[]`, each field `key: expression(item)` of `fields`. */
const list = (functionName, type, items, fields) =>
  [
    `    function ${functionName}() internal pure returns (${type}[] memory cases) {`,
    `        cases = new ${type}[](${items.length});`,
    ...items.map((item, i) =>
      [
        `        cases[${i}] = ${type}({`,
        Object.entries(fields)
          .map(([key, expression]) => `            ${key}: ${expression(item)}`)
          .join(",\n"),
        "        });",
      ].join("\n"),
    ),
    "    }",
  ].join("\n");

const verifyFields = {
  name,
  pubkey: field("pubkey"),
  signature: field("signature"),
  message: field("message"),
};

const source = `// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

// Generated by scripts/blsVectors.mjs from ethereum/bls12-381-tests v0.1.1 and @chainsafe/blst. Do not edit.
library BLSVectors {
    /// @notice hash_to_G2 vector: message and expected point (EIP-2537 encoding).
    struct HashToG2Case {
        string name;
        bytes message;
        bytes point;
    }

    /// @notice verify vector: key and signature in the EIP-2537 encoding, message, expected result.
    struct VerifyCase {
        string name;
        bytes pubkey;
        bytes signature;
        bytes message;
        bool valid;
    }

    /// @notice An EIP-2537 G1 key and its 48-byte compressed serialization (blst).
    struct CompressCase {
        bytes uncompressed;
        bytes compressed;
    }

    /// @notice DST of the RFC 9380 suite vectors (not the signature ciphersuite's).
    bytes internal constant HASH_TO_G2_DST = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";

    /// @notice A 32-byte message signed by interop validator key 0 (blst, POP ciphersuite).
    bytes internal constant MESSAGE = ${hexBytes(hex(message))};
    /// @notice Another message.
    bytes internal constant OTHER_MESSAGE = ${hexBytes(hex(otherMessage))};
    /// @notice Interop key 0 (EIP-2537 encoding) and its signature of MESSAGE.
    bytes internal constant PUBKEY = ${hexBytes(hex(g1ToEip2537(keys[0].toPublicKey().toBytes())))};
    bytes internal constant SIGNATURE = ${hexBytes(hex(g2ToEip2537(signature.toBytes())))};
    /// @notice Interop key 1 (EIP-2537 encoding), and its own signature of MESSAGE.
    bytes internal constant OTHER_PUBKEY = ${hexBytes(hex(g1ToEip2537(keys[1].toPublicKey().toBytes())))};
    bytes internal constant OTHER_KEY_SIGNATURE = ${hexBytes(hex(g2ToEip2537(keys[1].sign(message).toBytes())))};
    /// @notice Interop key 0's signature of OTHER_MESSAGE.
    bytes internal constant OTHER_MESSAGE_SIGNATURE = ${hexBytes(hex(g2ToEip2537(keys[0].sign(otherMessage).toBytes())))};

${list("hashToG2Cases", "HashToG2Case", hashToG2, { name, message: field("message"), point: field("point") })}

    /// @notice The verify vectors whose key and signature decode (src/bls.ts rejects the others).
${list("verifyCases", "VerifyCase", verifyCases, { ...verifyFields, valid: (c) => String(c.valid) })}

    /// @notice The infinity key and signature of ${infinity.name}, both all zeros.
    bytes internal constant INFINITY_MESSAGE = ${hexBytes(infinity.input.message)};

    /// @notice A G1 point on the curve (x = ${outsideX}) but outside the subgroup, EIP-2537 encoding.
    bytes internal constant PUBKEY_OUTSIDE_SUBGROUP = ${hexBytes(fp(fpHex(outsideX)) + fp(fpHex(outsideY)))};

    /// @notice Rejected verify vectors whose signature is on the curve but outside the G2 subgroup
    ///         (decoded without blst's subgroup check): the pairing precompile must reject them.
${list("outsideSubgroupCases", "VerifyCase", outsideSubgroup, { ...verifyFields, valid: () => "false" })}

${list("compressCases", "CompressCase", compress, { uncompressed: field("uncompressed"), compressed: field("compressed") })}
}
`;
writeFileSync(new URL("../test/bls/BLSVectors.sol", import.meta.url), source);
console.log(
  `wrote test/bls/BLSVectors.sol: ${hashToG2.length} hash_to_G2, ${verifyCases.length} verify ` +
    `(${rejected.length} rejected by src/bls.ts, ${outsideSubgroup.length} of them outside the subgroup), ` +
    `${compress.length} compress`,
);
