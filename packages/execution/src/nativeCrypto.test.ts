import assert from "node:assert/strict";
import { test } from "node:test";
import { ecrecover as jsEcrecover } from "@ethereumjs/util";
import { hexToBytes, keccak256, toHex } from "viem";
import { sign } from "viem/accounts";
import { type Ecrecover, loadNativeSecp256k1, nativeEcrecover } from "./nativeCrypto.ts";
import { KEY_A, KEY_B } from "./testFixtures.ts";

const native = nativeEcrecover(loadNativeSecp256k1());
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
const bytes32 = (value: bigint) => hexToBytes(toHex(value, { size: 32 }));

/** Both implementations' answer: the public key, or "throws". */
function both(...args: Parameters<Ecrecover>): [string, string] {
  const run = (f: Ecrecover) => {
    try {
      return toHex(f(...args));
    } catch {
      return "throws";
    }
  };
  return [run(native), run(jsEcrecover)];
}

test("native ecrecover gives the same keys as @ethereumjs/util's for every kind of v", async () => {
  for (let i = 0; i < 40; i++) {
    const hash = keccak256(toHex(i));
    const signature = await sign({ hash, privateKey: i % 2 === 0 ? KEY_A : KEY_B });
    const parity = BigInt(signature.yParity ?? 0);
    const [r, s, msg] = [hexToBytes(signature.r), hexToBytes(signature.s), hexToBytes(hash)];
    for (const [v, chainId] of [
      [parity, undefined],
      [27n + parity, undefined],
      [424_242n * 2n + 35n + parity, 424_242n],
    ] as const) {
      const [a, b] = both(msg, v, r, s, chainId);
      assert.notEqual(a, "throws");
      assert.equal(a, b);
    }
    // The other parity recovers another key, the same one in both.
    const [a, b] = both(msg, 1n - parity, r, s);
    assert.equal(a, b);
  }
});

test("native ecrecover fails where @ethereumjs/util's fails, and agrees on a high s", async () => {
  const hash = keccak256("0x01");
  const signature = await sign({ hash, privateKey: KEY_A });
  const msg = hexToBytes(hash);
  const r = hexToBytes(signature.r);
  const s = BigInt(signature.s);
  const v = 27n + BigInt(signature.yParity ?? 0);
  const cases: [string, Parameters<Ecrecover>][] = [
    ["r = 0", [msg, v, bytes32(0n), bytes32(s)]],
    ["s = 0", [msg, v, r, bytes32(0n)]],
    ["s = n", [msg, v, r, bytes32(N)]],
    ["r = n", [msg, v, bytes32(N), bytes32(s)]],
    ["v = 29", [msg, 29n, r, bytes32(s)]],
    ["EIP-155 v of another chain", [msg, 1n * 2n + 35n, r, bytes32(s), 5n]],
  ];
  for (const [name, args] of cases) assert.deepEqual(both(...args), ["throws", "throws"], name);
  // High s is refused for transactions (EIP-2) before recovery, but the precompile accepts it.
  const [a, b] = both(msg, v === 27n ? 28n : 27n, r, bytes32(N - s));
  assert.notEqual(a, "throws");
  assert.equal(a, b);
});
