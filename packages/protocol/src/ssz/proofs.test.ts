import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { Tree } from "@chainsafe/persistent-merkle-tree";
import { ssz } from "@lodestar/types";
import { sha256 } from "../consensus/bytes.ts";
import {
  GINDEX_HEADER_STATE_ROOT,
  GINDEX_STATE_PROPOSER_LOOKAHEAD,
  GINDEX_STATE_VALIDATORS,
} from "../constants.ts";
import {
  concatGindices,
  lookaheadChunkGindex,
  proveLookaheadEntry,
  proveValidatorPubkey,
  pubkeyRoot,
  validatorPubkeyGindex,
  verifyLookaheadEntryProof,
  verifyMerkleBranch,
  verifyValidatorPubkeyProof,
} from "./proofs.ts";

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/^0x/, ""), "hex"));
const fixture = JSON.parse(
  readFileSync(
    new URL("../../../../../shared/fixtures/lodestar/derived_beacon_block_headers.json", import.meta.url),
    "utf8",
  ),
) as {
  cases: {
    network: string;
    message: Record<"slot" | "proposer_index" | "parent_root" | "state_root" | "body_root", string>;
    serialized: string;
    hash_tree_root: string;
  }[];
};

test("BeaconBlockHeader SSZ serialization and root match real mainnet and sepolia headers", () => {
  assert.equal(fixture.cases.length, 4);
  for (const c of fixture.cases) {
    const header = ssz.phase0.BeaconBlockHeader.fromJson(c.message);
    assert.equal(
      Buffer.from(ssz.phase0.BeaconBlockHeader.serialize(header)).toString("hex"),
      c.serialized.slice(2),
    );
    assert.equal(
      Buffer.from(ssz.phase0.BeaconBlockHeader.hashTreeRoot(header)).toString("hex"),
      c.hash_tree_root.slice(2),
      `${c.network} slot ${c.message.slot}`,
    );
  }
});

test("state_root proves against a real header root with gindex 11 (3 siblings)", () => {
  const c = fixture.cases[0]!;
  const header = ssz.phase0.BeaconBlockHeader.fromJson(c.message);
  const tree = new Tree(ssz.phase0.BeaconBlockHeader.toView(header).node);
  const branch = tree.getSingleProof(GINDEX_HEADER_STATE_ROOT);
  assert.equal(branch.length, 3);
  assert.ok(verifyMerkleBranch(hex(c.message.state_root), branch, 11n, hex(c.hash_tree_root)));
  assert.ok(!verifyMerkleBranch(hex(c.message.body_root), branch, 11n, hex(c.hash_tree_root)));
  assert.ok(!verifyMerkleBranch(hex(c.message.state_root), branch, 10n, hex(c.hash_tree_root)));
});

test("the generalized indices of DESIGN.md agree with Lodestar's Fulu types", () => {
  assert.equal(ssz.phase0.BeaconBlockHeader.getPathInfo(["stateRoot"]).gindex, GINDEX_HEADER_STATE_ROOT);
  assert.equal(ssz.fulu.BeaconState.getPathInfo(["validators"]).gindex, GINDEX_STATE_VALIDATORS);
  assert.equal(
    ssz.fulu.BeaconState.getPathInfo(["proposerLookahead"]).gindex,
    GINDEX_STATE_PROPOSER_LOOKAHEAD,
  );
  assert.equal(lookaheadChunkGindex(0), 11856n);
  assert.equal(lookaheadChunkGindex(63), 11856n + 15n);
  for (const i of [0, 5, 63]) {
    const inState = ssz.fulu.BeaconState.getPathInfo(["proposerLookahead", i]).gindex;
    assert.equal(lookaheadChunkGindex(i), concatGindices(11n, inState));
  }
  // Lodestar stores a Validator as one struct node, so its path ends at the validator: add field 0 of 8.
  const validatorInState = ssz.fulu.BeaconState.getPathInfo(["validators", 9]).gindex;
  assert.equal(validatorPubkeyGindex(9), concatGindices(11n, validatorInState, 8n));
  assert.equal(validatorPubkeyGindex(9).toString(2).length - 1, 53);
  assert.throws(() => lookaheadChunkGindex(64), RangeError);
});

function fuluState() {
  const state = ssz.fulu.BeaconState.defaultViewDU();
  state.slot = 4242;
  for (let i = 0; i < 70; i++) {
    const v = ssz.phase0.Validator.defaultViewDU();
    v.pubkey = new Uint8Array(48).fill(i + 1);
    v.effectiveBalance = 32e9;
    state.validators.push(v);
  }
  for (let i = 0; i < 64; i++) state.proposerLookahead.set(i, (i * 7 + 3) % 70);
  state.commit();
  const header = ssz.phase0.BeaconBlockHeader.defaultValue();
  header.slot = 4242;
  header.proposerIndex = 3;
  header.parentRoot = sha256(Uint8Array.of(1));
  header.bodyRoot = sha256(Uint8Array.of(2));
  header.stateRoot = state.hashTreeRoot();
  return { state, header, blockRoot: ssz.phase0.BeaconBlockHeader.hashTreeRoot(header) };
}

test("EIP-7917 lookahead entries are proven against the block root, 13 siblings", () => {
  const { state, header, blockRoot } = fuluState();
  for (let i = 0; i < 64; i++) {
    const proof = proveLookaheadEntry(header, state, i);
    assert.equal(proof.branch.length, 13);
    assert.deepEqual(proof.blockRoot, blockRoot);
    assert.equal(proof.validatorIndex, (i * 7 + 3) % 70);
    assert.ok(verifyLookaheadEntryProof(proof, blockRoot), `entry ${i}`);
    // A lie about the proposer, the position, or the root is refused.
    assert.ok(!verifyLookaheadEntryProof({ ...proof, validatorIndex: proof.validatorIndex + 1 }, blockRoot));
    const neighbour = i % 4 === 3 ? i - 1 : i + 1;
    if (state.proposerLookahead.get(neighbour) !== proof.validatorIndex) {
      assert.ok(!verifyLookaheadEntryProof({ ...proof, lookaheadIndex: neighbour }, blockRoot));
    }
    assert.ok(!verifyLookaheadEntryProof(proof, sha256(blockRoot)));
  }
});

test("validator pubkeys are proven against the block root, 53 siblings", () => {
  const { state, header, blockRoot } = fuluState();
  for (const i of [0, 1, 42, 69]) {
    const proof = proveValidatorPubkey(header, state, i);
    assert.equal(proof.branch.length, 53);
    assert.deepEqual(proof.pubkey, new Uint8Array(48).fill(i + 1));
    assert.ok(verifyValidatorPubkeyProof(proof, blockRoot));
    assert.ok(!verifyValidatorPubkeyProof({ ...proof, validatorIndex: i ^ 1 }, blockRoot));
    assert.ok(!verifyValidatorPubkeyProof({ ...proof, pubkey: new Uint8Array(48).fill(99) }, blockRoot));
  }
  assert.deepEqual(
    pubkeyRoot(new Uint8Array(48).fill(1)),
    ssz.BLSPubkey.hashTreeRoot(new Uint8Array(48).fill(1)),
  );
});

test("a proof is refused when the state is not the header's post-state", () => {
  const { state, header } = fuluState();
  assert.throws(
    () => proveLookaheadEntry({ ...header, stateRoot: new Uint8Array(32) }, state, 0),
    /state_root/,
  );
});
