// The node over a scripted L1 (a test double of the JSON-RPC source): blocks derived and committed,
// two nodes on the same L1 reach the same roots block by block, a restarted node goes on from its
// database, and an L1 reorg rolls back what was derived from the orphaned blocks.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { fastKeccak256, silentLogger } from "@baton/protocol";
import type { Hex } from "viem";
import type { L1BlockInputs } from "./derivation/inputs.ts";
import type { L1BlockRef, L1Source } from "./derivation/l1Source.ts";
import {
  ALICE,
  BatchMaker,
  CAROL,
  l1Block,
  proposeEvents,
  TEST_INBOX,
  TEST_SLASHER,
  testConfig,
  transfer,
} from "./derivation/testInputs.ts";
import { defaultRollupNodeOptions, RollupNode, type RollupNodeOptions } from "./node.ts";

const CHAIN = 901n;
const config = testConfig(CHAIN);

/** A scripted L1: blocks 0..n, some with inputs; `reorg` replaces blocks from a height on. */
class ScriptedL1 implements L1Source {
  blocks: L1BlockInputs[] = [];
  async chainId() {
    return config.l1ChainId;
  }
  async head(): Promise<L1BlockRef> {
    const last = this.blocks.at(-1) as L1BlockInputs;
    return { number: last.number, hash: last.hash, timestamp: last.timestamp };
  }
  async finalized() {
    return null;
  }
  async block(number: bigint): Promise<L1BlockRef | null> {
    const block = this.blocks[Number(number)];
    return block === undefined
      ? null
      : { number: block.number, hash: block.hash, timestamp: block.timestamp };
  }
  async inputs(from: bigint, to: bigint): Promise<L1BlockInputs[]> {
    return this.blocks.filter(
      (b) => b.number >= from && b.number <= to && (b.batches.length > 0 || b.forced.length > 0),
    );
  }
  close() {}
  /** Appends a block at slot `slot` with `inputs`; `salt` makes a fork's hashes differ. */
  push(slot: bigint, inputs: Parameters<typeof l1Block>[3] = {}, salt = ""): void {
    const number = BigInt(this.blocks.length);
    const block = l1Block(config, number, slot, inputs);
    const hash =
      salt === "" ? block.hash : fastKeccak256(`0x${Buffer.from(`${block.hash}${salt}`).toString("hex")}`);
    this.blocks.push({ ...block, hash, parentHash: this.blocks.at(-1)?.hash ?? block.parentHash });
  }
}

const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function options(): RollupNodeOptions {
  const dataDir = mkdtempSync(join(tmpdir(), "baton-rollup-node-"));
  dirs.push(dataDir);
  return {
    ...defaultRollupNodeOptions,
    genesis: {
      chainId: CHAIN,
      alloc: { [ALICE.address]: { balance: 10n ** 20n } },
      gasLimit: 30_000_000n,
      baseFeePerGas: 1_000_000_000n,
    },
    blockGasLimit: 30_000_000n,
    baseFeePerGas: 1_000_000_000n,
    l1RpcUrl: "http://127.0.0.1:1",
    contracts: { inbox: TEST_INBOX, slasher: TEST_SLASHER, bridge: null },
    genesisTime: Number(config.genesisTime),
    secondsPerSlot: Number(config.secondsPerSlot),
    maxInactivity: config.maxInactivity,
    l1BlockRange: 3n,
    dataDir,
  };
}

async function script(): Promise<ScriptedL1> {
  const l1 = new ScriptedL1();
  const maker = new BatchMaker(CHAIN);
  l1.push(1n);
  let nonce = 0;
  for (let i = 0; i < 6; i++) {
    const entries = [];
    for (let k = 0; k < 3; k++) entries.push({ tx: await transfer(CHAIN, nonce++), bundle: null });
    const batch = await maker.cut(entries, BigInt(10 + i));
    l1.push(BigInt(9 + i), { batches: proposeEvents([batch], { windowSlot: BigInt(10 + i) }) });
    l1.push(BigInt(9 + i) + 1n);
  }
  return l1;
}

async function syncAll(node: RollupNode, l1: ScriptedL1): Promise<void> {
  for (let i = 0; i < l1.blocks.length; i++) await node.sync();
}

describe("rollup node over a scripted L1", () => {
  it("derives every batch, and two nodes on the same L1 agree block by block", async () => {
    const l1 = await script();
    const a = await RollupNode.start(options(), { logger: silentLogger, l1, follow: false });
    const b = await RollupNode.start(options(), { logger: silentLogger, l1, follow: false });
    try {
      await syncAll(a, l1);
      await syncAll(b, l1);
      assert.equal(a.head.number, 6n);
      for (let n = 0n; n <= 6n; n++) {
        assert.equal(a.store.block(n)?.stateRoot, b.store.block(n)?.stateRoot, `block ${n}`);
        assert.equal(a.store.block(n)?.hash, b.store.block(n)?.hash, `block ${n}`);
      }
      assert.equal((await a.engine.account(CAROL)).balance, 18n);
      const receipt = a.store.receipt(a.store.block(3n)?.transactions[1] as Hex);
      assert.equal(receipt?.status, "success");
      assert.equal(receipt?.blockNumber, 3n);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("restarts from its database and goes on to the same roots as a node that never stopped", async () => {
    const l1 = await script();
    const full = l1.blocks;
    const o = options();
    l1.blocks = full.slice(0, 6);
    const first = await RollupNode.start(o, { logger: silentLogger, l1, follow: false });
    await syncAll(first, l1);
    const midHead = first.head;
    assert.ok(midHead.number > 0n && midHead.number < 6n);
    await first.close();
    l1.blocks = full;
    const again = await RollupNode.start(o, { logger: silentLogger, l1, follow: false });
    const witness = await RollupNode.start(options(), { logger: silentLogger, l1, follow: false });
    try {
      assert.equal(again.head.hash, midHead.hash);
      assert.equal(await again.engine.stateRoot(), midHead.stateRoot);
      await syncAll(again, l1);
      await syncAll(witness, l1);
      assert.equal(again.head.number, 6n);
      assert.equal(again.head.stateRoot, witness.head.stateRoot);
      assert.equal(again.head.hash, witness.head.hash);
    } finally {
      await again.close();
      await witness.close();
    }
  });

  it("a second node on the same database refuses to start", async () => {
    const l1 = await script();
    const o = options();
    const node = await RollupNode.start(o, { logger: silentLogger, l1, follow: false });
    try {
      await assert.rejects(RollupNode.start(o, { logger: silentLogger, l1, follow: false }), {
        code: "DATABASE_LOCKED",
      });
    } finally {
      await node.close();
    }
  });

  it("rolls back what was derived from reorged L1 blocks and derives the new branch", async () => {
    const l1 = await script();
    const node = await RollupNode.start(options(), { logger: silentLogger, l1, follow: false });
    try {
      await syncAll(node, l1);
      assert.equal(node.head.number, 6n);
      const rootAt4 = node.store.block(4n)?.stateRoot;
      // L1 replaces its blocks from 9 on (batches 4 and 5 orphaned); the new branch settles a different batch 4.
      l1.blocks = l1.blocks.slice(0, 9);
      const maker = new BatchMaker(CHAIN);
      maker.number = 4n;
      maker.parent = node.store.block(4n)?.extraData as Hex;
      maker.position = 12n;
      const other = await maker.cut([{ tx: await transfer(CHAIN, 12, 1000n), bundle: null }], 14n);
      l1.push(13n, { batches: proposeEvents([other], { windowSlot: 14n }) }, "fork");
      l1.push(14n, {}, "fork");
      await syncAll(node, l1);
      assert.equal(node.head.number, 5n);
      assert.equal(node.head.extraData, other.hash);
      assert.equal(node.store.block(4n)?.stateRoot, rootAt4);
      assert.equal(node.store.block(6n), null);
      assert.equal((await node.engine.account(CAROL)).balance, 12n + 1000n);
      // A fresh node on the new branch agrees.
      const witness = await RollupNode.start(options(), { logger: silentLogger, l1, follow: false });
      await syncAll(witness, l1);
      assert.equal(witness.head.stateRoot, node.head.stateRoot);
      await witness.close();
    } finally {
      await node.close();
    }
  });
});
