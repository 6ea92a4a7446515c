import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  commitmentVersionedHash,
  encodeBlobData,
  epochOfSlot,
  GAS_PER_BLOB,
  proveLookaheadEntry,
  proveValidatorPubkey,
  SLOTS_PER_EPOCH,
  verifyLookaheadEntryProof,
  verifyValidatorPubkeyProof,
} from "@baton/protocol";
import { type ApiClient, getClient, routes, WireFormat } from "@lodestar/api";
import { ssz } from "@lodestar/types";
import { BeaconChain, type SignedBeaconBlock } from "../chain.ts";
import { DEVNET_FORK_VERSIONS, devnetChainConfig } from "../config.ts";
import { interopKeys } from "../keys.ts";
import type { ExecutionPayload } from "../stateTransition.ts";
import type { BlobProvider } from "./blobs.ts";
import { type BeaconApiServer, createBeaconApiServer } from "./server.ts";

const GENESIS_TIME = 1_700_000_000;
const keys = interopKeys(64);
const config = devnetChainConfig({ secondsPerSlot: 12, depositChainId: 3151908 });
const MISSED = new Set([5, 33, 34, 64]);
const REPLACED_SLOT = 50;
const LAST_SLOT = 100; // epoch 3: epoch 1 is finalized
/** Slots whose blocks carry blobs, each with what the fake blob source does for its execution block. */
const BLOB_SLOT = 60; // three blobs, served
const MISMATCH_SLOT = 61; // one blob; the source answers with another commitment
const THROWING_SLOT = 62; // one blob; the source throws

const { EventType } = routes.events;
const hex = (bytes: Uint8Array): `0x${string}` => `0x${Buffer.from(bytes).toString("hex")}`;

function payload(number: number, fill = number % 256): ExecutionPayload {
  const p = ssz.fulu.ExecutionPayload.defaultValue();
  p.blockNumber = number;
  p.timestamp = GENESIS_TIME + number * 12;
  p.blockHash = new Uint8Array(32).fill(fill);
  return p;
}

/** The canonical block root at `slot` (latest block at or before it). */
function rootAtOrBefore(chain: BeaconChain, slot: number): Uint8Array {
  for (let s = slot; s > 0; s--) {
    const block = chain.blockAtSlot(s);
    if (block) return block.root;
  }
  return chain.genesisBlock.root;
}

/** Distinct blobs (real blob data, so each is 131072 bytes) and stand-in commitments (48 bytes). */
const blobs = [0, 1, 2, 3].map((i) => encodeBlobData(`0x${"ab".repeat(1000 + i)}`)[0]!);
const commitments = [0, 1, 2, 3].map((i) => new Uint8Array(48).fill(0xa0 + i));
const versionedHashes = commitments.map(commitmentVersionedHash);

/** The block of `slot` with `count` blobs: their commitments are the first `count` (`from` on). */
function produceWithBlobs(chain: BeaconChain, slot: number, count: number, from = 0) {
  const p = payload(slot);
  p.blobGasUsed = BigInt(count) * GAS_PER_BLOB;
  chain.produceBlock(slot, p, commitments.slice(from, from + count));
}

/** A fake blob source: execution block numbers are the slots (see `payload`). */
const blobCalls: number[] = [];
const fakeBlobs: BlobProvider = async (executionBlockNumber) => {
  blobCalls.push(executionBlockNumber);
  await new Promise((resolve) => setImmediate(resolve));
  switch (executionBlockNumber) {
    case BLOB_SLOT:
      return { blobs: blobs.slice(0, 3).map(hex), commitments: commitments.slice(0, 3).map(hex) };
    case MISMATCH_SLOT:
      return { blobs: [hex(blobs[3]!)], commitments: [hex(commitments[2]!)] };
    case THROWING_SLOT:
      throw new Error("anvil is down");
    default:
      return null;
  }
};

async function waitFor(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("Beacon API server", () => {
  let chain: BeaconChain;
  let server: BeaconApiServer;
  let api: ApiClient;
  const abort = new AbortController();

  before(async () => {
    chain = new BeaconChain({
      genesisTime: GENESIS_TIME,
      keys,
      executionGenesis: payload(0),
      forkVersion: Uint8Array.from(Buffer.from(DEVNET_FORK_VERSIONS.FULU_FORK_VERSION.slice(2), "hex")),
      stateHistorySlots: 256,
    });
    for (let slot = 1; slot <= LAST_SLOT; slot++) {
      if (MISSED.has(slot)) chain.advanceTo(slot);
      else if (slot === BLOB_SLOT) produceWithBlobs(chain, slot, 3);
      else if (slot === MISMATCH_SLOT || slot === THROWING_SLOT) produceWithBlobs(chain, slot, 1, 3);
      else chain.produceBlock(slot, payload(slot));
      if (slot === REPLACED_SLOT) chain.replaceHead(payload(slot, 0xee));
    }
    server = await createBeaconApiServer({ host: "127.0.0.1", port: 0 }, { chain, config, blobs: fakeBlobs });
    api = getClient({ baseUrl: server.url }, { config });
  });

  after(async () => {
    abort.abort();
    await server?.close();
  });

  test("genesis, spec, fork schedule and node status", async () => {
    const genesis = (await api.beacon.getGenesis()).value();
    assert.equal(genesis.genesisTime, GENESIS_TIME);
    assert.deepEqual(genesis.genesisValidatorsRoot, chain.genesisValidatorsRoot);
    assert.deepEqual(genesis.genesisForkVersion, config.GENESIS_FORK_VERSION);

    const spec = (await api.config.getSpec()).value();
    assert.equal(spec.SECONDS_PER_SLOT, "12");
    assert.equal(spec.SLOTS_PER_EPOCH, String(SLOTS_PER_EPOCH));
    assert.equal(spec.DEPOSIT_CHAIN_ID, "3151908");
    assert.equal(spec.FULU_FORK_EPOCH, "0");
    assert.equal(spec.FULU_FORK_VERSION, DEVNET_FORK_VERSIONS.FULU_FORK_VERSION);

    const schedule = (await api.config.getForkSchedule()).value();
    const fulu = schedule.find((f) => hex(f.currentVersion) === DEVNET_FORK_VERSIONS.FULU_FORK_VERSION);
    assert.equal(fulu?.epoch, 0);
    assert.equal(hex(fulu.previousVersion), DEVNET_FORK_VERSIONS.ELECTRA_FORK_VERSION);

    const syncing = (await api.node.getSyncingStatus()).value();
    assert.equal(syncing.headSlot, LAST_SLOT);
    assert.equal(syncing.isSyncing, false);
    assert.match((await api.node.getNodeVersion()).value().version, /^Baton\//);
    assert.equal((await api.node.getHealth()).status, 200);
  });

  test("proposer duties are the blocks' proposers, with the spec's dependent roots", async () => {
    const currentEpoch = epochOfSlot(chain.currentSlot);
    for (let epoch = 0; epoch <= currentEpoch + 1; epoch++) {
      const v1 = await api.validator.getProposerDuties({ epoch });
      const v2 = await api.validator.getProposerDutiesV2({ epoch });
      const duties = v1.value();
      assert.deepEqual(v2.value(), duties);
      assert.equal(duties.length, SLOTS_PER_EPOCH);
      for (const duty of duties) {
        assert.equal(epochOfSlot(duty.slot), epoch);
        // Produced blocks were proposed by their duty's validator (the genesis block has none).
        const block = duty.slot > 0 ? chain.blockAtSlot(duty.slot) : undefined;
        if (block) assert.equal(duty.validatorIndex, block.header.proposerIndex, `slot ${duty.slot}`);
        if (epoch >= currentEpoch) assert.equal(duty.validatorIndex, chain.proposerOf(duty.slot));
        assert.deepEqual(duty.pubkey, keys.pubkeys[duty.validatorIndex]);
      }
      // v1: the root at the epoch's start slot - 1; v2 (Fulu): the root at the previous epoch's start - 1.
      assert.equal(v1.meta().dependentRoot, hex(rootAtOrBefore(chain, epoch * SLOTS_PER_EPOCH - 1)));
      assert.equal(v2.meta().dependentRoot, hex(chain.proposerDuties(epoch)!.dependentRoot));
      assert.equal(v2.meta().dependentRoot, hex(rootAtOrBefore(chain, (epoch - 1) * SLOTS_PER_EPOCH - 1)));
    }
    const tooFar = await api.validator.getProposerDuties({ epoch: currentEpoch + 2 });
    assert.equal(tooFar.status, 400);
  });

  test("headers and block roots are the chain's", async () => {
    const head = (await api.beacon.getBlockHeader({ blockId: "head" })).value();
    assert.deepEqual(head.root, chain.head.root);
    assert.equal(head.canonical, true);
    assert.ok(ssz.phase0.BeaconBlockHeader.equals(head.header.message, chain.head.header));
    assert.deepEqual(ssz.phase0.BeaconBlockHeader.hashTreeRoot(head.header.message), chain.head.root);

    const replaced = chain.blockAtSlot(REPLACED_SLOT)!;
    const bySlot = (await api.beacon.getBlockHeader({ blockId: REPLACED_SLOT })).value();
    assert.deepEqual(bySlot.root, replaced.root);
    const byRoot = (await api.beacon.getBlockHeader({ blockId: hex(replaced.root) })).value();
    assert.deepEqual(byRoot.header, bySlot.header);
    assert.equal((await api.beacon.getBlockHeader({ blockId: 5 })).status, 404);
    const genesis = (await api.beacon.getBlockHeader({ blockId: "genesis" })).value();
    assert.deepEqual(genesis.root, chain.genesisBlock.root);

    const atSlot = (await api.beacon.getBlockHeaders({ slot: 40 })).value();
    assert.deepEqual(
      atSlot.map((h) => h.root),
      [chain.blockAtSlot(40)!.root],
    );
    // The child of slot 32's block is slot 35's: 33 and 34 were missed.
    const children = await api.beacon.getBlockHeaders({ parentRoot: hex(chain.blockAtSlot(32)!.root) });
    assert.deepEqual(
      children.value().map((h) => h.header.message.slot),
      [35],
    );
    assert.deepEqual((await api.beacon.getBlockHeaders({})).value()[0]?.root, chain.head.root);

    assert.equal(chain.finalizedCheckpoint.epoch, 1);
    const root = await api.beacon.getBlockRoot({ blockId: 32 });
    assert.deepEqual(root.value().root, chain.blockAtSlot(32)!.root);
    assert.equal(root.meta().finalized, true);
    assert.equal((await api.beacon.getBlockRoot({ blockId: 40 })).meta().finalized, false);
    const finalized = (await api.beacon.getBlockRoot({ blockId: "finalized" })).value();
    assert.deepEqual(finalized.root, chain.finalizedCheckpoint.root);
  });

  test("blocks as JSON and as SSZ", async () => {
    const expected = chain.blockAtSlot(REPLACED_SLOT)!;
    for (const responseWireFormat of [WireFormat.json, WireFormat.ssz]) {
      const res = await api.beacon.getBlockV2({ blockId: REPLACED_SLOT }, { responseWireFormat });
      assert.equal(res.wireFormat(), responseWireFormat);
      assert.equal(res.meta().version, "fulu");
      assert.equal(res.headers.get("Eth-Consensus-Version"), "fulu");
      const block = res.value() as typeof expected.signedBlock;
      assert.deepEqual(ssz.fulu.BeaconBlock.hashTreeRoot(block.message), expected.root);
      assert.deepEqual(block.signature, expected.signedBlock.signature);
    }
  });

  test("blocks list their blobs' KZG commitments", async () => {
    const blockAt = async (blockId: number) =>
      (await api.beacon.getBlockV2({ blockId })).value() as SignedBeaconBlock;
    assert.deepEqual((await blockAt(BLOB_SLOT)).message.body.blobKzgCommitments, commitments.slice(0, 3));
    assert.deepEqual((await blockAt(40)).message.body.blobKzgCommitments, []);
  });

  test("blobs as JSON and as SSZ, by slot and by root, in commitment order", async () => {
    const root = hex(chain.blockAtSlot(BLOB_SLOT)!.root);
    for (const responseWireFormat of [WireFormat.json, WireFormat.ssz]) {
      for (const blockId of [BLOB_SLOT, root]) {
        const res = await api.beacon.getBlobs({ blockId }, { responseWireFormat });
        assert.equal(res.status, 200);
        assert.equal(res.wireFormat(), responseWireFormat);
        assert.deepEqual(res.value(), blobs.slice(0, 3));
        assert.deepEqual(res.meta(), { executionOptimistic: false, finalized: false });
      }
    }
    const json = await fetch(`${server.url}/eth/v1/beacon/blobs/${BLOB_SLOT}`);
    const body = (await json.json()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(body), ["execution_optimistic", "finalized", "data"]);
    assert.deepEqual(body.data, blobs.slice(0, 3).map(hex));
    // A block without blobs, genesis included, has none; the source is not asked.
    const calls = blobCalls.length;
    for (const blockId of [40, "genesis"] as const) {
      const none = await api.beacon.getBlobs({ blockId });
      assert.deepEqual(none.value(), []);
    }
    const finalized = await api.beacon.getBlobs({ blockId: 32 });
    assert.equal(finalized.meta().finalized, true);
    assert.equal(blobCalls.length, calls);
  });

  test("versioned_hashes picks blobs, repeated or comma-separated, answered in block order", async () => {
    const [h0, h1, h2] = versionedHashes;
    const unknown = commitmentVersionedHash(new Uint8Array(48).fill(0xee));
    const data = async (query: string) => {
      const res = await fetch(`${server.url}/eth/v1/beacon/blobs/${BLOB_SLOT}?${query}`);
      assert.equal(res.status, 200, query);
      return ((await res.json()) as { data: string[] }).data;
    };
    const b = blobs.map(hex);
    assert.deepEqual(await data(`versioned_hashes=${h2}&versioned_hashes=${h0}`), [b[0], b[2]]);
    assert.deepEqual(await data(`versioned_hashes=${h2},${h0}`), [b[0], b[2]]);
    assert.deepEqual(await data(`versioned_hashes=${h1!.toUpperCase().replace("0X", "0x")}`), [b[1]]);
    assert.deepEqual(await data(`versioned_hashes=${unknown}&versioned_hashes=${h1}`), [b[1]]);
    // Nothing asked for is in the block: an empty list, the source not asked.
    const calls = blobCalls.length;
    assert.deepEqual(await data(`versioned_hashes=${unknown}`), []);
    assert.equal(blobCalls.length, calls);
    const viaClient = await api.beacon.getBlobs(
      { blockId: BLOB_SLOT, versionedHashes: [h1!, h0!] },
      { responseWireFormat: WireFormat.ssz },
    );
    assert.deepEqual(viaClient.value(), [blobs[0], blobs[1]]);
  });

  test("blobs: a malformed hash or block id is 400, an unknown block 404", async () => {
    const get = async (path: string) => {
      const res = await fetch(`${server.url}${path}`);
      return { status: res.status, body: (await res.json()) as { code: number; message: string } };
    };
    for (const path of [
      `/eth/v1/beacon/blobs/${BLOB_SLOT}?versioned_hashes=0x1234`,
      `/eth/v1/beacon/blobs/${BLOB_SLOT}?versioned_hashes=${versionedHashes[0]},zz`,
      "/eth/v1/beacon/blobs/current",
      "/eth/v1/beacon/blobs/0x12",
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(body.code, 400, path);
      assert.deepEqual(Object.keys(body), ["code", "message"], path);
    }
    assert.match(
      (await get(`/eth/v1/beacon/blobs/1?versioned_hashes=0x1234`)).body.message,
      /versioned hash/,
    );
    for (const path of [
      "/eth/v1/beacon/blobs/5",
      `/eth/v1/beacon/blobs/0x${"ab".repeat(32)}`,
      "/eth/v1/beacon/blobs/5000",
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.deepEqual(body, { code: 404, message: "Block not found" }, path);
    }
  });

  test("a blob source that fails or answers for another block is a 500; the server keeps serving", async () => {
    const throwing = await fetch(`${server.url}/eth/v1/beacon/blobs/${THROWING_SLOT}`);
    assert.equal(throwing.status, 500);
    assert.deepEqual(await throwing.json(), { code: 500, message: "Internal server error: anvil is down" });
    const mismatch = await fetch(`${server.url}/eth/v1/beacon/blobs/${MISMATCH_SLOT}`, {
      headers: { Accept: "application/octet-stream" },
    });
    assert.equal(mismatch.status, 500);
    assert.match(((await mismatch.json()) as { message: string }).message, /commitments are not the block's/);
    assert.equal((await api.beacon.getBlobs({ blockId: BLOB_SLOT })).status, 200);

    // Without a source: blocks without blobs still answer, blocks with blobs cannot.
    const bare = await createBeaconApiServer({ host: "127.0.0.1", port: 0 }, { chain, config });
    try {
      const res = await fetch(`${bare.url}/eth/v1/beacon/blobs/${BLOB_SLOT}`);
      assert.equal(res.status, 500);
      assert.equal(((await res.json()) as { code: number }).code, 500);
      const none = await fetch(`${bare.url}/eth/v1/beacon/blobs/40`);
      assert.equal(none.status, 200);
    } finally {
      await bare.close();
    }
  });

  test("a state fetched as SSZ proves a lookahead entry and its validator's pubkey (EIP-7917)", async () => {
    const anchorSlot = 40; // epoch 1: its lookahead holds epoch 2's proposers
    const res = await api.debug.getStateV2({ stateId: anchorSlot }, { responseWireFormat: WireFormat.ssz });
    assert.equal(res.wireFormat(), WireFormat.ssz);
    assert.equal(res.meta().version, "fulu");
    const state = ssz.fulu.BeaconState.deserializeToViewDU(res.ssz());
    const header = (await api.beacon.getBlockHeader({ blockId: anchorSlot })).value();
    assert.deepEqual(state.hashTreeRoot(), header.header.message.stateRoot);

    for (let slot = 65; slot < 3 * SLOTS_PER_EPOCH; slot++) {
      const index = slot - SLOTS_PER_EPOCH; // lookahead index of a slot of the next epoch
      const proof = proveLookaheadEntry(header.header.message, state, index);
      assert.ok(verifyLookaheadEntryProof(proof, header.root));
      assert.equal(proof.validatorIndex, chain.blockAtSlot(slot)!.header.proposerIndex);
      const pubkey = proveValidatorPubkey(header.header.message, state, proof.validatorIndex);
      assert.ok(verifyValidatorPubkeyProof(pubkey, header.root));
      assert.deepEqual(pubkey.pubkey, keys.pubkeys[proof.validatorIndex]);
    }

    const jsonState = await api.debug.getStateV2(
      { stateId: "head" },
      { responseWireFormat: WireFormat.json },
    );
    assert.equal(jsonState.wireFormat(), WireFormat.json);
    const value = jsonState.value() as ReturnType<typeof ssz.fulu.BeaconState.defaultValue>;
    assert.deepEqual(ssz.fulu.BeaconState.hashTreeRoot(value), chain.head.header.stateRoot);
  });

  test("proposer lookahead, state root, fork and finality checkpoints", async () => {
    for (const responseWireFormat of [WireFormat.json, WireFormat.ssz]) {
      const res = await api.beacon.getProposerLookahead({ stateId: "head" }, { responseWireFormat });
      assert.equal(res.wireFormat(), responseWireFormat);
      assert.equal(res.meta().version, "fulu");
      assert.deepEqual(res.value(), chain.head.state.proposerLookahead.getAll());
    }
    const root = (await api.beacon.getStateRoot({ stateId: "head" })).value();
    assert.deepEqual(root.root, chain.head.header.stateRoot);
    const byRoot = (await api.beacon.getStateRoot({ stateId: hex(root.root) })).value();
    assert.deepEqual(byRoot.root, root.root);
    const fork = (await api.beacon.getStateFork({ stateId: "head" })).value();
    assert.equal(hex(fork.currentVersion), DEVNET_FORK_VERSIONS.FULU_FORK_VERSION);
    const checkpoints = (await api.beacon.getStateFinalityCheckpoints({ stateId: "head" })).value();
    assert.deepEqual(checkpoints.finalized, chain.head.state.finalizedCheckpoint.toValue());
    assert.equal((await api.beacon.getStateRoot({ stateId: "finalized" })).ok, true);
    assert.equal((await api.beacon.getStateRoot({ stateId: "justified" })).ok, true);
  });

  test("validators by index, pubkey and status", async () => {
    const pubkey3 = hex(keys.pubkeys[3]!);
    const res = await api.beacon.getStateValidators({ stateId: "head", validatorIds: [0, pubkey3] });
    const found = res.value();
    assert.deepEqual(
      found.map((v) => v.index),
      [0, 3],
    );
    assert.equal(found[1]?.status, "active_ongoing");
    assert.deepEqual(found[1]?.validator.pubkey, keys.pubkeys[3]);
    assert.equal(found[1]?.balance, 32_000_000_000);
    assert.equal((await api.beacon.getStateValidators({ stateId: "head" })).value().length, 64);
    const active = await api.beacon.getStateValidators({ stateId: "head", statuses: ["active_ongoing"] });
    assert.equal(active.value().length, 64);
    // The general statuses ("active" covers active_*) are in the spec, not in the client's types.
    const general = await fetch(
      `${server.url}/eth/v1/beacon/states/head/validators?status=pending,active&id=1`,
    );
    assert.equal(((await general.json()) as { data: unknown[] }).data.length, 1);
    const exited = await api.beacon.getStateValidators({ stateId: "head", statuses: ["exited_unslashed"] });
    assert.equal(exited.value().length, 0);

    const one = (await api.beacon.getStateValidator({ stateId: "head", validatorId: pubkey3 })).value();
    assert.equal(one.index, 3);
    const five = (await api.beacon.getStateValidator({ stateId: 40, validatorId: 5 })).value();
    assert.deepEqual(five.validator.pubkey, keys.pubkeys[5]);
    assert.equal((await api.beacon.getStateValidator({ stateId: "head", validatorId: 64 })).status, 404);
  });

  test("malformed and unknown requests get the spec's error bodies", async () => {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetch(`${server.url}${path}`, { headers });
      return { status: res.status, body: (await res.json()) as { code: number; message: string } };
    };
    const unknown = await get("/eth/v1/nope");
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, 404);
    assert.equal(typeof unknown.body.message, "string");

    for (const path of [
      "/eth/v1/validator/duties/proposer/abc",
      "/eth/v1/validator/duties/proposer/-1",
      "/eth/v1/beacon/headers/abc",
      "/eth/v1/beacon/headers/0x1234",
      "/eth/v1/beacon/headers?slot=x",
      "/eth/v1/beacon/states/current/root",
      "/eth/v1/beacon/states/head/validators/0xzz",
      "/eth/v1/beacon/states/head/validators?status=sleeping",
      "/eth/v1/events?topics=head,bogus",
      "/eth/v1/events",
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 400, path);
      assert.equal(body.code, 400, path);
    }
    for (const path of [
      `/eth/v1/beacon/headers/0x${"ab".repeat(32)}`,
      "/eth/v1/beacon/blocks/5/root",
      "/eth/v1/beacon/states/5000/root",
      `/eth/v1/beacon/states/0x${"cd".repeat(32)}/fork`,
    ]) {
      const { status, body } = await get(path);
      assert.equal(status, 404, path);
      assert.deepEqual(Object.keys(body), ["code", "message"]);
    }
    const notAcceptable = await get("/eth/v2/beacon/blocks/head", { Accept: "text/html" });
    assert.equal(notAcceptable.status, 406);
    const post = await fetch(`${server.url}/eth/v1/beacon/genesis`, { method: "POST" });
    assert.equal(post.status, 405);
    assert.equal(((await post.json()) as { code: number }).code, 405);
  });

  test("a failing handler answers 500 and the server keeps serving", async () => {
    const broken = new Proxy(chain, {
      get(target, property) {
        if (property === "headSlot") throw new Error("boom");
        return Reflect.get(target, property, target);
      },
    });
    const other = await createBeaconApiServer({ host: "127.0.0.1", port: 0 }, { chain: broken, config });
    try {
      const res = await fetch(`${other.url}/eth/v1/node/syncing`);
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { code: 500, message: "Internal server error: boom" });
      assert.equal((await fetch(`${other.url}/eth/v1/beacon/genesis`)).status, 200);
    } finally {
      await other.close();
    }
  });

  // Mutates the chain: runs last.
  test("the event stream delivers head, block and chain_reorg events", async () => {
    const events: { type: string; message: Record<string, unknown> }[] = [];
    await api.events.eventstream({
      topics: [EventType.head, EventType.block, EventType.chainReorg],
      signal: abort.signal,
      onEvent: (event) => events.push(event as (typeof events)[number]),
    });
    // The stream connects asynchronously: produce blocks until one's head event arrives.
    let produced = chain.head;
    const headOf = (root: Uint8Array) =>
      events.find((e) => e.type === "head" && e.message.block === hex(root));
    for (let slot = chain.currentSlot + 1; !headOf(produced.root); slot++) {
      assert.ok(slot < LAST_SLOT + 20, "no head event received");
      produced = chain.produceBlock(slot, payload(slot));
      await waitFor(() => headOf(produced.root) !== undefined, "head event", 300).catch(() => {});
    }
    const head = headOf(produced.root)!.message;
    assert.equal(head.slot, produced.header.slot);
    assert.equal(head.state, hex(produced.header.stateRoot));
    assert.equal(head.executionOptimistic, false);
    const epoch = epochOfSlot(produced.header.slot);
    assert.equal(head.currentDutyDependentRoot, hex(rootAtOrBefore(chain, epoch * SLOTS_PER_EPOCH - 1)));
    assert.ok(events.some((e) => e.type === "block" && e.message.block === hex(produced.root)));

    const fresh = chain.replaceHead(payload(produced.header.slot, 0xdd));
    await waitFor(() => headOf(fresh.root) !== undefined, "head event after the reorg");
    const reorg = events.find((e) => e.type === "chain_reorg")?.message;
    assert.deepEqual(reorg, {
      slot: produced.header.slot,
      depth: 1,
      oldHeadBlock: hex(produced.root),
      newHeadBlock: hex(fresh.root),
      oldHeadState: hex(produced.header.stateRoot),
      newHeadState: hex(fresh.header.stateRoot),
      epoch,
      executionOptimistic: false,
    });
    // chain_reorg comes before the new head.
    assert.ok(events.findIndex((e) => e.type === "chain_reorg") < events.indexOf(headOf(fresh.root)!));
  });
});
