import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { Devnet, type SlotEvent } from "@baton/devnet";
import { BEACON_ROOTS_ADDRESS, silentLogger, slotStartTime } from "@baton/protocol";
import { createPublicClient, http, pad, toHex } from "viem";
import { processAlive } from "../support/processes.ts";

let devnet: Devnet;
const events: SlotEvent[] = [];

before(async () => {
  devnet = await Devnet.start(
    { secondsPerSlot: 1, l1Port: 0, beaconPort: 0, validators: 32 },
    { logger: silentLogger },
  );
  devnet.on("slot", (e) => events.push(e));
});

after(async () => {
  const pids = devnet?.childPids ?? [];
  await devnet?.stop();
  for (const pid of pids) assert.equal(processAlive(pid), false);
});

const client = () => createPublicClient({ transport: http(devnet.l1Url) });

test("a chosen slot is missed: no L1 block and no beacon block at it", async () => {
  const target = (events.at(-1)?.slot ?? 0) + 3;
  devnet.missSlot(target);
  await devnet.waitForSlot(target + 1);
  assert.equal(events.find((e) => e.slot === target)?.missed, "injected");
  assert.equal(devnet.chain.blockAtSlot(target), undefined);
  const block = await client().getBlock();
  assert.notEqual(Number(block.timestamp), slotStartTime(devnet.time, target));
});

test("the last L1 block is reorged: same slot and number, new hash and beacon root; the chain builds on it", async () => {
  await devnet.waitForSlot((events.at(-1)?.slot ?? 0) + 1);
  const reorgs: unknown[] = [];
  devnet.chain.on("chain_reorg", (e) => reorgs.push(e));
  const before = await client().getBlock();
  const { oldRoot, newRoot } = await devnet.reorgLastBlock();
  const afterReorg = await client().getBlock({ blockNumber: before.number });
  assert.equal(afterReorg.timestamp, before.timestamp);
  assert.notEqual(afterReorg.hash, before.hash);
  assert.notDeepEqual(newRoot, oldRoot);
  assert.deepEqual(devnet.chain.head.root, newRoot);
  assert.equal(reorgs.length, 1);
  assert.equal(devnet.summary().reorgs, 1);
  // The next block builds on the new block, and EIP-4788 holds the new beacon root for it.
  const headSlot = devnet.chain.headSlot;
  await devnet.waitForSlot(headSlot + 1);
  const next = await client().getBlock({ blockNumber: before.number + 1n });
  assert.equal(next.parentHash, afterReorg.hash);
  const root = await client().call({
    to: BEACON_ROOTS_ADDRESS,
    data: pad(toHex(next.timestamp), { size: 32 }),
  });
  assert.equal(root.data, toHex(newRoot));
  // EIP-2935: the next block stored the new block's hash, the new block its parent's.
  assert.equal(await devnet.l1.historicalBlockHash(Number(before.number)), afterReorg.hash);
  assert.equal(await devnet.l1.historicalBlockHash(Number(before.number) - 1), afterReorg.parentHash);
});

test("the Beacon API can be stopped and restarted on its port", async () => {
  const url = devnet.beaconApiUrl;
  await devnet.stopComponent("beacon-api");
  await assert.rejects(fetch(`${url}/eth/v1/beacon/genesis`));
  await devnet.startComponent("beacon-api");
  assert.equal(devnet.beaconApiUrl, url);
  const res = await fetch(`${url}/eth/v1/beacon/genesis`);
  assert.equal(res.status, 200);
});

test("the L1 node can be stopped (its slots are missed) and restarted with its chain", async () => {
  const before = await client().getBlock();
  await devnet.stopComponent("l1");
  const stoppedAt = events.at(-1)?.slot ?? 0;
  await devnet.waitForSlot(stoppedAt + 2);
  assert.ok(events.filter((e) => e.slot > stoppedAt).every((e) => e.missed === "l1-down"));
  await devnet.startComponent("l1");
  const restartedAt = events.at(-1)?.slot ?? 0;
  await devnet.waitForSlot(restartedAt + 2);
  const produced = events.filter((e) => e.slot > restartedAt && !e.missed);
  assert.ok(produced.length >= 1, "blocks resume after the restart");
  const next = await client().getBlock({ blockNumber: before.number + 1n });
  assert.equal(next.parentHash, before.hash, "the restarted node continues the same chain");
  // EIP-2935 kept its entries and goes on: the first block after the restart stored its parent's hash.
  assert.equal(await devnet.l1.historicalBlockHash(Number(before.number)), before.hash);
  assert.equal(await devnet.l1.historicalBlockHash(Number(before.number) - 1), before.parentHash);
});
