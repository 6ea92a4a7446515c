// The whole L1 protocol cycle on the devnet, with the devnet's validator BLS keys and real EIP-7917
// proofs: register -> opt in -> post a lookahead -> challenge a wrong one -> propose batches for two
// rollups in one transaction -> force-include -> slash an equivocation and a liveness fault.
import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  deployProtocol,
  g1ToEip2537,
  g2ToEip2537,
  inboxAbi,
  lookaheadStoreAbi,
  type ProtocolAddresses,
  protocolParameters,
  registryAbi,
  slasherAbi,
} from "@baton/contracts";
import { Devnet, interopKeys } from "@baton/devnet";
import {
  type Batch,
  type BatonDomain,
  batonDomain,
  type Commitment,
  CommitmentKind,
  hashBatch,
  proveProposer,
  pubkeyRoot,
  signBatch,
  signCommitment,
  silentLogger,
  slotStartTime,
  txRoot,
} from "@baton/protocol";
import { ssz } from "@lodestar/types";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  encodeAbiParameters,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  parseEther,
  toHex,
  zeroHash,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";

// anvil's default dev accounts (public test keys).
const DEPLOYER_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const WATCHER_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const USER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
// Gateway (committer) keys: they only sign.
const GATEWAY_KEYS = [
  "0x1111111111111111111111111111111111111111111111111111111111111111",
  "0x2222222222222222222222222222222222222222222222222222222222222222",
] as const;

const VALIDATORS = 64;
const SEQUENCERS = Array.from({ length: 32 }, (_, i) => 2 * i); // even validators opt in
const ROLLUP_A = 167_001n;
const ROLLUP_B = 167_002n;
const EPOCH = 2; // the epoch whose lookahead the test posts, challenges and slashes on
const COLLATERAL = parseEther("2");

// A type alias, not an interface: viem's ABI inference accepts only structurally closed types here.
type Entry = { slot: bigint; registration: Hex; committer: Hex };

let devnet: Devnet;
let client: PublicClient;
let contracts: ProtocolAddresses;
let domain: BatonDomain;
const deployer = privateKeyToAccount(DEPLOYER_KEY);
const watcher = privateKeyToAccount(WATCHER_KEY);
const user = privateKeyToAccount(USER_KEY);
const gateways = GATEWAY_KEYS.map((k) => privateKeyToAccount(k));
const keys = interopKeys(VALIDATORS);
const registrationOf = (v: number) => toHex(pubkeyRoot(keys.pubkeys[v]!));
const committerKeyOf = (v: number) => GATEWAY_KEYS[(v / 2) % 2]!;
const committerOf = (v: number) => gateways[(v / 2) % 2]!.address;

const params = (genesisTime: number) =>
  protocolParameters(BigInt(genesisTime), 1n, {
    minCollateral: parseEther("1"),
    lookaheadChallengeWindow: 8n,
  });

function wallet(key: Hex) {
  return createWalletClient({ account: privateKeyToAccount(key), transport: http(devnet.l1Url) });
}

async function mined(hash: Hex) {
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
  assert.equal(receipt.status, "success", `transaction ${hash}`);
  return receipt;
}

/** What the registry owes `account` (slashing payouts not yet withdrawn). */
function registryOwes(account: Hex) {
  return client.readContract({
    address: contracts.registry,
    abi: registryAbi,
    functionName: "withdrawable",
    args: [account],
  });
}

/** The custom error a call reverts with, decoded from the ABI alone. */
async function revertName(call: () => Promise<unknown>): Promise<string | undefined> {
  try {
    await call();
  } catch (err) {
    if (err instanceof BaseError) {
      const reverted = err.walk((e) => e instanceof ContractFunctionRevertedError);
      if (reverted instanceof ContractFunctionRevertedError) return reverted.data?.errorName;
    }
    throw err;
  }
  return undefined;
}

/** Header and SSZ post-state of the block at `slot`, from the Beacon API. */
async function beaconBlock(slot: number) {
  const base = devnet.beaconApiUrl;
  const headerRes = await fetch(`${base}/eth/v1/beacon/headers/${slot}`);
  assert.equal(headerRes.status, 200, `header ${slot}`);
  const headerJson = (await headerRes.json()) as { data: { header: { message: unknown } } };
  const header = ssz.phase0.BeaconBlockHeader.fromJson(headerJson.data.header.message);
  const stateRes = await fetch(`${base}/eth/v2/debug/beacon/states/${slot}`, {
    headers: { accept: "application/octet-stream" },
  });
  assert.equal(stateRes.status, 200, `state ${slot}`);
  const state = ssz.fulu.BeaconState.deserializeToViewDU(new Uint8Array(await stateRes.arrayBuffer()));
  return { header, state };
}

/** The true list of `epoch`: slots whose proposer opted in, from a state that covers the epoch. */
function trueList(lookahead: readonly number[], stateSlot: number, epoch: number): Entry[] {
  const first = Math.floor(stateSlot / 32) * 32;
  const list: Entry[] = [];
  for (let slot = epoch * 32; slot < (epoch + 1) * 32; slot++) {
    const v = lookahead[slot - first]!;
    if (SEQUENCERS.includes(v))
      list.push({ slot: BigInt(slot), registration: registrationOf(v), committer: committerOf(v) });
  }
  return list;
}

const batchFor = (
  chainId: bigint,
  targetSlot: bigint,
  txs: Hex[],
  data: Hex,
  number = 0n,
  parent: Hex = zeroHash,
  first = 0n,
  forcedUpTo = 0n,
): Batch => ({
  chainId,
  number,
  parentHash: parent,
  targetSlot,
  firstPosition: first,
  txCount: txs.length,
  txRoot: txRoot(txs),
  dataHash: keccak256(data),
  forcedUpTo,
});

const ordering = (targetSlot: bigint, position: bigint, txHash: Hex, chainId = ROLLUP_A): Commitment => ({
  targetSlot,
  chainId,
  kind: CommitmentKind.ordering,
  txHash,
  position,
  parent: zeroHash,
  postStateRoot: zeroHash,
  tip: parseEther("0.001"),
  livenessPenalty: parseEther("0.25"),
  insurance: parseEther("0.5"),
  beneficiary: user.address,
  requestHash: keccak256(txHash),
});

before(async () => {
  devnet = await Devnet.start(
    // Without the gateway: this test signs with the committer key itself.
    { validators: VALIDATORS, secondsPerSlot: 1, slots: 400, l1Port: 0, beaconPort: 0, gateway: false },
    { logger: silentLogger },
  );
  client = createPublicClient({ transport: http(devnet.l1Url) });
});

after(async () => {
  await devnet?.stop();
});

test("the protocol cycle runs on the devnet with real keys and proofs", { timeout: 240_000 }, async () => {
  const owner = wallet(DEPLOYER_KEY);
  const p = params(devnet.time.genesisTime);
  contracts = await deployProtocol(owner, client, p);
  domain = batonDomain(await client.getChainId(), contracts.slasher);

  // ---- register: every opted-in validator signs its proof of possession with blst -------------
  const message = await client.readContract({
    address: contracts.registry,
    abi: registryAbi,
    functionName: "registrationMessage",
    args: [deployer.address],
  });
  const registrations: Hex[] = [];
  for (const v of SEQUENCERS) {
    const signature = keys.secretKeys[v]!.sign(Buffer.from(message.slice(2), "hex")).toBytes();
    registrations.push(
      await owner.writeContract({
        address: contracts.registry,
        abi: registryAbi,
        functionName: "register",
        args: [toHex(g1ToEip2537(keys.pubkeys[v]!)), toHex(g2ToEip2537(signature)), deployer.address],
        value: COLLATERAL,
        chain: null,
      }),
    );
  }
  const registerGas = (await Promise.all(registrations.map(mined))).map((r) => r.gasUsed);
  // ---- opt in, naming a gateway; two rollups --------------------------------------------------
  const setup: Hex[] = [];
  for (const v of SEQUENCERS) {
    setup.push(
      await owner.writeContract({
        address: contracts.registry,
        abi: registryAbi,
        functionName: "optIn",
        args: [registrationOf(v), committerOf(v)],
        chain: null,
      }),
    );
  }
  for (const chainId of [ROLLUP_A, ROLLUP_B]) {
    setup.push(
      await owner.writeContract({
        address: contracts.inbox,
        abi: inboxAbi,
        functionName: "registerRollup",
        args: [chainId],
        chain: null,
      }),
    );
  }
  const setupReceipts = await Promise.all(setup.map(mined));
  const referenceTime = slotStartTime(devnet.time, (EPOCH - 1) * 32);
  const lastSetup = await client.getBlock({ blockNumber: setupReceipts.at(-1)!.blockNumber });
  assert.ok(Number(lastSetup.timestamp) < referenceTime, "set up before epoch 2's reference time");

  // ---- the lookahead of epoch 2, known once epoch 1 starts ------------------------------------
  await devnet.waitForSlot(EPOCH * 32 - 32 + 2);
  const anchorSlot = EPOCH * 32 - 32 + 1;
  const anchor = await beaconBlock(anchorSlot);
  const lookahead = Array.from({ length: 64 }, (_, i) => anchor.state.proposerLookahead.get(i));
  const list = trueList(lookahead, anchorSlot, EPOCH);
  assert.ok(list.length >= 4, `enough sequencer slots in epoch ${EPOCH}: ${list.length}`);
  // Windows used below: t1 for batches and an equivocation, t2 (missed) for a liveness fault.
  const firstSlot = BigInt(EPOCH * 32);
  // t1's window must leave a slot for the proposing transaction after the previous window ends.
  const t1Index = list.findIndex(
    (e, i) => i > 0 && list[i - 1]!.slot > firstSlot && e.slot - list[i - 1]!.slot >= 3n,
  );
  assert.ok(t1Index > 0, "a window of at least three slots in the epoch");
  const t1Entry = list[t1Index]!;
  const tPrev = list[t1Index - 1]!.slot;
  const t2Entry = list.find((e) => e.slot > t1Entry.slot + 2n && e.registration !== t1Entry.registration)!;
  assert.ok(t1Entry && t2Entry, "two distinct windows");
  devnet.missSlot(Number(t2Entry.slot));
  // A wrong list: one sequencer left out (neither t1 nor t2).
  const omitted = list.find((e) => e !== t1Entry && e !== t2Entry)!;
  const wrong = list.filter((e) => e !== omitted);
  await mined(
    await owner.writeContract({
      address: contracts.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "post",
      args: [BigInt(EPOCH), wrong],
      value: p.postingBond,
      chain: null,
    }),
  );

  // ---- challenge it with a real EIP-7917 proof against the EIP-4788 root ----------------------
  const proof = proveProposer(anchor.header, anchor.state, Number(omitted.slot));
  const beaconTimestamp = BigInt(slotStartTime(devnet.time, anchorSlot + 1));
  const onchainRoot = await client.call({
    to: "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02",
    data: toHex(beaconTimestamp, { size: 32 }),
  });
  assert.equal(onchainRoot.data, toHex(proof.blockRoot), "EIP-4788 holds the anchor block's root");
  const challengeReceipt = await mined(
    await wallet(WATCHER_KEY).writeContract({
      address: contracts.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "challengeMissingSequencer",
      args: [
        BigInt(EPOCH),
        wrong,
        omitted.slot,
        {
          beaconTimestamp,
          beaconSlot: BigInt(proof.beaconSlot),
          slotProof: proof.slotProof.map((b) => toHex(b)),
          lookaheadChunk: toHex(proof.lookaheadChunk),
          lookaheadProof: proof.lookaheadProof.map((b) => toHex(b)),
          validatorIndex: BigInt(proof.validatorIndex),
          pubkeyRoot: toHex(proof.pubkeyRoot),
          pubkeyProof: proof.pubkeyProof.map((b) => toHex(b)),
        },
      ],
      chain: null,
    }),
  );
  const record = await client.readContract({
    address: contracts.lookahead,
    abi: lookaheadStoreAbi,
    functionName: "epochRecord",
    args: [BigInt(EPOCH)],
  });
  const listHash = keccak256(
    encodeAbiParameters(
      [
        {
          type: "tuple[]",
          components: [
            { name: "slot", type: "uint64" },
            { name: "registration", type: "bytes32" },
            { name: "committer", type: "address" },
          ],
        },
      ],
      [list],
    ),
  );
  assert.equal(record.hash, listHash, "the corrected list is the true list");
  assert.equal(
    await client.readContract({
      address: contracts.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "withdrawable",
      args: [watcher.address],
    }),
    p.postingBond,
    "the challenger earned the bond",
  );

  // ---- force-include a rollup A transaction (due after two epochs and four slots) -------------
  const forcedTx = await privateKeyToAccount(USER_KEY).signTransaction({
    chainId: Number(ROLLUP_A),
    type: "eip1559",
    to: watcher.address,
    value: 1n,
    nonce: 0,
    gas: 21_000n,
    maxFeePerGas: 10n ** 9n,
    maxPriorityFeePerGas: 1n,
  });
  await mined(
    await wallet(USER_KEY).writeContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "forceInclude",
      args: [ROLLUP_A, forcedTx],
      value: parseEther("0.01"),
      chain: null,
    }),
  );
  const forcedDueAt = (
    await client.readContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "forcedInclusion",
      args: [ROLLUP_A, 0n],
    })
  ).dueAt;

  // ---- next epoch's list, so windows at the end of epoch 2 resolve ----------------------------
  await devnet.waitForSlot(EPOCH * 32 + 1);
  const anchor2 = await beaconBlock(EPOCH * 32);
  const lookahead2 = Array.from({ length: 64 }, (_, i) => anchor2.state.proposerLookahead.get(i));
  const list3 = trueList(lookahead2, EPOCH * 32, EPOCH + 1);
  await mined(
    await owner.writeContract({
      address: contracts.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "post",
      args: [BigInt(EPOCH + 1), list3],
      value: p.postingBond,
      chain: null,
    }),
  );

  // ---- batches for two rollups in one transaction, signed by t1's gateway ---------------------
  const t1Validator = SEQUENCERS.find((v) => registrationOf(v) === t1Entry.registration)!;
  const gatewayKey = committerKeyOf(t1Validator);
  const txsA = [keccak256("0xa1"), keccak256("0xa2")];
  const txsB = [keccak256("0xb1")];
  const batchA = batchFor(ROLLUP_A, t1Entry.slot, txsA, "0xaaaa");
  const batchB = batchFor(ROLLUP_B, t1Entry.slot, txsB, "0xbbbb");
  const inputs = [
    {
      batch: batchA,
      signature: await signBatch(gatewayKey, domain, batchA),
      data: "0xaaaa" as Hex,
      blobIndices: [],
    },
    {
      batch: batchB,
      signature: await signBatch(gatewayKey, domain, batchB),
      data: "0xbbbb" as Hex,
      blobIndices: [],
    },
  ];
  await devnet.waitForSlot(Number(tPrev));
  const head = (await client.getBlock()).timestamp;
  assert.ok(head < BigInt(slotStartTime(devnet.time, Number(t1Entry.slot))), "still inside t1's window");
  // Someone else's signature is refused, decoded from the ABI.
  const forged = [{ ...inputs[0]!, signature: await signBatch(WATCHER_KEY, domain, batchA) }];
  assert.equal(
    await revertName(() =>
      client.simulateContract({
        address: contracts.inbox,
        abi: inboxAbi,
        functionName: "propose",
        args: [forged, list, list3],
        account: watcher.address,
      }),
    ),
    "NotWindowCommitter",
  );
  const proposeReceipt = await mined(
    await wallet(WATCHER_KEY).writeContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "propose",
      args: [inputs, list, list3],
      // Estimation would run at the head block's timestamp, a slot before the block that includes it.
      gas: 2_000_000n,
      chain: null,
    }),
  );
  const logs = proposeReceipt.logs.filter((l) => l.address.toLowerCase() === contracts.inbox.toLowerCase());
  assert.equal(logs.length, 2, "one BatchProposed per rollup, in one transaction");
  for (const [chainId, batch] of [
    [ROLLUP_A, batchA],
    [ROLLUP_B, batchB],
  ] as const) {
    const state = await client.readContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "rollup",
      args: [chainId],
    });
    assert.equal(state.lastBatchHash, hashBatch(batch), `rollup ${chainId} head`);
  }

  // ---- the forced inclusion falls due: skipping it is refused, consuming it pays the settler --
  const dueSlot = Math.ceil((Number(forcedDueAt) - devnet.time.genesisTime) / devnet.time.secondsPerSlot);
  await devnet.waitForSlot(dueSlot + 1);
  const settledNext = async (forcedUpTo: bigint) => {
    const slotNow =
      Math.floor((Date.now() / 1000 - devnet.time.genesisTime) / devnet.time.secondsPerSlot) + 1;
    const window = await client.readContract({
      address: contracts.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "windowAt",
      args: [
        BigInt(slotNow),
        slotNow < (EPOCH + 1) * 32 ? list : list3,
        slotNow < (EPOCH + 1) * 32 ? list3 : [],
      ],
    });
    const txs = forcedUpTo > 0n ? [keccak256(forcedTx), keccak256("0xa3")] : [keccak256("0xa3")];
    const batch = batchFor(
      ROLLUP_A,
      window.sequencerSlot,
      txs,
      "0xaa03",
      1n,
      hashBatch(batchA),
      2n,
      forcedUpTo,
    );
    const v = SEQUENCERS.find((s) => registrationOf(s) === window.registration)!;
    return {
      batch,
      signature: await signBatch(committerKeyOf(v), domain, batch),
      data: "0xaa03" as Hex,
      blobIndices: [],
    };
  };
  const epochLists = () => {
    const slotNow =
      Math.floor((Date.now() / 1000 - devnet.time.genesisTime) / devnet.time.secondsPerSlot) + 1;
    const none: Entry[] = [];
    return slotNow < (EPOCH + 1) * 32 ? ([list, list3] as const) : ([list3, none] as const);
  };
  assert.equal(
    await revertName(async () =>
      client.simulateContract({
        address: contracts.inbox,
        abi: inboxAbi,
        functionName: "propose",
        args: [[await settledNext(0n)], ...(await epochLists())],
        account: watcher.address,
      }),
    ),
    "ForcedInclusionDue",
  );
  await mined(
    await wallet(WATCHER_KEY).writeContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "propose",
      args: [[await settledNext(1n)], ...(await epochLists())],
      gas: 2_000_000n,
      chain: null,
    }),
  );
  assert.equal(
    await client.readContract({
      address: contracts.inbox,
      abi: inboxAbi,
      functionName: "withdrawable",
      args: [watcher.address],
    }),
    parseEther("0.01"),
    "the forced inclusion's fee went to the settler",
  );

  // ---- once epoch 2's list is final: slash an equivocation and a liveness fault ---------------
  const finalAt = await client.readContract({
    address: contracts.lookahead,
    abi: lookaheadStoreAbi,
    functionName: "finalAt",
    args: [BigInt(EPOCH)],
  });
  await devnet.waitForSlot(
    Math.ceil((Number(finalAt) - devnet.time.genesisTime) / devnet.time.secondsPerSlot) + 1,
  );
  const window = (entry: Entry) => ({
    epoch: BigInt(EPOCH),
    entries: list,
    index: BigInt(list.indexOf(entry)),
  });
  const c1 = ordering(t1Entry.slot, 5n, keccak256("0x01"), ROLLUP_B);
  const c2 = ordering(t1Entry.slot, 5n, keccak256("0x02"), ROLLUP_B);
  const before1 = await client.readContract({
    address: contracts.registry,
    abi: registryAbi,
    functionName: "registrationOf",
    args: [t1Entry.registration],
  });
  assert.equal(before1.collateral, COLLATERAL);
  await mined(
    await wallet(WATCHER_KEY).writeContract({
      address: contracts.slasher,
      abi: slasherAbi,
      functionName: "slashConflictingCommitments",
      args: [
        { commitment: c1, signature: await signCommitment(gatewayKey, domain, c1) },
        { commitment: c2, signature: await signCommitment(gatewayKey, domain, c2) },
        window(t1Entry),
      ],
      chain: null,
    }),
  );
  const after1 = await client.readContract({
    address: contracts.registry,
    abi: registryAbi,
    functionName: "registrationOf",
    args: [t1Entry.registration],
  });
  assert.equal(after1.collateral, 0n, "equivocation takes the whole collateral");
  // 2 ETH: the user's 0.5 + 0.5 insurance, then 10% of the 1 ETH left to the watcher, 0.9 burned.
  assert.equal(await registryOwes(user.address), parseEther("1"));
  assert.equal(await registryOwes(watcher.address), parseEther("0.1"));
  assert.equal(
    await client.readContract({ address: contracts.registry, abi: registryAbi, functionName: "burned" }),
    parseEther("0.9"),
  );

  // Liveness: t2 was missed, and its promise of a position rollup B never reached is unkept.
  const t2Validator = SEQUENCERS.find((v) => registrationOf(v) === t2Entry.registration)!;
  const c3 = ordering(t2Entry.slot, 1_000n, keccak256("0x03"), ROLLUP_B);
  assert.equal(
    await client.readContract({
      address: contracts.slasher,
      abi: slasherAbi,
      functionName: "slotProducedBlock",
      args: [t2Entry.slot],
    }),
    false,
  );
  const emptyBatch = batchFor(ROLLUP_B, 0n, [], "0x");
  await mined(
    await wallet(WATCHER_KEY).writeContract({
      address: contracts.slasher,
      abi: slasherAbi,
      functionName: "slashBrokenOrdering",
      args: [
        { commitment: c3, signature: await signCommitment(committerKeyOf(t2Validator), domain, c3) },
        window(t2Entry),
        emptyBatch,
        { index: 0n, leaf: zeroHash, proof: [] },
        true,
      ],
      chain: null,
    }),
  );
  const after2 = await client.readContract({
    address: contracts.registry,
    abi: registryAbi,
    functionName: "registrationOf",
    args: [t2Entry.registration],
  });
  assert.equal(after2.collateral, COLLATERAL - parseEther("0.25"), "liveness pays the penalty only");
  assert.equal(await registryOwes(user.address), parseEther("1.25"));
  // The same evidence twice is refused.
  assert.equal(
    await revertName(async () =>
      client.simulateContract({
        address: contracts.slasher,
        abi: slasherAbi,
        functionName: "slashBrokenOrdering",
        args: [
          { commitment: c3, signature: await signCommitment(committerKeyOf(t2Validator), domain, c3) },
          window(t2Entry),
          emptyBatch,
          { index: 0n, leaf: zeroHash, proof: [] },
          true,
        ],
        account: watcher.address,
      }),
    ),
    "EvidenceUsed",
  );
  // Keep the measured costs visible in the test log.
  const registerMedian = registerGas.sort((a, b) => Number(a - b))[Math.floor(registerGas.length / 2)];
  console.log(
    `# register gas (median, tx): ${registerMedian}; challenge gas: ${challengeReceipt.gasUsed}; propose 2 rollups gas: ${proposeReceipt.gasUsed}`,
  );
});
