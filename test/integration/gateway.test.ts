// The gateway on the devnet, end to end: the load generator's promises for two rollups and L1 are
// all settled by their window's slot (judged from L1 by the tracker), batches chain in the inbox,
// and the public stream and batch route serve what was signed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createGatewayClient, type StreamMessageJson } from "@baton/clients";
import { inboxAbi } from "@baton/contracts";
import { Devnet } from "@baton/devnet";
import { silentLogger } from "@baton/protocol";
import { createPublicClient, http } from "viem";

describe("gateway on the devnet", () => {
  let devnet: Devnet;
  const streamed: StreamMessageJson[] = [];
  const inboxHeads = new Map<bigint, { nextNumber: bigint; lastBatchHash: string }>();
  before(async () => {
    devnet = await Devnet.start(
      { slots: 24, secondsPerSlot: 1, l1Port: 0, beaconPort: 0, load: 20 },
      { logger: silentLogger },
    );
    const gateway = createGatewayClient(devnet.gatewayUrl as string);
    const stream = gateway.stream(0n, (message) => streamed.push(message));
    await devnet.done;
    const client = createPublicClient({ transport: http(devnet.l1Url) });
    for (const chainId of devnet.rollups) {
      const state = await client.readContract({
        address: devnet.protocol?.inbox as `0x${string}`,
        abi: inboxAbi,
        functionName: "rollup",
        args: [chainId],
      });
      inboxHeads.set(chainId, { nextNumber: state.nextNumber, lastBatchHash: state.lastBatchHash });
    }
    stream.close();
    await devnet.stop();
  });
  after(async () => {
    await devnet?.stop();
  });

  it("settles every commitment by its window's slot", () => {
    const { commitments, load } = devnet.summary();
    assert.ok(commitments !== null && load !== null);
    assert.ok(commitments.issued >= 100, `only ${commitments.issued} commitments issued`);
    assert.equal(commitments.broken, 0);
    assert.equal(commitments.pending, 0);
    assert.equal(commitments.settled, commitments.issued);
    assert.equal(load.committed, commitments.issued);
  });

  it("published every commitment and batch in sequence, and the inbox holds the batch chains", async () => {
    const sequences = streamed.map((m) => Number(m.sequence));
    assert.deepEqual(
      sequences,
      sequences.map((_, i) => i + 1),
    );
    // Every batch the gateway cut was settled, in order: the inbox's head is the last one streamed.
    for (const chainId of devnet.rollups) {
      const batches = streamed.flatMap((m) =>
        m.type === "batch" && m.data.batch.chainId === String(chainId) ? [m.data] : [],
      );
      assert.ok(batches.length > 0, `no batch for ${chainId}`);
      const head = inboxHeads.get(chainId);
      assert.equal(head?.nextNumber, BigInt(batches.length));
      assert.equal(head?.lastBatchHash, batches.at(-1)?.hash);
    }
  });
});
