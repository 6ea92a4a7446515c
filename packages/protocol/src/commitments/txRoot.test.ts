import assert from "node:assert/strict";
import { test } from "node:test";
import { concat, type Hex, keccak256, toHex } from "viem";
import { CommitmentError, CommitmentErrorCode } from "./errors.ts";
import { txLeaf, txRoot, txRootDepth, txRootProof, verifyTxRootProof, ZERO_HASH } from "./txRoot.ts";

const leaves = (n: number): Hex[] => Array.from({ length: n }, (_, i) => keccak256(toHex(`tx ${i}`)));
const pair = (a: Hex, b: Hex) => keccak256(concat([a, b]));

test("depth is ceil(log2(n)), 0 for 0 and 1", () => {
  const expected: [number, number][] = [
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 2],
    [4, 2],
    [5, 3],
    [8, 3],
    [9, 4],
    [2 ** 20, 20],
    [2 ** 20 + 1, 21],
    [2 ** 32 - 1, 32],
  ];
  for (const [n, d] of expected) assert.equal(txRootDepth(n), d, `n = ${n}`);
  for (const bad of [-1, 1.5, Number.NaN]) assert.throws(() => txRootDepth(bad), RangeError);
});

test("small trees by hand: empty, one leaf, padding with zero", () => {
  const [a, b, c, d, e] = leaves(5) as [Hex, Hex, Hex, Hex, Hex];
  assert.equal(txRoot([]), ZERO_HASH);
  assert.equal(txRoot([a]), a);
  assert.equal(txRoot([a, b]), pair(a, b));
  assert.equal(txRoot([a, b, c]), pair(pair(a, b), pair(c, ZERO_HASH)));
  assert.equal(txRoot([a, b, c, d]), pair(pair(a, b), pair(c, d)));
  const z2 = pair(ZERO_HASH, ZERO_HASH);
  assert.equal(txRoot([a, b, c, d, e]), pair(pair(pair(a, b), pair(c, d)), pair(pair(e, ZERO_HASH), z2)));
  assert.deepEqual(txRootProof([a, b, c, d, e], 4), [ZERO_HASH, z2, pair(pair(a, b), pair(c, d))]);
  assert.deepEqual(txRootProof([a], 0), []);
  // Leaves are keccak256 of the raw EIP-2718 bytes.
  assert.equal(txLeaf("0x02f8"), keccak256("0x02f8"));
});

test("every leaf of trees up to 33 leaves proves, with exactly depth siblings", () => {
  for (let n = 1; n <= 33; n++) {
    const list = leaves(n);
    const root = txRoot(list);
    list.forEach((leaf, i) => {
      const proof = txRootProof(list, i);
      assert.equal(proof.length, txRootDepth(n));
      assert.ok(verifyTxRootProof(root, n, i, leaf, proof), `n = ${n}, i = ${i}`);
    });
  }
});

test("wrong leaf, index, sibling, root, count or proof length does not verify", () => {
  const list = leaves(5);
  const root = txRoot(list);
  const proof = txRootProof(list, 2);
  const leaf = list[2]!;
  assert.ok(verifyTxRootProof(root, 5, 2, leaf, proof));
  assert.ok(!verifyTxRootProof(root, 5, 2, list[3]!, proof), "another leaf");
  assert.ok(!verifyTxRootProof(root, 5, 3, leaf, proof), "another index");
  assert.ok(!verifyTxRootProof(root, 5, 6, leaf, proof), "index beyond count, same path bits");
  assert.ok(!verifyTxRootProof(root, 5, -1, leaf, proof), "negative index");
  assert.ok(!verifyTxRootProof(leaf, 5, 2, leaf, proof), "another root");
  assert.ok(!verifyTxRootProof(root, 5, 2, leaf, [proof[0]!, proof[1]!, ZERO_HASH]), "another sibling");
  assert.ok(!verifyTxRootProof(root, 5, 2, leaf, proof.slice(0, 2)), "short proof");
  assert.ok(!verifyTxRootProof(root, 5, 2, leaf, [...proof, ZERO_HASH]), "long proof");
  // A count of another depth fixes another proof length: 5..8 share depth 3, 4 does not.
  assert.ok(verifyTxRootProof(root, 8, 2, leaf, proof), "count only fixes depth and the index bound");
  assert.ok(!verifyTxRootProof(root, 4, 2, leaf, proof), "count of another depth");
  assert.ok(!verifyTxRootProof(root, 2, 2, leaf, proof), "index not below count");
  assert.ok(!verifyTxRootProof(ZERO_HASH, 0, 0, ZERO_HASH, []), "empty batch has no leaf");
});

test("padding leaves and inner nodes cannot be proven as transactions", () => {
  const list = leaves(5);
  const root = txRoot(list);
  // Padding leaf 5 (zero) has a valid path in the tree, but 5 is not below the count.
  const padded = [...list, ZERO_HASH, ZERO_HASH, ZERO_HASH];
  assert.equal(txRoot(padded), root);
  assert.ok(verifyTxRootProof(root, 8, 5, ZERO_HASH, txRootProof(padded, 5)), "as if the batch had 8");
  assert.ok(!verifyTxRootProof(root, 5, 5, ZERO_HASH, txRootProof(padded, 5)), "the batch has 5");
  // An inner node (the parent of leaves 0 and 1) with the upper part of leaf 0's proof: too short.
  const upper = txRootProof(list, 0).slice(1);
  assert.ok(!verifyTxRootProof(root, 5, 0, pair(list[0]!, list[1]!), upper));
});

test("proof of an index outside the batch and malformed hashes are refused", () => {
  const list = leaves(3);
  for (const index of [-1, 3, 1.5]) {
    assert.throws(
      () => txRootProof(list, index),
      (e: unknown) => e instanceof CommitmentError && e.code === CommitmentErrorCode.txIndexOutOfRange,
    );
  }
  const invalid = (e: unknown) =>
    e instanceof CommitmentError && e.code === CommitmentErrorCode.invalidBytes32;
  assert.throws(() => txRoot([...list, "0x1234"]), invalid);
  assert.throws(() => verifyTxRootProof(txRoot(list), 3, 0, list[0]!, ["0x12", ZERO_HASH]), invalid);
  // Hex case does not matter.
  const upper = list.map((h) => h.toUpperCase().replace("0X", "0x") as Hex);
  assert.equal(txRoot(upper), txRoot(list));
});
