// The devnet runs the Baton protocol from slot 1: contracts deployed, sequencers registered and opted
// in before genesis, rollups registered, every epoch's lookahead posted in time; the `@baton/clients`
// view of the lists and windows matches what L1 decides, and a committer-signed batch settles in
// epoch 0.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  type EpochLookahead,
  expectedLookahead,
  HttpBeaconClient,
  type LookaheadEntry,
  lookaheadWindow,
  postedLookahead,
} from "@baton/clients";
import { inboxAbi, lookaheadStoreAbi, registryAbi } from "@baton/contracts";
import { ANVIL_DEV_KEYS, Devnet, interopKeys, SEQUENCER_COLLATERAL } from "@baton/devnet";
import {
  type Batch,
  batonDomain,
  epochOfSlot,
  hashBatch,
  pubkeyRoot,
  SLOTS_PER_EPOCH,
  signBatch,
  silentLogger,
  slotStartTime,
  txRoot,
} from "@baton/protocol";
import {
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseEther,
  toHex,
  zeroHash,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

const VALIDATORS = 64;
const INCLUDER_KEY = ANVIL_DEV_KEYS[2]; // the devnet leaves key 2 free
const ROLLUP = 167_001n;

let devnet: Devnet;
let client: PublicClient;
let beacon: HttpBeaconClient;
let startSeconds: number;
const keys = interopKeys(VALIDATORS);
const registrationOf = (v: number) => toHex(pubkeyRoot(keys.pubkeys[v]!));

before(async () => {
  const t0 = performance.now();
  // Without the gateway: these tests settle their own batches.
  devnet = await Devnet.start(
    { secondsPerSlot: 1, l1Port: 0, beaconPort: 0, gateway: false },
    { logger: silentLogger },
  );
  startSeconds = (performance.now() - t0) / 1000;
  client = createPublicClient({ transport: http(devnet.l1Url) });
  beacon = new HttpBeaconClient({ baseUrl: devnet.beaconApiUrl });
});

after(async () => {
  await devnet?.stop();
});

const lookaheadDeps = () => ({ client, lookahead: devnet.protocol!.lookahead });

async function posted(epoch: number): Promise<EpochLookahead> {
  const list = await postedLookahead(epoch, lookaheadDeps());
  assert.ok(list, `epoch ${epoch}'s list is posted`);
  return list;
}

/** `LookaheadStore.windowAt` with the posted lists. */
function windowAt(slot: number, current: EpochLookahead, next: EpochLookahead) {
  return client.readContract({
    address: devnet.protocol!.lookahead,
    abi: lookaheadStoreAbi,
    functionName: "windowAt",
    args: [BigInt(slot), current.entries, next.entries],
  });
}

function nextSlotEvent(): Promise<number> {
  return new Promise((resolve) => devnet.once("slot", (event) => resolve(event.slot)));
}

// First: it needs a window of epoch 0 that is still ahead.
test("a batch signed by the committer for its window's target slot settles in epoch 0", async () => {
  await devnet.waitForSlot(1);
  const [list0, list1] = [await posted(0), await posted(1)];
  // A slot s whose next two slots share a sequencer window: the transaction sent now lands in s + 1
  // (or, if late, s + 2) and either way inside the window.
  let slot = await nextSlotEvent();
  let window = lookaheadWindow(slot + 1, { current: list0, next: list1 });
  while (window.kind !== "sequencer" || window.lastSlot < slot + 2) {
    assert.ok(slot < SLOTS_PER_EPOCH - 4, "a window of two slots or more in epoch 0");
    slot = await nextSlotEvent();
    window = lookaheadWindow(slot + 1, { current: list0, next: list1 });
  }
  const onChain = await windowAt(slot + 1, list0, list1);
  assert.deepEqual(onChain, {
    fallbackMode: false,
    sequencerSlot: BigInt(window.lastSlot),
    registration: window.registration,
    committer: window.committer,
  });
  assert.equal(window.committer, devnet.committer);

  const txs = [keccak256("0x01"), keccak256("0x02")];
  const data: Hex = "0xbeef";
  const batch: Batch = {
    chainId: ROLLUP,
    number: 0n,
    parentHash: zeroHash,
    targetSlot: BigInt(window.lastSlot),
    firstPosition: 0n,
    txCount: txs.length,
    txRoot: txRoot(txs),
    dataHash: keccak256(data),
    forcedUpTo: 0n,
  };
  const domain = batonDomain(devnet.l1ChainId, devnet.protocol!.slasher);
  const signature = await signBatch(devnet.accounts.committer.privateKey!, domain, batch);
  const includer = createWalletClient({
    account: privateKeyToAccount(INCLUDER_KEY),
    transport: http(devnet.l1Url),
  });
  const hash = await includer.writeContract({
    address: devnet.protocol!.inbox,
    abi: inboxAbi,
    functionName: "propose",
    args: [[{ batch, signature, data, blobIndices: [] }], list0.entries, list1.entries],
    // Estimation would run at the latest block's time, a slot before the block that includes it.
    gas: 1_000_000n,
    chain: null,
  });
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
  assert.equal(receipt.status, "success");
  const block = await client.getBlock({ blockNumber: receipt.blockNumber });
  const settledSlot = (Number(block.timestamp) - devnet.time.genesisTime) / devnet.time.secondsPerSlot;
  assert.ok(settledSlot >= window.firstSlot && settledSlot <= window.lastSlot, "settled inside the window");
  const settlement = await client.readContract({
    address: devnet.protocol!.inbox,
    abi: inboxAbi,
    functionName: "settlement",
    args: [hashBatch(batch)],
  });
  assert.deepEqual(settlement, { slot: BigInt(settledSlot), sequenced: true });
});

test("the contracts are deployed and the sequencers registered and opted in before genesis", async () => {
  const protocol = devnet.protocol!;
  const { bridges, ...contracts } = protocol;
  // One bridge per rollup, beside the protocol's contracts.
  assert.deepEqual(Object.keys(bridges), devnet.rollups.map(String));
  for (const address of [...Object.values(contracts), ...Object.values(bridges)]) {
    assert.ok(((await client.getCode({ address })) ?? "0x").length > 2, `code at ${address}`);
  }
  const genesis = BigInt(devnet.time.genesisTime);
  const sequencers = Array.from({ length: VALIDATORS / 2 }, (_, i) => 2 * i); // the default
  assert.deepEqual(
    devnet.bootstrap!.sequencers.map((s) => s.validatorIndex),
    sequencers,
  );
  for (let v = 0; v < VALIDATORS; v++) {
    const registration = await client.readContract({
      address: protocol.registry,
      abi: registryAbi,
      functionName: "registrationOf",
      args: [registrationOf(v)],
    });
    if (!sequencers.includes(v)) {
      assert.equal(registration.registeredAt, 0n, `validator ${v} is not registered`);
      continue;
    }
    assert.ok(registration.optedInAt > 0n && registration.optedInAt < genesis, `validator ${v} opted in`);
    assert.equal(registration.collateral, SEQUENCER_COLLATERAL);
    const read = { address: protocol.registry, abi: registryAbi } as const;
    const args = [registrationOf(v), genesis] as const;
    assert.equal(await client.readContract({ ...read, functionName: "isActiveAt", args }), true);
    assert.equal(await client.readContract({ ...read, functionName: "committerAt", args }), devnet.committer);
  }
  assert.equal(
    await client.readContract({
      address: protocol.registry,
      abi: registryAbi,
      functionName: "minCollateral",
    }),
    parseEther("1"),
  );
  for (const chainId of devnet.rollups) {
    const rollup = await client.readContract({
      address: protocol.inbox,
      abi: inboxAbi,
      functionName: "rollup",
      args: [chainId],
    });
    assert.equal(rollup.registered, true, `rollup ${chainId}`);
  }
  assert.deepEqual(devnet.rollups, [167_001n, 167_002n]);
  assert.equal(devnet.committer, devnet.accounts.committer.address);
  assert.equal(devnet.accounts.committer.address, privateKeyToAccount(ANVIL_DEV_KEYS[1]).address);

  // Epochs 0 and 1 are the first transactions of slot 1's block.
  const slot1 = devnet.chain.blockAtSlot(1)!.signedBlock.message.body.executionPayload;
  const block1 = await client.getBlock({ blockNumber: BigInt(slot1.blockNumber), includeTransactions: true });
  assert.equal(Number(block1.timestamp), slotStartTime(devnet.time, 1));
  for (const [i, epoch] of [0n, 1n].entries()) {
    const tx = block1.transactions[i]!;
    assert.equal(getAddress(tx.from), devnet.accounts.poster.address);
    assert.equal(tx.to && getAddress(tx.to), protocol.lookahead);
    const record = await client.readContract({
      address: protocol.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "epochRecord",
      args: [epoch],
    });
    assert.equal(getAddress(record.poster), devnet.accounts.poster.address);
  }
  const summary = devnet.summary().protocol;
  assert.ok(summary);
  assert.deepEqual(
    { ...summary, bootstrapMs: 0, postedEpochs: 0 },
    {
      ...protocol,
      rollups: [167_001, 167_002],
      committer: devnet.committer,
      sequencers: VALIDATORS / 2,
      bootstrapBlocks: devnet.bootstrap!.blocks,
      bootstrapMs: 0,
      postedEpochs: 0,
    },
  );
  console.log(
    `# devnet start ${startSeconds.toFixed(2)} s, of which protocol bootstrap ${devnet.bootstrap!.durationMs} ms in ${devnet.bootstrap!.blocks} blocks before genesis (${VALIDATORS / 2} sequencers)`,
  );
});

test("the lists of epochs 0, 1 and 2 are the expected ones: the beacon proposers that are sequencers", async () => {
  await devnet.waitForSlot(2 * SLOTS_PER_EPOCH + 2); // epoch 2's list lands early in epoch 1
  const sequencers = new Set(devnet.bootstrap!.sequencers.map((s) => s.validatorIndex));
  for (let epoch = 0; epoch <= 2; epoch++) {
    const list = await posted(epoch);
    const expected = await expectedLookahead(epoch, { beacon, client, registry: devnet.protocol!.registry });
    assert.deepEqual(list, expected, `epoch ${epoch}: posted = expected`);
    // Independently: the chain's proposer duties, every sequencer active since genesis.
    const res = await fetch(`${devnet.beaconApiUrl}/eth/v1/validator/duties/proposer/${epoch}`);
    const duties = ((await res.json()) as { data: { slot: string; validator_index: string }[] }).data;
    const truth: LookaheadEntry[] = duties
      .filter((d) => sequencers.has(Number(d.validator_index)))
      .map((d) => ({
        slot: BigInt(d.slot),
        registration: registrationOf(Number(d.validator_index)),
        committer: devnet.committer!,
      }));
    assert.deepEqual(list.entries, truth, `epoch ${epoch}: posted = beacon proposers that are sequencers`);
    assert.ok(list.entries.length > 0, `epoch ${epoch} has sequencers`);
    // The blocks produced so far were proposed by the duties' validators.
    for (const duty of duties) {
      const header = await beacon.getHeader(Number(duty.slot));
      if (header && header.slot > 0) assert.equal(header.proposerIndex, Number(duty.validator_index));
    }
  }
});

test("LookaheadStore.windowAt with the posted lists equals the clients' window for every slot of epochs 0 and 1", async () => {
  const lists = [await posted(0), await posted(1), await posted(2)];
  for (let slot = 0; slot < 2 * SLOTS_PER_EPOCH; slot++) {
    const epoch = epochOfSlot(slot);
    const [current, next] = [lists[epoch]!, lists[epoch + 1]!];
    const window = lookaheadWindow(slot, { current, next });
    const onChain = await windowAt(slot, current, next);
    if (window.kind === "fallback") {
      assert.equal(onChain.fallbackMode, true, `slot ${slot}`);
    } else {
      assert.deepEqual(
        onChain,
        {
          fallbackMode: false,
          sequencerSlot: BigInt(window.lastSlot),
          registration: window.registration,
          committer: window.committer,
        },
        `slot ${slot}`,
      );
    }
  }
});

test("the Beacon client reads genesis, spec, headers and head events from the devnet", async () => {
  assert.equal((await beacon.getGenesis()).genesisTime, devnet.time.genesisTime);
  const spec = await beacon.getSpec();
  assert.equal(spec.secondsPerSlot, 1);
  assert.equal(spec.slotsPerEpoch, SLOTS_PER_EPOCH);
  const head = await beacon.getHeader("head");
  assert.ok(head && head.slot >= 2 * SLOTS_PER_EPOCH);
  assert.equal(head.root, toHex(devnet.chain.blockAtSlot(head.slot)!.root));
  assert.equal(await beacon.getHeader(`0x${"ab".repeat(32)}`), undefined);
  const lookahead = await beacon.getProposerLookahead(SLOTS_PER_EPOCH);
  assert.equal(lookahead.length, 2 * SLOTS_PER_EPOCH);
  const pubkeys = await beacon.getValidatorPubkeys("head", [3, 5]);
  assert.deepEqual(pubkeys.get(5), keys.pubkeys[5]);

  const abort = new AbortController();
  const heads: number[] = [];
  await beacon.subscribeHeads({ signal: abort.signal, onHead: (event) => heads.push(event.slot) });
  try {
    const deadline = Date.now() + 10_000;
    while (heads.length < 2) {
      assert.ok(Date.now() < deadline, "head events arrive");
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(heads[1], heads[0]! + 1);
  } finally {
    abort.abort();
  }
});
