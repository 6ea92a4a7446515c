// Pending blocks from the gateway's published batches: built on the derived head in order, extended
// as batches arrive, rebuilt on a new head, and a settled batch that differs from the published one
// recorded as broken.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import type { StreamMessageJson } from "@baton/clients";
import { batchToJson, silentLogger } from "@baton/protocol";
import type { Hex } from "viem";
import { genesisBlock } from "./chain/blockBuilder.ts";
import {
  ALICE,
  BatchMaker,
  CAROL,
  type CutBatch,
  TEST_COMMITTER,
  TEST_SLASHER,
  testConfig,
  transfer,
} from "./derivation/testInputs.ts";
import { PendingChain } from "./pending.ts";
import { openState } from "./state.ts";

const CHAIN = 901n;
const constants = { baseFeePerGas: 1_000_000_000n, gasLimit: 30_000_000n };
const config = testConfig(CHAIN);
const dirs: string[] = [];
after(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function message(sequence: number, cut: CutBatch): StreamMessageJson {
  return {
    type: "batch",
    sequence: String(sequence),
    data: {
      batch: batchToJson(cut.batch),
      hash: cut.hash,
      signature: cut.signature,
      data: cut.data,
      sequence: String(sequence),
      l1Transaction: null,
    },
  };
}

describe("pending blocks", () => {
  it("builds published batches on the head, extends them, and records a batch L1 settled differently", async () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-pending-"));
    dirs.push(dir);
    const state = await openState(
      {
        chainId: CHAIN,
        alloc: { [ALICE.address]: { balance: 10n ** 20n } },
        gasLimit: constants.gasLimit,
        baseFeePerGas: constants.baseFeePerGas,
      },
      dir,
    );
    try {
      let arrivals = 0;
      const pending = new PendingChain(
        {
          chainId: CHAIN,
          l1ChainId: config.l1ChainId,
          slasher: TEST_SLASHER,
          genesisTime: config.genesisTime,
          secondsPerSlot: config.secondsPerSlot,
          constants,
          deposit: () => null,
        },
        silentLogger,
        () => arrivals++,
      );
      const genesis = genesisBlock(state.genesisRoot, config.genesisTime, constants);
      const maker = new BatchMaker(CHAIN);
      const b0 = await maker.cut([{ tx: await transfer(CHAIN, 0), bundle: null }], 10n);
      const b1 = await maker.cut([{ tx: await transfer(CHAIN, 1), bundle: null }], 10n);
      let resets = 0;
      const reset = async () => {
        resets++;
        await state.reset(genesis.stateRoot);
      };
      pending.receive(message(1, b0));
      // Another rollup's batch and a commitment are not this rollup's pending blocks.
      pending.receive(message(2, { ...(await new BatchMaker(902n).cut([], 10n)) }));
      await pending.rebuild(genesis, () => null, state, reset);
      assert.deepEqual(
        pending.blocks.map((b) => [b.block.number, b.block.pending, b.block.coinbase]),
        [[1n, true, TEST_COMMITTER.toLowerCase()]],
      );
      pending.receive(message(3, b1));
      await pending.rebuild(genesis, () => null, state, reset);
      assert.deepEqual(
        pending.blocks.map((b) => b.block.number),
        [1n, 2n],
      );
      assert.equal(resets, 1, "a new batch on the same head extends the pending blocks");
      assert.equal(arrivals, 2);
      assert.equal((await state.engine.account(CAROL)).balance, 2n);
      assert.equal(pending.receipt(pending.blocks[1]?.block.transactions[0] as Hex)?.status, "success");

      // L1 settles another batch 0: the published one is a broken promise, and b1 (chained on it) is no longer pending.
      const other = await new BatchMaker(CHAIN).cut(
        [
          { tx: await transfer(CHAIN, 0), bundle: null },
          { tx: await transfer(CHAIN, 1), bundle: null },
        ],
        10n,
      );
      const head = { ...genesis, number: 1n, hash: `0x${"ab".repeat(32)}` as Hex, extraData: other.hash };
      await pending.rebuild(head, (n) => (n === 0n ? other.hash : null), state, reset);
      assert.deepEqual(pending.broken, [{ number: 0n, published: b0.hash, settled: other.hash }]);
      assert.equal(pending.blocks.length, 0);
      assert.equal(resets, 2);
    } finally {
      await state.close();
    }
  });
});
