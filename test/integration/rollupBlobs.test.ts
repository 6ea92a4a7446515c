// Batch data in blobs, end to end: the devnet's gateway puts every batch in blobs (type-3 inbox
// transactions to anvil), the devnet's beacon blocks list the blobs' commitments and its Beacon API
// serves them, and the rollup nodes derive the promised transactions from them; a node started
// afterwards derives the same chain from L1 and the Beacon API alone.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createGatewayClient } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import { Devnet, loadAccounts } from "@baton/devnet";
import { createLogger, silentLogger } from "@baton/protocol";
import { RollupNode } from "@baton/rollup";
import { type Address, createPublicClient, type Hex, http, type PublicClient } from "viem";
import { privateKeyToAccount } from "viem/accounts";

const CAROL: Address = "0x000000000000000000000000000000000000ca01";
const FEES = { maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n } as const;

describe("blob-carried batches on the devnet", () => {
  let devnet: Devnet;
  const dirs: string[] = [];
  const receipts = new Map<Hex, { rollup: bigint; status: string; block: bigint; safeHead: bigint }>();
  const proposals: { type: string; blobHashes: number; eventBlobHashes: readonly Hex[] }[] = [];
  const witnesses = new Map<
    bigint,
    { node: Hex; witness: Hex; nodeHash: Hex; witnessHash: Hex; blocks: bigint }
  >();

  before(async () => {
    devnet = await Devnet.start(
      { slots: 16, secondsPerSlot: 2, l1Port: 0, beaconPort: 0, load: 0, blobThresholdBytes: 0 },
      {
        logger: process.env.BATON_TEST_LOG ? createLogger({ level: "debug", format: "text" }) : silentLogger,
      },
    );
    const protocol = devnet.protocol;
    assert.ok(protocol !== undefined && devnet.rollupNodes !== undefined);
    // A funded genesis account of the rollups (the load generator is off): three transfers on each
    // rollup, each waited for, so they land in separate batches.
    const [funded] = loadAccounts(1);
    assert.ok(funded !== undefined);
    const sender = privateKeyToAccount(funded.privateKey);
    const hashes = new Map<bigint, Hex[]>();
    const gateway = createGatewayClient(devnet.gatewayUrl as string);
    for (let i = 0; (await gateway.health(undefined)).servingWindow === null; i++) {
      if (i > 150) throw new Error("the gateway served no window");
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    for (let nonce = 0; nonce < 3; nonce++) {
      for (const rollup of devnet.rollups) {
        const client = createPublicClient({
          transport: http(devnet.rollupNodes.rpcUrl(rollup)),
        }) as PublicClient;
        const raw = await sender.signTransaction({
          type: "eip1559",
          chainId: Number(rollup),
          nonce,
          to: CAROL,
          value: 1_000n,
          gas: 21_000n,
          ...FEES,
        });
        const hash = await client.sendRawTransaction({ serializedTransaction: raw });
        await client.waitForTransactionReceipt({ hash, pollingInterval: 200, timeout: 30_000 });
        hashes.set(rollup, [...(hashes.get(rollup) ?? []), hash]);
      }
    }
    await devnet.done;
    const l1 = createPublicClient({ transport: http(devnet.l1Url) }) as PublicClient;
    for (const [i, { node }] of devnet.rollupNodes.nodes.entries()) {
      await node.sync();
      const rollup = devnet.rollups[i] as bigint;
      const client = createPublicClient({
        transport: http(devnet.rollupNodes.rpcUrl(rollup)),
      }) as PublicClient;
      for (const hash of hashes.get(rollup) ?? []) {
        const receipt = await client.getTransactionReceipt({ hash });
        receipts.set(hash, {
          rollup,
          status: receipt.status,
          block: receipt.blockNumber,
          safeHead: node.head.number,
        });
      }
    }
    const events = await l1.getContractEvents({
      address: protocol.inbox,
      abi: inboxAbi,
      eventName: "BatchProposed",
      fromBlock: 0n,
    });
    for (const event of events) {
      const tx = await l1.getTransaction({ hash: event.transactionHash as Hex });
      proposals.push({
        type: tx.type,
        blobHashes: tx.blobVersionedHashes?.length ?? 0,
        eventBlobHashes: event.args.blobHashes ?? [],
      });
    }
    // A node started now reads every batch's blobs back through the Beacon API.
    for (const { node } of devnet.rollupNodes.nodes) {
      const dataDir = mkdtempSync(join(tmpdir(), "baton-rollup-blobs-"));
      dirs.push(dataDir);
      const witness = await RollupNode.start(
        { ...node.options, dataDir, gatewayUrl: null, l1BlockRange: 4n },
        { logger: silentLogger, follow: false },
      );
      for (let i = 0; i < 100 && witness.head.number < node.head.number; i++) await witness.sync();
      witnesses.set(node.chainId, {
        node: node.head.stateRoot,
        witness: witness.head.stateRoot,
        nodeHash: node.head.hash,
        witnessHash: witness.head.hash,
        blocks: node.head.number,
      });
      await witness.close();
    }
    await devnet.stop();
  });
  after(async () => {
    await devnet?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("settles every batch in blobs: type-3 inbox transactions whose events name the blobs", () => {
    assert.ok(proposals.length > 4, `${proposals.length} batches`);
    for (const proposal of proposals) {
      assert.equal(proposal.type, "eip4844");
      assert.ok(proposal.eventBlobHashes.length > 0);
      assert.ok(proposal.blobHashes >= proposal.eventBlobHashes.length);
    }
  });

  it("derives the promised transactions from the blobs on both rollups", () => {
    assert.equal(receipts.size, 6);
    for (const [hash, receipt] of receipts) {
      assert.equal(receipt.status, "success", `${hash} on rollup ${receipt.rollup}`);
      // Settled: in a block the node derived from L1 (at or below its safe head).
      assert.ok(
        receipt.block > 0n && receipt.block <= receipt.safeHead,
        `${hash} on rollup ${receipt.rollup}`,
      );
    }
    assert.equal(devnet.summary().commitments?.broken, 0);
  });

  it("a node started afterwards derives the same chain from L1 and the Beacon API alone", () => {
    assert.equal(witnesses.size, 2);
    for (const [chainId, w] of witnesses) {
      assert.ok(w.blocks >= 3n, `rollup ${chainId}: ${w.blocks} blocks`);
      assert.equal(w.witness, w.node, `rollup ${chainId}`);
      assert.equal(w.witnessHash, w.nodeHash, `rollup ${chainId}`);
    }
  });
});
