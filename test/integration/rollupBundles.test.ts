// Cross-rollup bundles on the real inbox, with the test acting as the window's committer (devnet
// without a gateway): a bundle whose legs settle in the same window lands on both rollups; one whose
// second leg is withheld from its window (settled a window later) is dropped on both.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { lookaheadWindow, postedLookahead } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import { DEVNET_LOAD_ACCOUNTS, Devnet, loadAccounts } from "@baton/devnet";
import {
  type Batch,
  type BatchEntry,
  batonDomain,
  bundleHash,
  encodeBatchData,
  fastKeccak256,
  signBatch,
  silentLogger,
  txRoot,
} from "@baton/protocol";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

const CAROL: Address = "0x000000000000000000000000000000000000ca01";

describe("cross-rollup bundles on the inbox", () => {
  let devnet: Devnet;
  const sent: { complete: Hex[]; split: Hex[] } = { complete: [], split: [] };
  const found = new Map<Hex, { status: string; blockNumber: bigint } | null>();

  before(async () => {
    devnet = await Devnet.start(
      { slots: 40, secondsPerSlot: 1, l1Port: 0, beaconPort: 0, gateway: false, load: 0 },
      { logger: silentLogger },
    );
    const protocol = devnet.protocol;
    const committerKey = devnet.accounts.committer.privateKey;
    assert.ok(protocol !== undefined && devnet.rollupNodes !== undefined && committerKey !== undefined);
    const l1 = createPublicClient({ transport: http(devnet.l1Url) }) as PublicClient;
    const proposer = privateKeyToAccount(generatePrivateKey());
    await l1.request({
      method: "anvil_setBalance" as never,
      params: [proposer.address, toHex(parseEther("10"))] as never,
    });
    const wallet = createWalletClient({ account: proposer, transport: http(devnet.l1Url) });
    const domain = batonDomain(devnet.l1ChainId, protocol.slasher);
    const [a, b] = devnet.rollups as [bigint, bigint];
    const user = privateKeyToAccount(loadAccounts(DEVNET_LOAD_ACCOUNTS)[0]?.privateKey as Hex);
    const transfer = (chainId: bigint, nonce: number) =>
      user.signTransaction({
        type: "eip1559",
        chainId: Number(chainId),
        nonce,
        to: CAROL,
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 20_000_000_000n,
        maxPriorityFeePerGas: 2_000_000_000n,
      });

    /** Proposes one batch per `(chainId, entries)` in one `propose`, signed for the current window; returns its target slot. */
    const propose = async (legs: readonly [bigint, BatchEntry[]][], notWindow?: bigint): Promise<bigint> => {
      for (let attempt = 0; attempt < 20; attempt++) {
        const slot = devnet.summary().headSlot + 1;
        const epoch = Math.floor(slot / 32);
        const deps = { client: l1, lookahead: protocol.lookahead };
        const current = await postedLookahead(epoch, deps);
        const next = await postedLookahead(epoch + 1, deps);
        if (current === undefined) {
          // Posted in slot 1's block.
          await devnet.waitForSlot(slot);
          continue;
        }
        const window = lookaheadWindow(slot, { current, ...(next === undefined ? {} : { next }) });
        // A window that ends this slot is too close to make; one we must avoid is skipped.
        if (window.kind !== "sequencer" || window.lastSlot <= slot || BigInt(window.lastSlot) === notWindow) {
          await devnet.waitForSlot(slot);
          continue;
        }
        const inputs = [];
        for (const [chainId, entries] of legs) {
          const state = await l1.readContract({
            address: protocol.inbox,
            abi: inboxAbi,
            functionName: "rollup",
            args: [chainId],
          });
          const data = encodeBatchData(entries);
          const batch: Batch = {
            chainId,
            number: state.nextNumber,
            parentHash: state.lastBatchHash,
            targetSlot: BigInt(window.lastSlot),
            firstPosition: state.nextPosition,
            txCount: entries.length,
            txRoot: txRoot(entries.map((e) => fastKeccak256(e.tx))),
            dataHash: fastKeccak256(data),
            forcedUpTo: state.forcedHead,
          };
          inputs.push({
            batch,
            signature: await signBatch(committerKey, domain, batch),
            data,
            blobIndices: [],
          });
        }
        const hash = await wallet.writeContract({
          chain: null,
          address: protocol.inbox,
          abi: inboxAbi,
          functionName: "propose",
          args: [inputs, current.entries, next?.entries ?? []],
          gas: 3_000_000n,
        });
        const receipt = await l1.waitForTransactionReceipt({ hash, pollingInterval: 100 });
        if (receipt.status === "success") return BigInt(window.lastSlot);
      }
      throw new Error("could not settle the batches in a window");
    };

    // A bundle whose two legs settle together.
    const completeTxs = [await transfer(a, 0), await transfer(b, 0)];
    const complete = bundleHash([
      { chainId: a, txHash: fastKeccak256(completeTxs[0] as Hex) },
      { chainId: b, txHash: fastKeccak256(completeTxs[1] as Hex) },
    ]);
    await propose([
      [a, [{ tx: completeTxs[0] as Hex, bundle: complete }]],
      [b, [{ tx: completeTxs[1] as Hex, bundle: complete }]],
    ]);
    sent.complete = completeTxs;
    // A bundle whose B leg is withheld from the A leg's window and settled in a later one.
    const splitTxs = [await transfer(a, 1), await transfer(b, 1)];
    const split = bundleHash([
      { chainId: a, txHash: fastKeccak256(splitTxs[0] as Hex) },
      { chainId: b, txHash: fastKeccak256(splitTxs[1] as Hex) },
    ]);
    const firstWindow = await propose([[a, [{ tx: splitTxs[0] as Hex, bundle: split }]]]);
    await propose([[b, [{ tx: splitTxs[1] as Hex, bundle: split }]]], firstWindow);
    sent.split = splitTxs;
    await devnet.done;
    for (const { node } of devnet.rollupNodes.nodes) await node.sync();
    for (const [i, raw] of [...sent.complete, ...sent.split].entries()) {
      const chainId = devnet.rollups[i % 2] as bigint;
      const node = devnet.rollupNodes.nodes.find((n) => n.node.chainId === chainId)?.node as NonNullable<
        typeof devnet.rollupNodes
      >["nodes"][number]["node"];
      const receipt = node.store.receipt(fastKeccak256(raw));
      found.set(raw, receipt === null ? null : { status: receipt.status, blockNumber: receipt.blockNumber });
    }
    await devnet.stop();
  });
  after(async () => {
    await devnet?.stop();
  });

  it("lands a bundle whose legs settle in one window on both rollups", () => {
    for (const raw of sent.complete) assert.equal(found.get(raw)?.status, "success");
  });

  it("drops a bundle whose legs settle in different windows, on both rollups", () => {
    assert.equal(sent.split.length, 2);
    for (const raw of sent.split) assert.equal(found.get(raw), null);
  });
});
