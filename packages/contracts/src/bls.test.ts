import assert from "node:assert/strict";
import { test } from "node:test";
import { SecretKey } from "@chainsafe/blst";
import { EIP2537_G1_LENGTH, EIP2537_G2_LENGTH, g1ToEip2537, g2ToEip2537 } from "./bls.ts";

/** The BLS12-381 base-field modulus. */
const P = 0x1a0111ea397fe69a4b1ba7b6434bacd764774b84f38512bf6730d2a0f6b0f6241eabfffeb153ffffb9feffffffffaaabn;

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex.replace(/^0x/, ""), "hex"));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString("hex");
const mod = (value: bigint): bigint => ((value % P) + P) % P;

function powMod(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  for (let b = mod(base), e = exponent; e > 0n; e >>= 1n, b = (b * b) % P) {
    if (e & 1n) result = (result * b) % P;
  }
  return result;
}

/** The field elements of an EIP-2537 point, checking that each is 64 bytes with zero padding and below p. */
function elements(point: Uint8Array): bigint[] {
  const out: bigint[] = [];
  for (let offset = 0; offset < point.length; offset += 64) {
    assert.equal(toHex(point.subarray(offset, offset + 16)), "00".repeat(16), "padding");
    const value = BigInt(`0x${toHex(point.subarray(offset + 16, offset + 64))}`);
    assert.ok(value < P, "field element below p");
    out.push(value);
  }
  return out;
}

/** Asserts y^2 = x^3 + 4 for an EIP-2537 G1 point. */
function assertOnG1(point: Uint8Array): void {
  assert.equal(point.length, EIP2537_G1_LENGTH);
  const [x, y] = elements(point) as [bigint, bigint];
  assert.equal(mod(y * y), mod(x * x * x + 4n), "G1 curve equation");
}

type Fp2 = readonly [bigint, bigint];
const mul2 = ([a0, a1]: Fp2, [b0, b1]: Fp2): Fp2 => [mod(a0 * b0 - a1 * b1), mod(a0 * b1 + a1 * b0)];

/** Asserts y^2 = x^3 + 4(1 + u) for an EIP-2537 G2 point (x = x.c0 + x.c1 u, c0 first). */
function assertOnG2(point: Uint8Array): void {
  assert.equal(point.length, EIP2537_G2_LENGTH);
  const [x0, x1, y0, y1] = elements(point) as [bigint, bigint, bigint, bigint];
  const x: Fp2 = [x0, x1];
  const y: Fp2 = [y0, y1];
  const rhs = mul2(mul2(x, x), x);
  assert.deepEqual(mul2(y, y), [mod(rhs[0] + 4n), mod(rhs[1] + 4n)], "G2 curve equation");
}

const pad = (...hexes: string[]): string => hexes.map((hex) => hex.padStart(128, "0")).join("");

const G1_GENERATOR =
  "97f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb";
const G2_GENERATOR =
  "93e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e" +
  "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8";

test("g1ToEip2537 encodes the G1 generator as x || y, padded to 64 bytes each", () => {
  assert.equal(
    toHex(g1ToEip2537(fromHex(G1_GENERATOR))),
    pad(
      "17f1d3a73197d7942695638c4fa9ac0fc3688c4f9774b905a14e3a3f171bac586c55e83ff97a1aeffb3af00adb22c6bb",
      "08b3f481e3aaa0f1a09e30ed741d8ae4fcf5e095d5d00af600db18cb2c04b3edd03cc744a2888ae40caa232946c5e7e1",
    ),
  );
});

test("g2ToEip2537 encodes the G2 generator as x.c0 || x.c1 || y.c0 || y.c1 (EIP-2537 order)", () => {
  assert.equal(
    toHex(g2ToEip2537(fromHex(G2_GENERATOR))),
    pad(
      "024aa2b2f08f0a91260805272dc51051c6e47ad4fa403b02b4510b647ae3d1770bac0326a805bbefd48056c8c121bdb8",
      "13e02b6052719f607dacd3a088274f65596bd0d09920b61ab5da61bbdc7f5049334cf11213945d57e5ac7d055d042b7e",
      "0ce5d527727d6e118cc9cdc6da2e351aadfd9baa8cbdd3a76d429a695160d12c923ac9cc3baca289e193548608b82801",
      "0606c4a02ea734cc32acd2b02bc28b99cb3e287e85a763af267492ab572e99ab3f370d275cec1da1aaa9075ff05f79be",
    ),
  );
});

test("compressed and uncompressed keys and signatures give the same point on the curve", () => {
  const message = new Uint8Array(32).fill(0x42);
  for (let i = 1; i <= 8; i++) {
    const secretKey = SecretKey.fromBytes(new Uint8Array(32).fill(i));
    const pubkey = secretKey.toPublicKey();
    const signature = secretKey.sign(message);

    const g1 = g1ToEip2537(pubkey.toBytes(true));
    assert.deepEqual(g1ToEip2537(pubkey.toBytes(false)), g1);
    assertOnG1(g1);

    const g2 = g2ToEip2537(signature.toBytes(true));
    assert.deepEqual(g2ToEip2537(signature.toBytes(false)), g2);
    assertOnG2(g2);
  }
});

test("g1ToEip2537 rejects the point at infinity, points off the curve or outside the subgroup, bad lengths", () => {
  const infinity = new Uint8Array(48);
  infinity[0] = 0xc0;
  assert.throws(() => g1ToEip2537(infinity), /infinity/i);

  const offCurve = SecretKey.fromBytes(new Uint8Array(32).fill(1)).toPublicKey().toBytes(false);
  offCurve[95]! ^= 1;
  assert.throws(() => g1ToEip2537(offCurve));

  // x = 4: 4^3 + 4 is a square (y its root a^((p + 1) / 4)); the point lies outside the r-torsion subgroup.
  const y = powMod(68n, (P + 1n) / 4n);
  assert.equal(mod(y * y), 68n);
  const outsideSubgroup = fromHex(4n.toString(16).padStart(96, "0") + y.toString(16).padStart(96, "0"));
  assert.throws(() => g1ToEip2537(outsideSubgroup), /group/i);

  assert.throws(() => g1ToEip2537(fromHex(G1_GENERATOR).subarray(0, 47)));
});

test("g2ToEip2537 rejects the point at infinity, points off the curve or outside the subgroup, bad lengths", () => {
  const infinity = new Uint8Array(96);
  infinity[0] = 0xc0;
  assert.throws(() => g2ToEip2537(infinity), /infinity/i);

  // Tampered signatures of ethereum/bls12-381-tests v0.1.1 (verify/verify_tampered_signature_case_*).
  const offCurve =
    "ae82747ddeefe4fd64cf9cedb9b04ae3e8a43420cd255e3c7cd06a8d88b7c7f8638543719981c5d16fa3527c468c25f0" +
    "026704a6951bde891360c7e8d12ddee0559004ccdbe6046b55bae1b257ee97f7cdb955773d7cf29adf3ccbb9ffffffff";
  assert.throws(() => g2ToEip2537(fromHex(offCurve)), /curve/i);
  const outsideSubgroup =
    "882730e5d03f6b42c3abc26d3372625034e1d871b65a8a6b900a56dae22da98abbe1b68f85e49fe7652a55ec3d0591c2" +
    "0767677e33e5cbb1207315c41a9ac03be39c2e7668edc043d6cb1d9fd93033caa8a1c5b0e84bedaeb6c64972ffffffff";
  assert.throws(() => g2ToEip2537(fromHex(outsideSubgroup)), /group/i);

  assert.throws(() => g2ToEip2537(fromHex(G2_GENERATOR).subarray(0, 95)));
});
