import assert from "node:assert/strict";
import { test } from "node:test";
import { bytesToHex, fromRlp, type Hex, keccak256, stringToBytes, toHex } from "viem";
import {
  EMPTY_TRIE_ROOT,
  MerklePatriciaTrie,
  proveTransaction,
  TrieError,
  transactionTrieKey,
  trieRoot,
} from "./mpt.ts";

const entries = (pairs: Record<string, string>) =>
  Object.entries(pairs).map(([key, value]) => ({ key: stringToBytes(key), value: stringToBytes(value) }));

// Roots from the ethereum/tests trie tests (trieanyorder.json, trietest.json).
const VECTORS: { name: string; pairs: Record<string, string>; root: Hex }[] = [
  {
    name: "dogs",
    pairs: { doe: "reindeer", dog: "puppy", dogglesworth: "cat" },
    root: "0x8aad789dff2f538bca5d8ea56e8abe10f4c7ba3a5dea95fea4cd6e7c3a1168d3",
  },
  {
    name: "puppy",
    pairs: { do: "verb", horse: "stallion", doge: "coin", dog: "puppy" },
    root: "0x5991bb8c6514148a29db676a14ac506cd2cd5775ace63c30a4fe457715e9ac84",
  },
  {
    name: "foo",
    pairs: { foo: "bar", food: "bass" },
    root: "0x17beaa1648bafa633cda809c90c04af50fc8aed3cb40d16efbddee6fdf63c4c3",
  },
  {
    name: "smallValues",
    pairs: { be: "e", dog: "puppy", bed: "d" },
    root: "0x3f67c7a47520f79faa29255d2d3c084a7a6df0453116ed7232ff10277a8be68b",
  },
  {
    name: "testy",
    pairs: { test: "test", te: "testy" },
    root: "0x8452568af70d8d140f58d941338542f645fcca50094b20f3c3d8c3df49337928",
  },
  {
    name: "single",
    pairs: { A: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" },
    root: "0xd23786fb4a010da3ce639d66d5e904a11dbc02746d1ce25029e53290cabf28ab",
  },
];

/** Walks `proof` down `key` the way the Solidity verifier does: a second, independent reading. */
function walk(root: Hex, key: Hex, proof: Hex[]): Hex | null {
  const path = [...key.slice(2)].map((c) => Number.parseInt(c, 16));
  let depth = 0;
  let expected: Hex = root;
  let index = 0;
  let node: unknown;
  for (;;) {
    if (node === undefined) {
      const encoded = proof[index++];
      assert.ok(encoded, "proof too short");
      assert.equal(keccak256(encoded), expected, "node hash");
      node = fromRlp(encoded, "hex");
    }
    const items = node as (Hex | unknown[])[];
    let child: Hex | unknown[];
    if (items.length === 17) {
      if (depth === path.length) return items[16] === "0x" ? null : (items[16] as Hex);
      child = items[path[depth++]!]!;
    } else {
      const hp = (items[0] as Hex).slice(2);
      const flag = Number.parseInt(hp[0]!, 16);
      const nibs = [...hp.slice(flag & 1 ? 1 : 2)].map((c) => Number.parseInt(c, 16));
      const matches = nibs.every((n, i) => path[depth + i] === n);
      if (flag >= 2) return matches && depth + nibs.length === path.length ? (items[1] as Hex) : null;
      if (!matches) return null;
      depth += nibs.length;
      child = items[1]!;
    }
    if (child === "0x") return null;
    if (typeof child === "string") {
      expected = child;
      node = undefined;
    } else node = child;
  }
}

test("roots match the ethereum/tests trie vectors, whatever the insertion order", () => {
  for (const { name, pairs, root } of VECTORS) {
    assert.equal(trieRoot(entries(pairs)), root, name);
    assert.equal(trieRoot(entries(pairs).reverse()), root, `${name} reversed`);
  }
  assert.equal(trieRoot([]), EMPTY_TRIE_ROOT);
  assert.equal(EMPTY_TRIE_ROOT, keccak256("0x80"));
});

test("every key proves its value and missing keys prove their absence", () => {
  for (const { name, pairs, root } of VECTORS) {
    const trie = new MerklePatriciaTrie(entries(pairs));
    for (const [key, value] of Object.entries(pairs)) {
      const proof = trie.prove(stringToBytes(key));
      assert.equal(proof.root, root);
      assert.equal(proof.value, toHex(value), `${name}/${key}`);
      assert.equal(walk(root, proof.key, proof.proof), toHex(value), `${name}/${key} walked`);
    }
    for (const missing of ["", "d", "dogg", "dogglesworthy", "zebra", "tes", "bedroom"]) {
      if (missing in pairs) continue;
      const proof = trie.prove(stringToBytes(missing));
      assert.equal(proof.value, null, `${name}/${missing}`);
      assert.equal(walk(root, proof.key, proof.proof), null, `${name}/${missing} walked`);
    }
  }
});

test("small nodes sit inline in their parent and are not listed in the proof", () => {
  // smallValues: "be" and "bed" share a branch whose child for "bed" is a 3-byte inline leaf.
  const trie = new MerklePatriciaTrie(entries({ be: "e", dog: "puppy", bed: "d" }));
  const proof = trie.prove(stringToBytes("bed"));
  for (const node of proof.proof.slice(1)) assert.ok((node.length - 2) / 2 >= 32, "listed nodes are hashed");
  assert.equal(walk(proof.root, proof.key, proof.proof), toHex("d"));
});

test("transaction keys are rlp(index)", () => {
  assert.equal(bytesToHex(transactionTrieKey(0)), "0x80");
  assert.equal(bytesToHex(transactionTrieKey(1)), "0x01");
  assert.equal(bytesToHex(transactionTrieKey(127)), "0x7f");
  assert.equal(bytesToHex(transactionTrieKey(128)), "0x8180");
  assert.equal(bytesToHex(transactionTrieKey(179)), "0x81b3");
  assert.equal(bytesToHex(transactionTrieKey(256)), "0x820100");
  assert.throws(() => transactionTrieKey(-1), RangeError);
});

test("a transaction proves under the transactions root of its block", () => {
  const txs = Array.from({ length: 300 }, (_, i) => keccak256(toHex(i)).repeat(1 + (i % 3)) as Hex);
  const raw = txs.map((tx) => `0x02${tx.replaceAll("0x", "")}` as Hex);
  for (const index of [0, 1, 127, 128, 179, 299]) {
    const proof = proveTransaction(raw, index);
    assert.equal(proof.value, raw[index]);
    assert.equal(walk(proof.root, proof.key, proof.proof), raw[index]);
  }
  assert.throws(() => proveTransaction(raw, 300), TrieError);
  assert.throws(
    () =>
      new MerklePatriciaTrie([
        { key: new Uint8Array([1]), value: new Uint8Array([1]) },
        { key: new Uint8Array([1]), value: new Uint8Array([2]) },
      ]),
    TrieError,
  );
  assert.throws(
    () => new MerklePatriciaTrie([{ key: new Uint8Array([1]), value: new Uint8Array() }]),
    TrieError,
  );
});
