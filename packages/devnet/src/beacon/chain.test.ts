import assert from "node:assert/strict";
import { test } from "node:test";
import {
  epochOfSlot,
  GAS_PER_BLOB,
  proveLookaheadEntry,
  proveValidatorPubkey,
  scheduleFromLookahead,
  verifyLookaheadEntryProof,
  verifyValidatorPubkeyProof,
} from "@baton/protocol";
import { ssz } from "@lodestar/types";
import { BeaconChain } from "./chain.ts";
import { interopKeys } from "./keys.ts";
import type { ExecutionPayload } from "./stateTransition.ts";

const keys = interopKeys(64);

function payload(number: number, timestamp: number): ExecutionPayload {
  const p = ssz.fulu.ExecutionPayload.defaultValue();
  p.blockNumber = number;
  p.timestamp = timestamp;
  p.blockHash = new Uint8Array(32).fill(number % 256);
  return p;
}

function newChain() {
  return new BeaconChain({
    genesisTime: 1_700_000_000,
    keys,
    executionGenesis: payload(0, 1_700_000_000),
    forkVersion: Uint8Array.of(0x70, 0, 0x0b, 0x47),
    stateHistorySlots: 256,
  });
}

test("interop keys are the consensus clients' deterministic devnet keys", () => {
  assert.equal(
    Buffer.from(keys.pubkeys[0]!).toString("hex"),
    "a99a76ed7796f7be22d5b7e85deeb7c5677e88e511e0b337618f8c4eb61349b4bf2d153f649f7b53359fe8b94a38e44c",
  );
});

test("blocks follow the lookahead, chain by parent root, and prove their lookahead and pubkeys", () => {
  const chain = newChain();
  const heads: number[] = [];
  chain.on("head", (e) => heads.push(e.slot));
  let parent = chain.head.root;
  const missed = new Set([5, 33, 34]);
  const proposersSeen = new Map<number, number>();
  for (let slot = 1; slot <= 96; slot++) {
    if (missed.has(slot)) {
      chain.advanceTo(slot);
      continue;
    }
    const expectedProposer = chain.proposerOf(slot);
    const block = chain.produceBlock(slot, payload(slot, 1_700_000_000 + slot * 12));
    assert.equal(block.header.proposerIndex, expectedProposer);
    assert.deepEqual(block.header.parentRoot, parent);
    assert.deepEqual(block.state.hashTreeRoot(), block.header.stateRoot);
    parent = block.root;
    proposersSeen.set(slot, expectedProposer);
  }
  assert.equal(heads.length, 93);
  assert.equal(chain.blockAtSlot(5), undefined);

  // A block of epoch E-1 commits to epoch E's proposers (EIP-7917), provably.
  const anchor = chain.blockAtSlot(40)!; // epoch 1
  const schedule = scheduleFromLookahead(40, anchor.state.proposerLookahead.getAll());
  for (let slot = 64; slot < 96; slot++) {
    const i = slot - schedule.startSlot;
    assert.equal(schedule.proposers[i], proposersSeen.get(slot));
    const proof = proveLookaheadEntry(anchor.header, anchor.state, i);
    assert.ok(verifyLookaheadEntryProof(proof, anchor.root));
    const pk = proveValidatorPubkey(anchor.header, anchor.state, proof.validatorIndex);
    assert.deepEqual(pk.pubkey, keys.pubkeys[proof.validatorIndex]);
    assert.ok(verifyValidatorPubkeyProof(pk, anchor.root));
  }
  assert.equal(epochOfSlot(chain.currentSlot), 3);
  // Full participation finalizes the epoch before the justified one.
  assert.equal(chain.finalizedCheckpoint.epoch, 1);
  // Randao moves: the mixes of different epochs differ.
  assert.notDeepEqual(chain.currentState.randaoMixes.get(1), chain.currentState.randaoMixes.get(2));
});

test("the head can be replaced at its slot (depth-1 reorg)", () => {
  const chain = newChain();
  chain.produceBlock(1, payload(1, 1_700_000_012));
  const old = chain.produceBlock(2, payload(2, 1_700_000_024));
  const reorgs: unknown[] = [];
  chain.on("chain_reorg", (e) => reorgs.push(e));
  const replacement = payload(2, 1_700_000_024);
  replacement.blockHash = new Uint8Array(32).fill(0xee);
  const fresh = chain.replaceHead(replacement);
  assert.notDeepEqual(fresh.root, old.root);
  assert.deepEqual(fresh.header.parentRoot, old.header.parentRoot);
  assert.equal(reorgs.length, 1);
  assert.equal(chain.blockByRoot(old.root), undefined);
  const next = chain.produceBlock(3, payload(3, 1_700_000_036));
  assert.deepEqual(next.header.parentRoot, fresh.root);
});

test("a block lists one KZG commitment per blob its payload paid for, and no other count", () => {
  const chain = newChain();
  const commitments = [new Uint8Array(48).fill(1), new Uint8Array(48).fill(2)];
  const withBlobs = payload(1, 1_700_000_012);
  withBlobs.blobGasUsed = 2n * GAS_PER_BLOB;
  assert.throws(() => chain.produceBlock(1, withBlobs), RangeError);
  assert.throws(() => chain.produceBlock(1, payload(1, 1_700_000_012), commitments), RangeError);
  const block = chain.produceBlock(1, withBlobs, commitments);
  assert.deepEqual(block.signedBlock.message.body.blobKzgCommitments, commitments);
  const bodyRoot = ssz.fulu.BeaconBlockBody.hashTreeRoot(block.signedBlock.message.body);
  assert.deepEqual(block.header.bodyRoot, bodyRoot);
  // A reorg keeps the rule: the replacement lists its own commitments.
  assert.throws(() => chain.replaceHead(withBlobs), RangeError);
  const fresh = chain.replaceHead(withBlobs, commitments.slice().reverse());
  assert.deepEqual(fresh.signedBlock.message.body.blobKzgCommitments, commitments.slice().reverse());
});
