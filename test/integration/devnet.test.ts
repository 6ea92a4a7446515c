import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import {
  beaconProofVerifierAbi,
  beaconProofVerifierBytecode,
  transactionInclusionVerifierAbi,
  transactionInclusionVerifierBytecode,
} from "@baton/contracts";
import { Devnet, type SlotEvent } from "@baton/devnet";
import {
  BEACON_ROOTS_ADDRESS,
  proveLookaheadEntry,
  proveValidatorPubkey,
  silentLogger,
  slotStartTime,
  verifyLookaheadEntryProof,
  verifyValidatorPubkeyProof,
} from "@baton/protocol";
import { ssz } from "@lodestar/types";
import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createWalletClient,
  getAddress,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  pad,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { processAlive } from "../support/processes.ts";

// anvil's first default dev account (a public test key).
const DEV_KEY = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const SLOTS = 64;
const MISSED = [7, 33];

let devnet: Devnet;
const events: SlotEvent[] = [];
let verifier: Hex;
let inclusionVerifier: Hex;
/** Transactions sent at start-up: both deployments and a transfer, in one block. */
const sent: Hex[] = [];

before(async () => {
  devnet = await Devnet.start(
    // Without the gateway: the blocks must hold only the devnet's own transactions.
    {
      validators: 64,
      secondsPerSlot: 1,
      slots: SLOTS,
      l1Port: 0,
      beaconPort: 0,
      missSlots: MISSED,
      gateway: false,
    },
    { logger: silentLogger },
  );
  devnet.on("slot", (e) => events.push(e));
  // Deploy the proof verifiers and send a transfer: the transactions wait in the pool for the next
  // slot's block.
  const wallet = createWalletClient({ account: privateKeyToAccount(DEV_KEY), transport: http(devnet.l1Url) });
  sent.push(
    await wallet.deployContract({
      abi: beaconProofVerifierAbi,
      bytecode: beaconProofVerifierBytecode,
      chain: null,
    }),
  );
  sent.push(
    await wallet.deployContract({
      abi: transactionInclusionVerifierAbi,
      bytecode: transactionInclusionVerifierBytecode,
      chain: null,
    }),
  );
  sent.push(
    await wallet.sendTransaction({
      to: "0x000000000000000000000000000000000000ba70",
      value: 1n,
      chain: null,
    }),
  );
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  const receipts = await Promise.all(
    sent.map((hash) => client.waitForTransactionReceipt({ hash, pollingInterval: 200 })),
  );
  for (const receipt of receipts) assert.equal(receipt.status, "success");
  verifier = receipts[0]!.contractAddress!;
  inclusionVerifier = receipts[1]!.contractAddress!;
  await devnet.done;
});

after(async () => {
  const pids = devnet?.childPids ?? [];
  await devnet?.stop();
  for (const pid of pids) assert.equal(processAlive(pid), false, `child ${pid} outlived the devnet`);
});

test("the devnet runs its slots: one block per non-missed slot, none for a missed one", () => {
  assert.deepEqual(devnet.summary().slots, SLOTS);
  assert.equal(devnet.summary().missedSlots, MISSED.length);
  assert.equal(devnet.summary().blocks, SLOTS - MISSED.length);
  assert.deepEqual(
    events.filter((e) => e.missed).map((e) => e.slot),
    MISSED,
  );
});

test("each L1 block sits at its slot's timestamp and carries its parent beacon root in EIP-4788", async () => {
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  const head = await client.getBlockNumber();
  // The beacon chain starts on the L1 head at genesis: the last block of the protocol's bootstrap,
  // whose blocks all come before genesis.
  const genesisBlock = BigInt(
    devnet.chain.genesisBlock.signedBlock.message.body.executionPayload.blockNumber,
  );
  assert.ok(genesisBlock > 0n, "bootstrap blocks before genesis");
  for (let n = 0n; n <= genesisBlock; n++) {
    const block = await client.getBlock({ blockNumber: n });
    assert.ok(Number(block.timestamp) < devnet.time.genesisTime, `block ${n} is before genesis`);
  }
  assert.equal(
    toHex(devnet.chain.genesisBlock.signedBlock.message.body.executionPayload.blockHash),
    (await client.getBlock({ blockNumber: genesisBlock })).hash,
  );
  assert.equal(Number(head - genesisBlock), SLOTS - MISSED.length);
  let expectedNumber = genesisBlock + 1n;
  const included: Hex[] = [];
  for (let slot = 1; slot <= SLOTS; slot++) {
    const beaconBlock = devnet.chain.blockAtSlot(slot);
    if (MISSED.includes(slot)) {
      assert.equal(beaconBlock, undefined, `slot ${slot} was missed`);
      continue;
    }
    assert.ok(beaconBlock, `beacon block at slot ${slot}`);
    const block = await client.getBlock({ blockNumber: expectedNumber });
    const timestamp = slotStartTime(devnet.time, slot);
    assert.equal(Number(block.timestamp), timestamp, `block ${expectedNumber} timestamp`);
    const payload = beaconBlock.signedBlock.message.body.executionPayload;
    assert.equal(
      toHex(payload.blockHash),
      block.hash,
      `beacon payload of slot ${slot} is L1 block ${block.number}`,
    );
    assert.equal(payload.transactions.length, block.transactions.length);
    included.push(...(block.transactions as Hex[]));
    // EIP-4788: the root for this block's timestamp is its parent beacon block's root.
    const root = await client.call({
      to: BEACON_ROOTS_ADDRESS,
      data: pad(toHex(timestamp), { size: 32 }),
      blockNumber: expectedNumber,
    });
    assert.equal(root.data, toHex(beaconBlock.header.parentRoot), `EIP-4788 root at slot ${slot}`);
    expectedNumber++;
  }
  for (const hash of sent)
    assert.ok(included.includes(hash), "the start-up transactions are in slots' blocks");
  // The others are the lookahead poster's: epochs 0 and 1 in slot 1, epoch 2 early in epoch 1.
  const others = included.filter((hash) => !sent.includes(hash));
  assert.equal(others.length, 2 + 1);
  for (const hash of others) {
    const tx = await client.getTransaction({ hash });
    assert.equal(getAddress(tx.from), devnet.accounts.poster.address);
    assert.equal(tx.to && getAddress(tx.to), devnet.protocol?.lookahead);
  }
  // No root at a missed slot's timestamp.
  await assert.rejects(
    client.call({
      to: BEACON_ROOTS_ADDRESS,
      data: pad(toHex(slotStartTime(devnet.time, MISSED[0]!)), { size: 32 }),
    }),
  );
});

test("an EIP-7917 lookahead entry and its validator's pubkey prove against the EIP-4788 root", async () => {
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  // A block of epoch 0 commits to epoch 1's proposers; the next slot's L1 block holds its root.
  const anchorSlot = 20;
  const timestamp = slotStartTime(devnet.time, anchorSlot + 1);
  const onchainRoot = await client.readContract({
    address: verifier,
    abi: beaconProofVerifierAbi,
    functionName: "beaconRoot",
    args: [BigInt(timestamp)],
  });
  const base = devnet.beaconApiUrl;
  const headerRes = await fetch(`${base}/eth/v1/beacon/headers/${anchorSlot}`);
  assert.equal(headerRes.status, 200);
  const headerJson = (await headerRes.json()) as { data: { root: string; header: { message: unknown } } };
  assert.equal(headerJson.data.root, onchainRoot);
  const header = ssz.phase0.BeaconBlockHeader.fromJson(headerJson.data.header.message);
  const stateRes = await fetch(`${base}/eth/v2/debug/beacon/states/${anchorSlot}`, {
    headers: { accept: "application/octet-stream" },
  });
  assert.equal(stateRes.status, 200);
  const state = ssz.fulu.BeaconState.deserializeToViewDU(new Uint8Array(await stateRes.arrayBuffer()));
  const blockRoot = hexToBytes(onchainRoot);
  for (const lookaheadIndex of [32, 45, 63]) {
    const proof = proveLookaheadEntry(header, state, lookaheadIndex);
    assert.ok(verifyLookaheadEntryProof(proof, blockRoot));
    // The entry is the proposer the chain used for that slot of epoch 1.
    const slot = lookaheadIndex;
    assert.equal(proof.validatorIndex, devnet.chain.blockAtSlot(slot)!.header.proposerIndex);
    const args = [
      BigInt(timestamp),
      BigInt(lookaheadIndex),
      BigInt(proof.validatorIndex),
      toHex(proof.chunk),
      proof.branch.map((b) => toHex(b)),
    ] as const;
    assert.equal(
      await client.readContract({
        address: verifier,
        abi: beaconProofVerifierAbi,
        functionName: "verifyLookaheadEntry",
        args,
      }),
      true,
    );
    const lie = [args[0], args[1], args[2] + 1n, args[3], args[4]] as const;
    assert.equal(
      await client.readContract({
        address: verifier,
        abi: beaconProofVerifierAbi,
        functionName: "verifyLookaheadEntry",
        args: lie,
      }),
      false,
    );

    const pubkeyProof = proveValidatorPubkey(header, state, proof.validatorIndex);
    assert.ok(verifyValidatorPubkeyProof(pubkeyProof, blockRoot));
    assert.equal(
      await client.readContract({
        address: verifier,
        abi: beaconProofVerifierAbi,
        functionName: "verifyValidatorPubkey",
        args: [
          BigInt(timestamp),
          BigInt(proof.validatorIndex),
          toHex(pubkeyProof.pubkey),
          pubkeyProof.branch.map((b) => toHex(b)),
        ],
      }),
      true,
    );
  }
});

test("EIP-2935 serves the hash of every earlier block, as the system call of each block stored it", async () => {
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  const head = Number(await client.getBlockNumber());
  for (let n = 0; n < head; n++) {
    const block = await client.getBlock({ blockNumber: BigInt(n) });
    assert.equal(await devnet.l1.historicalBlockHash(n), block.hash, `hash of block ${n}`);
    // Block n + 1 stored it: the state before it lacks it (unless a later block wrote the slot).
    if (n > 0)
      assert.equal(await devnet.l1.historicalBlockHash(n, toHex(n)), null, `block ${n} served at ${n}`);
  }
  assert.equal(await devnet.l1.historicalBlockHash(head), null, "the head's own hash is not served");
});

test("a devnet transaction proves its inclusion on-chain (TransactionInclusion, BLOCKHASH and EIP-2935)", async () => {
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  const head = await client.getBlockNumber();
  for (const txHash of sent) {
    const inclusion = await devnet.l1.transactionInclusionProof(txHash);
    const block = await client.getBlock({ blockNumber: BigInt(inclusion.blockNumber) });
    assert.equal(keccak256(inclusion.header), block.hash, "the header hashes to the block hash");
    const verify = (txIndex: number, blockOverrides?: { number: bigint }) =>
      client.readContract({
        address: inclusionVerifier,
        abi: transactionInclusionVerifierAbi,
        functionName: "verify",
        args: [inclusion.header, BigInt(txIndex), inclusion.proof],
        ...(blockOverrides ? { blockOverrides } : {}),
      });
    const expected = [txHash, BigInt(inclusion.blockNumber), block.timestamp];
    // Within 256 blocks: BLOCKHASH.
    assert.deepEqual(await verify(inclusion.txIndex), expected, `${txHash} via BLOCKHASH`);
    // Called as if 300 blocks later: BLOCKHASH knows nothing, EIP-2935 serves the hash.
    const later = { number: head + 300n };
    assert.deepEqual(await verify(inclusion.txIndex, later), expected, `${txHash} via EIP-2935`);
    // Too late even for EIP-2935; and a proof for another index.
    await assert.rejects(
      verify(inclusion.txIndex, { number: BigInt(inclusion.blockNumber) + 8192n }),
      (error) => revertedWith(error, "BlockHashUnavailable"),
    );
    // The proof of one transaction is no proof of another.
    await assert.rejects(verify((inclusion.txIndex + 1) % block.transactions.length), (error) =>
      revertedWith(error, "MPTHashMismatch"),
    );
  }
  // The path to the last transaction, without its leaf, shows that the block has none after it.
  const last = await devnet.l1.transactionInclusionProof(sent.at(-1)!);
  const lastBlock = await client.getBlock({ blockNumber: BigInt(last.blockNumber) });
  assert.equal(
    last.txIndex,
    lastBlock.transactions.length - 1,
    "the last start-up transaction ends its block",
  );
  await assert.rejects(
    client.readContract({
      address: inclusionVerifier,
      abi: transactionInclusionVerifierAbi,
      functionName: "verify",
      args: [last.header, BigInt(last.txIndex + 1), last.proof.slice(0, -1)],
    }),
    (error) => revertedWith(error, "TransactionNotIncluded"),
  );
  const proofs = await Promise.all(sent.map((h) => devnet.l1.transactionInclusionProof(h)));
  // They share slot 1's block, after the lookahead poster's two lists.
  assert.deepEqual(
    proofs.map((p) => [p.blockNumber, p.txIndex]),
    sent.map((_, i) => [last.blockNumber, 2 + i]),
    "the start-up transactions share a block",
  );
});

function revertedWith(error: unknown, name: string): boolean {
  const reverted =
    error instanceof BaseError ? error.walk((e) => e instanceof ContractFunctionRevertedError) : undefined;
  assert.ok(reverted instanceof ContractFunctionRevertedError, `reverted: ${String(error)}`);
  assert.equal(reverted.data?.errorName, name);
  return true;
}
