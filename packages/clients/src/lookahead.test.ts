import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lookaheadStoreAbi, registryAbi } from "@baton/contracts";
import { LookaheadError, pubkeyRoot, SLOTS_PER_EPOCH } from "@baton/protocol";
import {
  type Address,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeAbiParameters,
  encodeEventTopics,
  encodeFunctionResult,
  getAddress,
  type Hex,
  numberToHex,
  type PublicClient,
  toHex,
  zeroHash,
} from "viem";
import { TestBeaconClient } from "./beacon/testBeaconClient.ts";
import {
  type EpochLookahead,
  expectedLookahead,
  type LookaheadEntry,
  lookaheadHash,
  lookaheadWindow,
  postedLookahead,
} from "./lookahead.ts";

const GENESIS = 1_700_000_000;
const SECONDS_PER_SLOT = 12;
const EPOCH_SECONDS = SLOTS_PER_EPOCH * SECONDS_PER_SLOT;
const REGISTRY: Address = "0x00000000000000000000000000000000000000a1";
const STORE: Address = "0x00000000000000000000000000000000000000a2";
const GATEWAY_A: Address = getAddress("0x000000000000000000000000000000000000aaaa");
const GATEWAY_B: Address = getAddress("0x000000000000000000000000000000000000bbbb");

/** Deterministic distinct 48-byte "pubkeys" (the code under test only hashes them). */
const pubkeys = Array.from({ length: 16 }, (_, i) => new Uint8Array(48).fill(i + 1));
const registrationOf = (v: number) => toHex(pubkeyRoot(pubkeys[v]!));

/** A deterministic pseudo-random lookahead over 16 validators. */
function lookahead(seed: number): number[] {
  return Array.from({ length: 2 * SLOTS_PER_EPOCH }, (_, i) => (i * 7 + seed * 3) % 16);
}

const referenceTime = (epoch: number) => GENESIS + Math.max(epoch - 1, 0) * EPOCH_SECONDS;

interface FakeRegistration {
  optedInAt: number;
  committers: { committer: Address; effectiveAt: number }[];
}

interface FakeLog {
  eventName: "LookaheadPosted" | "LookaheadCorrected";
  epoch: number;
  entries: LookaheadEntry[];
  blockNumber: number;
}

/** An L1 JSON-RPC endpoint with a fake registry and lookahead store, enough for the code under test. */
function fakeL1(registrations: Map<Hex, FakeRegistration>, stored: Map<number, Hex>, logs: FakeLog[]) {
  const request = async ({ method, params }: { method: string; params?: unknown }) => {
    const args = params as unknown[];
    if (method === "eth_blockNumber") return numberToHex(100);
    if (method === "eth_call") {
      const { to, data } = args[0] as { to: Address; data: Hex };
      if (to === REGISTRY) {
        const call = decodeFunctionData({ abi: registryAbi, data });
        const at = Number(call.args?.[1] ?? 0n);
        const r = registrations.get(call.args?.[0] as Hex);
        switch (call.functionName) {
          case "referenceTime":
            return encodeFunctionResult({
              abi: registryAbi,
              functionName: "referenceTime",
              result: BigInt(referenceTime(Number(call.args[0]))),
            });
          case "isActiveAt":
            return encodeFunctionResult({
              abi: registryAbi,
              functionName: "isActiveAt",
              result: r !== undefined && r.optedInAt < at,
            });
          case "committerAt": {
            const change = r?.committers.filter((c) => c.effectiveAt < at).at(-1);
            return encodeFunctionResult({
              abi: registryAbi,
              functionName: "committerAt",
              result: change?.committer ?? "0x0000000000000000000000000000000000000000",
            });
          }
        }
      }
      if (to === STORE) {
        const call = decodeFunctionData({ abi: lookaheadStoreAbi, data });
        if (call.functionName === "epochRecord") {
          const hash = stored.get(Number(call.args[0])) ?? zeroHash;
          return encodeFunctionResult({
            abi: lookaheadStoreAbi,
            functionName: "epochRecord",
            result: { hash, poster: GATEWAY_A, postedAt: 0n, bond: 0n },
          });
        }
      }
      throw new Error(`unexpected call to ${to}`);
    }
    if (method === "eth_getLogs") {
      const filter = args[0] as { topics: (Hex | null)[] };
      return logs
        .map((log, i) => ({ log, i, encoded: encodeLog(log) }))
        .filter(
          ({ encoded }) => encoded.topics[0] === filter.topics[0] && encoded.topics[1] === filter.topics[1],
        )
        .map(({ log, i, encoded }) => ({
          address: STORE,
          topics: encoded.topics,
          data: encoded.data,
          blockNumber: numberToHex(log.blockNumber),
          blockHash: toHex(log.blockNumber, { size: 32 }),
          transactionHash: toHex(i + 1, { size: 32 }),
          transactionIndex: "0x0",
          logIndex: numberToHex(i),
          removed: false,
        }));
    }
    throw new Error(`unexpected method ${method}`);
  };
  return createPublicClient({ transport: custom({ request }) }) as PublicClient;
}

const ENTRIES = {
  type: "tuple[]",
  components: [
    { name: "slot", type: "uint64" },
    { name: "registration", type: "bytes32" },
    { name: "committer", type: "address" },
  ],
} as const;

function encodeLog(log: FakeLog): { topics: Hex[]; data: Hex } {
  const epoch = BigInt(log.epoch);
  if (log.eventName === "LookaheadPosted") {
    const topics = encodeEventTopics({
      abi: lookaheadStoreAbi,
      eventName: "LookaheadPosted",
      args: { epoch, poster: GATEWAY_A },
    }) as Hex[];
    return { topics, data: encodeAbiParameters([ENTRIES], [log.entries]) };
  }
  const topics = encodeEventTopics({
    abi: lookaheadStoreAbi,
    eventName: "LookaheadCorrected",
    args: { epoch, challenger: GATEWAY_B },
  }) as Hex[];
  const data = encodeAbiParameters(
    [{ type: "uint8" }, { type: "uint64" }, { type: "uint256" }, ENTRIES],
    [1, 0n, 0n, log.entries],
  );
  return { topics, data };
}

/** What `LookaheadStore.windowAt` returns, written as the contract reads: the reference for the helper. */
function contractWindow(slot: number, current: EpochLookahead, next: EpochLookahead) {
  const hit = current.entries.find((e) => e.slot >= BigInt(slot)) ?? next.entries[0];
  return hit ? { fallback: false, slot: Number(hit.slot), committer: hit.committer } : { fallback: true };
}

describe("expectedLookahead", () => {
  const registrations = new Map<Hex, FakeRegistration>([
    // Opted in before genesis with gateway A; switches to B, effective just after genesis (epoch 2 on).
    [
      registrationOf(1),
      {
        optedInAt: GENESIS - 10,
        committers: [
          { committer: GATEWAY_A, effectiveAt: GENESIS - 10 },
          { committer: GATEWAY_B, effectiveAt: GENESIS + 5 },
        ],
      },
    ],
    // Opted in exactly at genesis: not active for epochs 0 and 1 (strictly before), active for 2.
    [registrationOf(2), { optedInAt: GENESIS, committers: [{ committer: GATEWAY_A, effectiveAt: GENESIS }] }],
    [registrationOf(5), { optedInAt: GENESIS - 1, committers: [{ committer: GATEWAY_B, effectiveAt: 0 }] }],
  ]);
  const beacon = new TestBeaconClient({ genesisTime: GENESIS, secondsPerSlot: SECONDS_PER_SLOT, pubkeys });
  beacon.setProposerLookahead("genesis", lookahead(1));
  beacon.setProposerLookahead(SLOTS_PER_EPOCH, lookahead(2));
  beacon.setProposerLookahead(2 * SLOTS_PER_EPOCH, lookahead(3));
  const deps = { beacon, client: fakeL1(registrations, new Map(), []), registry: REGISTRY };

  /** The list written out from the rules, independently of the code under test. */
  function reference(epoch: number, proposers: number[]): LookaheadEntry[] {
    const at = referenceTime(epoch);
    return proposers.flatMap((v, i) => {
      const r = registrations.get(registrationOf(v));
      if (!r || !(r.optedInAt < at)) return [];
      const committer = r.committers.filter((c) => c.effectiveAt < at).at(-1)!.committer;
      return [{ slot: BigInt(epoch * SLOTS_PER_EPOCH + i), registration: registrationOf(v), committer }];
    });
  }

  test("epochs 0 and 1 come from the genesis state, later epochs from a state of the epoch before", async () => {
    const cases: [number, number[]][] = [
      [0, lookahead(1).slice(0, 32)],
      [1, lookahead(1).slice(32)],
      [2, lookahead(2).slice(32)],
      [3, lookahead(3).slice(32)],
    ];
    for (const [epoch, proposers] of cases) {
      const list = await expectedLookahead(epoch, deps);
      assert.equal(list.epoch, epoch);
      assert.deepEqual(list.entries, reference(epoch, proposers), `epoch ${epoch}`);
    }
    // Registration 2 (opted in at genesis) counts from epoch 2; registration 1 changes committer.
    const epoch2 = await expectedLookahead(2, deps);
    const of = (list: EpochLookahead, v: number) =>
      list.entries.filter((e) => e.registration === registrationOf(v));
    assert.ok(of(epoch2, 2).length > 0, "registration 2 is in epoch 2");
    assert.ok(of(epoch2, 1).length > 0, "registration 1 is in epoch 2");
    assert.ok(
      of(epoch2, 1).every((e) => e.committer === GATEWAY_B),
      "with its new committer",
    );
    const epoch1 = await expectedLookahead(1, deps);
    assert.equal(of(epoch1, 2).length, 0, "registration 2 is not in epoch 1");
    assert.ok(of(epoch1, 1).length > 0, "registration 1 is in epoch 1");
    assert.ok(
      of(epoch1, 1).every((e) => e.committer === GATEWAY_A),
      "with its first committer",
    );
  });

  test("a state of the epoch itself may be named; one too old or too new is refused", async () => {
    beacon.setProposerLookahead(
      2 * SLOTS_PER_EPOCH + 5,
      lookahead(2).slice(32).concat(lookahead(4).slice(0, 32)),
    );
    const fromOwnEpoch = await expectedLookahead(2, deps, { stateSlot: 2 * SLOTS_PER_EPOCH + 5 });
    assert.deepEqual(fromOwnEpoch, await expectedLookahead(2, deps));
    await assert.rejects(expectedLookahead(3, deps, { stateSlot: 0 }), LookaheadError);
    await assert.rejects(expectedLookahead(1, deps, { stateSlot: 2 * SLOTS_PER_EPOCH }), LookaheadError);
    await assert.rejects(expectedLookahead(-1, deps), RangeError);
  });
});

describe("postedLookahead", () => {
  const list = (epoch: number, slots: number[]): LookaheadEntry[] =>
    slots.map((s) => ({
      slot: BigInt(epoch * 32 + s),
      registration: registrationOf(s % 16),
      committer: GATEWAY_A,
    }));
  const postedList = list(4, [1, 5, 9]);
  const correctedList = list(4, [1, 9]);
  const logs: FakeLog[] = [
    { eventName: "LookaheadPosted", epoch: 4, entries: postedList, blockNumber: 10 },
    { eventName: "LookaheadPosted", epoch: 5, entries: list(5, [2]), blockNumber: 11 },
    { eventName: "LookaheadCorrected", epoch: 4, entries: correctedList, blockNumber: 12 },
    { eventName: "LookaheadPosted", epoch: 6, entries: list(6, [3]), blockNumber: 13 },
  ];
  const stored = new Map<number, Hex>([
    [4, lookaheadHash(correctedList)],
    [5, lookaheadHash(list(5, [2]))],
    [6, lookaheadHash(list(6, [4]))], // a hash no event holds
  ]);
  const deps = { client: fakeL1(new Map(), stored, logs), lookahead: STORE };

  test("the list is the event whose hash the store holds: a correction replaces the post", async () => {
    assert.deepEqual(await postedLookahead(4, deps), { epoch: 4, entries: correctedList });
    assert.deepEqual(await postedLookahead(5, deps), { epoch: 5, entries: list(5, [2]) });
  });

  test("nothing posted is undefined; a stored hash that no event holds is an error", async () => {
    assert.equal(await postedLookahead(7, deps), undefined);
    await assert.rejects(postedLookahead(6, deps), LookaheadError);
  });

  test("the hash is the store's keccak256(abi.encode(entries)); an empty list has a non-zero hash", () => {
    assert.notEqual(lookaheadHash([]), zeroHash);
    assert.notEqual(lookaheadHash(postedList), lookaheadHash(correctedList));
  });
});

describe("lookaheadWindow", () => {
  const entry = (slot: number, committer: Address = GATEWAY_A): LookaheadEntry => ({
    slot: BigInt(slot),
    registration: registrationOf(slot % 16),
    committer,
  });
  const epochList = (epoch: number, offsets: number[]): EpochLookahead => ({
    epoch,
    entries: offsets.map((o) => entry(epoch * 32 + o, o % 2 === 0 ? GATEWAY_A : GATEWAY_B)),
  });

  test("matches the store's windowAt for every slot of many lists", () => {
    for (let seed = 0; seed < 40; seed++) {
      const offsets = (n: number) =>
        [...new Set(Array.from({ length: n }, (_, i) => (i * 11 + seed * 5) % 32))].sort((a, b) => a - b);
      const current = epochList(3, offsets(seed % 6));
      const next = epochList(4, offsets((seed * 7) % 4));
      for (let slot = 96; slot < 128; slot++) {
        const window = lookaheadWindow(slot, { current, next });
        const expected = contractWindow(slot, current, next);
        if (expected.fallback) {
          assert.equal(window.kind, "fallback", `seed ${seed} slot ${slot}`);
        } else {
          assert.equal(window.kind, "sequencer", `seed ${seed} slot ${slot}`);
          if (window.kind !== "sequencer") continue;
          assert.equal(window.lastSlot, expected.slot);
          assert.equal(window.committer, expected.committer);
          assert.ok(window.firstSlot <= slot && slot <= window.lastSlot);
        }
      }
    }
  });

  test("the window is (t_prev, t]; with the previous list it reaches back into it", () => {
    const previous = epochList(2, [30]);
    const current = epochList(3, [4, 10]);
    const next = epochList(4, [1]);
    assert.deepEqual(lookaheadWindow(96, { current, next }), {
      kind: "sequencer",
      firstSlot: 96,
      lastSlot: 100,
      registration: entry(100).registration,
      committer: GATEWAY_A,
    });
    assert.equal(lookaheadWindow(96, { previous, current, next }).firstSlot, 95);
    const w = lookaheadWindow(101, { current, next });
    assert.equal(w.kind === "sequencer" && [w.firstSlot, w.lastSlot].join(), "101,106");
    // After the epoch's last sequencer: the next epoch's first.
    const late = lookaheadWindow(120, { current, next });
    assert.equal(
      late.kind === "sequencer" && [late.firstSlot, late.lastSlot, late.committer].join(),
      `107,129,${GATEWAY_B}`,
    );
  });

  test("fallback needs the next list; the next list is needed only past the epoch's last sequencer", () => {
    const current = epochList(3, [4]);
    assert.equal(lookaheadWindow(100, { current }).kind, "sequencer");
    assert.throws(() => lookaheadWindow(101, { current }), LookaheadError);
    assert.deepEqual(lookaheadWindow(101, { current, next: epochList(4, []) }), {
      kind: "fallback",
      firstSlot: 101,
      lastKnownSlot: 159,
    });
  });

  test("lists of the wrong epoch or out of order are refused", () => {
    const current = epochList(3, [4]);
    assert.throws(() => lookaheadWindow(90, { current }), LookaheadError);
    assert.throws(() => lookaheadWindow(100, { current, next: epochList(5, []) }), LookaheadError);
    assert.throws(() => lookaheadWindow(100, { current, previous: epochList(1, []) }), LookaheadError);
    const unsorted = { epoch: 3, entries: [entry(110), entry(100)] };
    assert.throws(() => lookaheadWindow(100, { current: unsorted }), LookaheadError);
    const outside = { epoch: 3, entries: [entry(200)] };
    assert.throws(() => lookaheadWindow(100, { current: outside }), LookaheadError);
  });
});
