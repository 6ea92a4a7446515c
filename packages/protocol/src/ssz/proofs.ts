import { BranchNode, type Node, Tree } from "@chainsafe/persistent-merkle-tree";
import { ssz } from "@lodestar/types";
import { sha256 } from "../consensus/bytes.ts";
import {
  GINDEX_HEADER_STATE_ROOT,
  GINDEX_STATE_PROPOSER_LOOKAHEAD,
  GINDEX_STATE_VALIDATORS,
  PROPOSER_LOOKAHEAD_SLOTS,
  VALIDATOR_FIELDS_DEPTH,
  VALIDATOR_REGISTRY_LIMIT_DEPTH,
} from "../constants.ts";
import { BatonError } from "../errors.ts";

export type Bytes32 = Uint8Array;

export class ProofError extends BatonError {
  override readonly name = "ProofError";
}

function depthOf(gindex: bigint): number {
  if (gindex < 1n) throw new RangeError(`invalid generalized index ${gindex}`);
  return gindex.toString(2).length - 1;
}

/** Concatenate generalized indices: the node at path `b` below the node at path `a`, and so on. */
export function concatGindices(...gindices: bigint[]): bigint {
  let result = 1n;
  for (const g of gindices) {
    const depth = depthOf(g);
    result = (result << BigInt(depth)) | (g - (1n << BigInt(depth)));
  }
  return result;
}

/** Gindex, from the beacon block root, of the 32-byte chunk holding `proposer_lookahead[i]` (4 u64 per chunk). */
export function lookaheadChunkGindex(lookaheadIndex: number): bigint {
  if (!Number.isInteger(lookaheadIndex) || lookaheadIndex < 0 || lookaheadIndex >= PROPOSER_LOOKAHEAD_SLOTS) {
    throw new RangeError(`lookahead index ${lookaheadIndex} is outside 0..${PROPOSER_LOOKAHEAD_SLOTS - 1}`);
  }
  // Vector[uint64, 64] packs into 16 chunks: depth 4 below the field.
  const chunk = 16n + BigInt(Math.floor(lookaheadIndex / 4));
  return concatGindices(GINDEX_HEADER_STATE_ROOT, GINDEX_STATE_PROPOSER_LOOKAHEAD, chunk);
}

/** Gindex, from the beacon block root, of `validators[i].pubkey` (its hash-tree-root). */
export function validatorPubkeyGindex(validatorIndex: number): bigint {
  const listData = 2n; // left child of a List: the data subtree; the right child is the length.
  const item = (1n << BigInt(VALIDATOR_REGISTRY_LIMIT_DEPTH)) + BigInt(validatorIndex);
  const pubkeyField = 1n << BigInt(VALIDATOR_FIELDS_DEPTH); // field 0
  return concatGindices(GINDEX_HEADER_STATE_ROOT, GINDEX_STATE_VALIDATORS, listData, item, pubkeyField);
}

/** `is_valid_merkle_branch` by generalized index: `branch` lists siblings from the leaf upward. */
export function verifyMerkleBranch(
  leaf: Bytes32,
  branch: readonly Bytes32[],
  gindex: bigint,
  root: Bytes32,
): boolean {
  if (branch.length !== depthOf(gindex)) return false;
  let node = leaf;
  let g = gindex;
  for (const sibling of branch) {
    node = (g & 1n) === 1n ? sha256(sibling, node) : sha256(node, sibling);
    g >>= 1n;
  }
  return equalBytes(node, root);
}

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

/** SSZ hash-tree-root of a 48-byte BLS pubkey (two chunks, the second zero-padded). */
export function pubkeyRoot(pubkey: Uint8Array): Bytes32 {
  if (pubkey.length !== 48) throw new RangeError("a BLS pubkey is 48 bytes");
  const padded = new Uint8Array(64);
  padded.set(pubkey);
  return sha256(padded);
}

/** Little-endian u64 at `offset` within a chunk. */
export function readLookaheadEntry(chunk: Bytes32, lookaheadIndex: number): number {
  const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Number(view.getBigUint64((lookaheadIndex % 4) * 8, true));
}

export interface LookaheadEntryProof {
  readonly blockRoot: Bytes32;
  readonly lookaheadIndex: number;
  readonly validatorIndex: number;
  /** The 32-byte leaf chunk holding the entry and its three neighbours. */
  readonly chunk: Bytes32;
  /** 13 siblings, leaf upward. */
  readonly branch: Bytes32[];
}

export interface ValidatorPubkeyProof {
  readonly blockRoot: Bytes32;
  readonly validatorIndex: number;
  readonly pubkey: Uint8Array;
  /** 53 siblings, leaf upward. */
  readonly branch: Bytes32[];
}

export type BeaconBlockHeaderValue = ReturnType<typeof ssz.phase0.BeaconBlockHeader.defaultValue>;
type FuluStateView = ReturnType<typeof ssz.fulu.BeaconState.defaultViewDU>;

/** A tree rooted at the block root whose state_root subtree is the full state. */
function blockTree(header: BeaconBlockHeaderValue, state: FuluStateView): Tree {
  state.commit();
  const stateNode: Node = state.node;
  if (!equalBytes(stateNode.root, header.stateRoot)) {
    throw new ProofError("State does not match the header's state_root", {
      details: { slot: header.slot },
      hint: "Pass the post-state of the block whose header is given.",
    });
  }
  const tree = new Tree(ssz.phase0.BeaconBlockHeader.value_toTree(header));
  tree.setNode(GINDEX_HEADER_STATE_ROOT, stateNode);
  if (!(tree.rootNode instanceof BranchNode)) throw new ProofError("Unexpected header tree shape");
  return tree;
}

/** Prove `proposer_lookahead[i]` of a Fulu state against the root of the block whose post-state it is. */
export function proveLookaheadEntry(
  header: BeaconBlockHeaderValue,
  state: FuluStateView,
  lookaheadIndex: number,
): LookaheadEntryProof {
  const tree = blockTree(header, state);
  const gindex = lookaheadChunkGindex(lookaheadIndex);
  const chunk = tree.getRoot(gindex);
  const branch = tree.getSingleProof(gindex); // leaf upward
  return {
    blockRoot: tree.root,
    lookaheadIndex,
    validatorIndex: readLookaheadEntry(chunk, lookaheadIndex),
    chunk,
    branch,
  };
}

/** Prove `validators[i].pubkey` of a Fulu state against the root of the block whose post-state it is. */
export function proveValidatorPubkey(
  header: BeaconBlockHeaderValue,
  state: FuluStateView,
  validatorIndex: number,
): ValidatorPubkeyProof {
  if (validatorIndex >= state.validators.length) {
    throw new ProofError("No such validator", {
      details: { validatorIndex, count: state.validators.length },
    });
  }
  const tree = blockTree(header, state);
  const gindex = validatorPubkeyGindex(validatorIndex);
  const branch = tree.getSingleProof(gindex); // leaf upward
  return {
    blockRoot: tree.root,
    validatorIndex,
    pubkey: state.validators.getReadonly(validatorIndex).pubkey,
    branch,
  };
}

export function verifyLookaheadEntryProof(proof: LookaheadEntryProof, blockRoot: Bytes32): boolean {
  return (
    readLookaheadEntry(proof.chunk, proof.lookaheadIndex) === proof.validatorIndex &&
    verifyMerkleBranch(proof.chunk, proof.branch, lookaheadChunkGindex(proof.lookaheadIndex), blockRoot)
  );
}

export function verifyValidatorPubkeyProof(proof: ValidatorPubkeyProof, blockRoot: Bytes32): boolean {
  return verifyMerkleBranch(
    pubkeyRoot(proof.pubkey),
    proof.branch,
    validatorPubkeyGindex(proof.validatorIndex),
    blockRoot,
  );
}

/** Generalized index of `slot` in `BeaconBlockHeader` (field 0 of 5, depth 3). */
export const GINDEX_HEADER_SLOT = 8n;

/**
 * Everything the lookahead store needs to learn, on L1, which key proposes `slot`: the block's slot
 * (so the contract knows which epochs its state's lookahead covers), the lookahead entry, and the
 * proposer's pubkey, each with its branch to the block root. Field names match the contract's
 * `ProposerProof` (the EIP-4788 timestamp is the caller's to add).
 */
export interface ProposerProofValue {
  readonly blockRoot: Bytes32;
  readonly beaconSlot: number;
  readonly slotProof: Bytes32[];
  readonly lookaheadChunk: Bytes32;
  readonly lookaheadProof: Bytes32[];
  readonly validatorIndex: number;
  readonly pubkeyRoot: Bytes32;
  readonly pubkeyProof: Bytes32[];
}

/** Prove the proposer of `slot` (in the epoch of the block at `header` or the next) from that block. */
export function proveProposer(
  header: BeaconBlockHeaderValue,
  state: FuluStateView,
  slot: number,
  slotsPerEpoch = 32,
): ProposerProofValue {
  const firstCovered = Math.floor(header.slot / slotsPerEpoch) * slotsPerEpoch;
  const lookaheadIndex = slot - firstCovered;
  if (lookaheadIndex < 0 || lookaheadIndex >= 2 * slotsPerEpoch) {
    throw new ProofError("Slot not covered by this block's lookahead", {
      details: { slot, blockSlot: header.slot },
      hint: "Use a block of the slot's epoch or of the epoch before.",
    });
  }
  const entry = proveLookaheadEntry(header, state, lookaheadIndex);
  const key = proveValidatorPubkey(header, state, entry.validatorIndex);
  const headerTree = new Tree(ssz.phase0.BeaconBlockHeader.value_toTree(header));
  return {
    blockRoot: entry.blockRoot,
    beaconSlot: header.slot,
    slotProof: headerTree.getSingleProof(GINDEX_HEADER_SLOT),
    lookaheadChunk: entry.chunk,
    lookaheadProof: entry.branch,
    validatorIndex: entry.validatorIndex,
    pubkeyRoot: pubkeyRoot(key.pubkey),
    pubkeyProof: key.branch,
  };
}
