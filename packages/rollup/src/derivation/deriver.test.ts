import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { createEthereumjsEngine, type ExecutionEngine } from "@baton/execution";
import { bundleHash, encodeBlobData, fastKeccak256, silentLogger } from "@baton/protocol";
import type { Hex } from "viem";
import { buildBlock, genesisBlock } from "../chain/blockBuilder.ts";
import type { RollupBlock } from "../chain/types.ts";
import { RollupError } from "../errors.ts";
import { type BlockPlan, Deriver, encodeDeposit } from "./deriver.ts";
import type { QueuedDeposit } from "./inputs.ts";
import { ALICE, BatchMaker, CAROL, l1Block, proposeEvents, testConfig, transfer } from "./testInputs.ts";

const A = 901n;
const B = 902n;
const OTHER_KEY: Hex = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const constants = { baseFeePerGas: 1_000_000_000n, gasLimit: 30_000_000n };

async function engineFor(chainId: bigint): Promise<ExecutionEngine> {
  return createEthereumjsEngine({
    chainId,
    alloc: { [ALICE.address]: { balance: 10n ** 20n } },
    gasLimit: constants.gasLimit,
    baseFeePerGas: constants.baseFeePerGas,
  });
}

/** Executes plans in order from the genesis; returns the blocks. */
async function execute(
  chainId: bigint,
  plans: readonly BlockPlan[],
): Promise<{ blocks: RollupBlock[]; engine: ExecutionEngine }> {
  const engine = await engineFor(chainId);
  let parent = genesisBlock(await engine.stateRoot(), 0n, constants);
  const blocks: RollupBlock[] = [];
  for (const plan of plans) {
    const built = await buildBlock(engine, parent, plan, constants);
    blocks.push(built.block);
    parent = built.block;
  }
  return { blocks, engine };
}

describe("derivation from crafted inbox events", () => {
  it("turns accepted batches into one block each, in order, with the window's committer as coinbase", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const maker = new BatchMaker(A);
    const first = await maker.cut(
      [
        { tx: await transfer(A, 0), bundle: null },
        { tx: await transfer(A, 1), bundle: null },
      ],
      10n,
    );
    const second = await maker.cut([{ tx: await transfer(A, 2), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([first], { windowSlot: 10n }) }),
    );
    await deriver.addL1Block(
      l1Block(config, 101n, 10n, { batches: proposeEvents([second], { windowSlot: 10n }) }),
    );
    const plans = deriver.takeReady();
    assert.deepEqual(
      plans.map((p) => [p.number, p.items.length, p.timestamp]),
      [
        [1n, 2, config.genesisTime + 10n * 12n],
        [2n, 1, config.genesisTime + 10n * 12n],
      ],
    );
    const { blocks, engine } = await execute(A, plans);
    assert.equal(blocks[1]?.parentHash, blocks[0]?.hash);
    assert.equal((await engine.account(CAROL)).balance, 3n);
    assert.equal(blocks[0]?.coinbase, "0x70997970c51812dc3a010c7d01b50e0d17dc79c8");
    assert.equal(blocks[0]?.extraData, first.hash);
  });

  it("rejects a batch whose signature is not the window committer's, and everything chained on it", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const forged = new BatchMaker(A);
    const bad = await forged.cut([{ tx: await transfer(A, 0), bundle: null }], 10n, { key: OTHER_KEY });
    const onBad = await forged.cut([{ tx: await transfer(A, 1), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([bad, onBad], { windowSlot: 10n }) }),
    );
    assert.equal(deriver.takeReady().length, 0);
    // The honest batch 0 is still accepted afterwards.
    const honest = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 101n, 9n, { batches: proposeEvents([honest], { windowSlot: 10n }) }),
    );
    assert.deepEqual(
      deriver.takeReady().map((p) => p.batchHash),
      [honest.hash],
    );
  });

  it("rejects a broken chain: wrong parent, wrong number, wrong position, tampered hash", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const maker = new BatchMaker(A);
    const b0 = await maker.cut([{ tx: await transfer(A, 0), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: 10n }) }),
    );
    const skip = new BatchMaker(A);
    skip.number = 2n; // a gap
    skip.parent = b0.hash;
    skip.position = 1n;
    const gap = await skip.cut([{ tx: await transfer(A, 1), bundle: null }], 10n);
    const wrongParent = new BatchMaker(A);
    wrongParent.number = 1n;
    wrongParent.position = 1n;
    const orphan = await wrongParent.cut([{ tx: await transfer(A, 1), bundle: null }], 10n);
    const events = proposeEvents([gap, orphan], { windowSlot: 10n });
    const tampered = { ...events[0], batchHash: fastKeccak256("0x01") } as (typeof events)[number];
    await deriver.addL1Block(l1Block(config, 101n, 9n, { batches: [...events, tampered] }));
    assert.deepEqual(
      deriver.takeReady().map((p) => p.number),
      [1n],
    );
  });

  it("follows the inbox for a batch not carried by a direct propose call: no data, fees to the proposer", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const b0 = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, {
        batches: proposeEvents([b0], { windowSlot: 10n, to: "0x00000000000000000000000000000000000000ee" }),
      }),
    );
    const [plan] = deriver.takeReady();
    assert.equal(plan?.batchHash, b0.hash);
    assert.equal(plan?.items.length, 0);
    assert.deepEqual(
      plan?.skipped.map((s) => s.reason),
      ["DATA_UNUSABLE"],
    );
    assert.equal(plan?.coinbase, "0x00000000000000000000000000000000000000d0");
  });

  it("starts a rollup's inactivity clock at its registration", async () => {
    // maxInactivity 100 s; an unsigned batch in a window at slot 20 (genesis + 240 s) is accepted
    // only if the rollup has been inactive that long: not when it registered at slot 15.
    const config = testConfig(A, { maxInactivity: 100n });
    const unsigned = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 0n, {
      key: null,
    });
    const events = proposeEvents([unsigned], { windowSlot: 30n, sequenced: false });
    const sequencedCount = async (registeredAtSlot: bigint | null) => {
      const deriver = new Deriver(config, silentLogger);
      if (registeredAtSlot !== null)
        await deriver.addL1Block({ ...l1Block(config, 5n, registeredAtSlot), registrations: [A] });
      await deriver.addL1Block(l1Block(config, 100n, 20n, { batches: events }));
      return deriver.takeReady().length;
    };
    assert.equal(await sequencedCount(null), 1); // inactive since the genesis: permissionless
    assert.equal(await sequencedCount(15n), 0); // registered 60 s before: the window's committer must sign
  });

  it("skips undecodable and invalid transactions inside a batch, the same way every time", async () => {
    const config = testConfig(A);
    const maker = new BatchMaker(A);
    const entries = [
      { tx: await transfer(A, 0), bundle: null },
      { tx: "0x02c0" as Hex, bundle: null }, // undecodable
      { tx: await transfer(A, 5), bundle: null }, // nonce gap
      { tx: await transfer(B, 1), bundle: null }, // another chain
      { tx: await transfer(A, 1), bundle: null },
    ];
    const b0 = await maker.cut(entries, 10n);
    const roots: Hex[] = [];
    for (let run = 0; run < 2; run++) {
      const deriver = new Deriver(config, silentLogger);
      await deriver.addL1Block(
        l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: 10n }) }),
      );
      const plans = deriver.takeReady();
      const engine = await engineFor(A);
      const built = await buildBlock(
        engine,
        genesisBlock(await engine.stateRoot(), 0n, constants),
        plans[0] as BlockPlan,
        constants,
      );
      assert.deepEqual(
        built.refused.map((r) => [r.position, r.code]),
        [
          [1n, "EXECUTION_UNDECODABLE_TX"],
          [2n, "EXECUTION_NONCE_TOO_HIGH"],
          [3n, "EXECUTION_WRONG_CHAIN_ID"],
        ],
      );
      assert.equal(built.block.transactions.length, 2);
      roots.push(built.block.stateRoot);
    }
    assert.equal(roots[0], roots[1]);
  });

  it("treats data that does not match the batch (count, txRoot, undecodable) as unusable: no transactions", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const maker = new BatchMaker(A);
    const b0 = await maker.cut([{ tx: await transfer(A, 0), bundle: null }], 10n, { txCount: 2 });
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: 10n }) }),
    );
    const [plan] = deriver.takeReady();
    assert.equal(plan?.items.length, 0);
    assert.deepEqual(
      plan?.skipped.map((s) => s.reason),
      ["DATA_UNUSABLE", "DATA_UNUSABLE"],
    );
  });

  it("reads a blob batch's data from its blobs, alongside a calldata batch in the same propose", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const maker = new BatchMaker(A);
    const inCalldata = await maker.cut([{ tx: await transfer(A, 0), bundle: null }], 10n);
    const inBlobs = await maker.cut(
      [
        { tx: await transfer(A, 1), bundle: null },
        { tx: await transfer(A, 2), bundle: null },
      ],
      10n,
      { blobs: true },
    );
    const events = proposeEvents([inCalldata, inBlobs], { windowSlot: 10n });
    assert.deepEqual(events[1]?.blobHashes, inBlobs.blobHashes);
    await deriver.addL1Block(l1Block(config, 100n, 9n, { batches: events }));
    const plans = deriver.takeReady();
    assert.deepEqual(
      plans.map((p) => [p.number, p.items.length, p.skipped.length]),
      [
        [1n, 1, 0],
        [2n, 2, 0],
      ],
    );
    const { engine } = await execute(A, plans);
    assert.equal((await engine.account(CAROL)).balance, 3n);
  });

  it("treats blobs that do not decode as unusable data, and refuses to derive a blob batch without its blobs", async () => {
    const config = testConfig(A);
    const maker = new BatchMaker(A);
    const entries = [{ tx: await transfer(A, 0), bundle: null }];
    // Canonical blobs of other data with a stray byte past its end: real blobs, no usable data.
    const [blob] = encodeBlobData("0x01");
    assert.ok(blob);
    blob[1000] = 1;
    const malformed = await maker.cut(entries, 10n, { blobs: [blob] });
    const deriver = new Deriver(config, silentLogger);
    const events = proposeEvents([malformed], { windowSlot: 10n });
    assert.equal(events[0]?.blobData, null);
    await deriver.addL1Block(l1Block(config, 100n, 9n, { batches: events }));
    const [plan] = deriver.takeReady();
    assert.equal(plan?.items.length, 0);
    assert.deepEqual(
      plan?.skipped.map((s) => s.reason),
      ["DATA_UNUSABLE"],
    );

    const unread = await new BatchMaker(A).cut(entries, 10n, { blobs: true });
    const [event] = proposeEvents([unread], { windowSlot: 10n });
    assert.ok(event);
    const { blobData: _dropped, ...withoutBlobs } = event;
    await assert.rejects(
      new Deriver(config, silentLogger).addL1Block(l1Block(config, 100n, 9n, { batches: [withoutBlobs] })),
      (error: unknown) => error instanceof RollupError && error.code === "BLOB_UNAVAILABLE",
    );
  });

  it("puts due forced inclusions first, from the queue, and consumes each once", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const forcedTx = await transfer(A, 0, 7n);
    const forced = { chainId: A, index: 0n, txHash: fastKeccak256(forcedTx), dueAt: 0n, rawTx: forcedTx };
    await deriver.addL1Block(l1Block(config, 99n, 8n, { forced: [forced] }));
    const maker = new BatchMaker(A);
    const b0 = await maker.cut(
      [
        { tx: forcedTx, bundle: null },
        { tx: await transfer(A, 1), bundle: null },
      ],
      10n,
      { forced: 1 },
    );
    const b1 = await maker.cut([{ tx: await transfer(A, 2), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0, b1], { windowSlot: 10n }) }),
    );
    const plans = deriver.takeReady();
    assert.deepEqual(
      plans.map((p) => p.items.map((i) => (i.kind === "tx" ? [i.position, i.forced] : null))),
      [
        [
          [0n, true],
          [1n, false],
        ],
        [[2n, false]],
      ],
    );
    const { engine } = await execute(A, plans);
    assert.equal((await engine.account(CAROL)).balance, 9n);
  });

  it("refuses a batch that claims forced inclusions that were never queued", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const b0 = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 10n, { forced: 1 });
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: 10n }) }),
    );
    assert.equal(deriver.takeReady().length, 0);
  });

  it("mints a genuine deposit and skips a forged 0x7e forced inclusion", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const genuine: QueuedDeposit = {
      chainId: A,
      forcedIndex: 0n,
      depositNonce: 0n,
      from: ALICE.address,
      to: CAROL,
      value: 5n,
    };
    const genuineRaw = encodeDeposit(genuine);
    const forgedRaw = encodeDeposit({ ...genuine, forcedIndex: 1n, depositNonce: 1n, value: 10n ** 24n });
    await deriver.addL1Block(
      l1Block(config, 99n, 8n, {
        forced: [
          { chainId: A, index: 0n, txHash: fastKeccak256(genuineRaw), dueAt: 0n, rawTx: genuineRaw },
          { chainId: A, index: 1n, txHash: fastKeccak256(forgedRaw), dueAt: 0n, rawTx: forgedRaw },
        ],
        deposits: [genuine], // the bridge emitted only the first
      }),
    );
    const b0 = await new BatchMaker(A).cut(
      [
        { tx: genuineRaw, bundle: null },
        { tx: forgedRaw, bundle: null },
      ],
      10n,
      { forced: 2 },
    );
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: 10n }) }),
    );
    const [plan] = deriver.takeReady();
    assert.deepEqual(
      plan?.items.map((i) => i.kind),
      ["deposit"],
    );
    assert.deepEqual(plan?.skipped, [{ position: 1n, reason: "DEPOSIT_NOT_GENUINE" }]);
  });

  it("keeps a complete cross-rollup bundle and drops a partial one on every rollup, once the window is over", async () => {
    const configA = testConfig(A);
    const configB = testConfig(B);
    const txA = await transfer(A, 0);
    const txB = await transfer(B, 0);
    const txA2 = await transfer(A, 1);
    const complete = bundleHash([
      { chainId: A, txHash: fastKeccak256(txA) },
      { chainId: B, txHash: fastKeccak256(txB) },
    ]);
    // The second bundle's B leg is withheld: only its A leg is settled.
    const partial = bundleHash([
      { chainId: B, txHash: fastKeccak256(await transfer(B, 1)) },
      { chainId: A, txHash: fastKeccak256(txA2) },
    ]);
    const batchA = await new BatchMaker(A).cut(
      [
        { tx: txA, bundle: complete },
        { tx: txA2, bundle: partial },
      ],
      10n,
    );
    const batchB = await new BatchMaker(B).cut([{ tx: txB, bundle: complete }], 10n);
    const events = proposeEvents([batchA, batchB], { windowSlot: 10n });
    const planned = new Map<bigint, BlockPlan[]>();
    for (const config of [configA, configB]) {
      const deriver = new Deriver(config, silentLogger);
      await deriver.addL1Block(l1Block(config, 100n, 9n, { batches: events }));
      // The window (slot 10) can still take batches: nothing with bundle members is planned yet.
      await deriver.addL1Block(l1Block(config, 101n, 10n));
      assert.equal(deriver.takeReady().length, 0);
      deriver.advance(config.genesisTime + 11n * 12n);
      planned.set(config.chainId, deriver.takeReady());
    }
    const planA = planned.get(A)?.[0];
    const planB = planned.get(B)?.[0];
    assert.deepEqual(
      planA?.items.map((i) => i.raw),
      [txA],
    );
    assert.deepEqual(planA?.skipped, [{ position: 1n, reason: "BUNDLE_INCOMPLETE" }]);
    assert.deepEqual(
      planB?.items.map((i) => i.raw),
      [txB],
    );
  });

  it("drops bundle members from unsigned (fallback) batches", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const tx = await transfer(A, 0);
    const b0 = await new BatchMaker(A).cut([{ tx, bundle: fastKeccak256("0x99") }], 0n, { key: null });
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, { batches: proposeEvents([b0], { windowSlot: null }) }),
    );
    const [plan] = deriver.takeReady();
    assert.equal(plan?.sequenced, false);
    assert.equal(plan?.coinbase, "0x00000000000000000000000000000000000000d0");
    assert.deepEqual(
      plan?.skipped.map((s) => s.reason),
      ["BUNDLE_INCOMPLETE"],
    );
  });

  it("rejects an event that claims to be sequenced in fallback, or unsigned in a window", async () => {
    const config = testConfig(A);
    const deriver = new Deriver(config, silentLogger);
    const unsigned = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 10n, {
      key: null,
    });
    await deriver.addL1Block(
      l1Block(config, 100n, 9n, {
        batches: proposeEvents([unsigned], { windowSlot: 10n, sequenced: false }),
      }),
    );
    const signed = await new BatchMaker(A).cut([{ tx: await transfer(A, 0), bundle: null }], 10n);
    await deriver.addL1Block(
      l1Block(config, 101n, 9n, { batches: proposeEvents([signed], { windowSlot: null, sequenced: true }) }),
    );
    assert.equal(deriver.takeReady().length, 0);
  });
});
