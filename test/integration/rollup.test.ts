// The rollup nodes on the devnet, end to end: deposits from L1 reach both rollups, wallets use the
// nodes' JSON-RPC with viem (transfers, a contract deployment and call, receipts, logs), a
// cross-rollup bundle lands on both, and a node started afterwards catches up from L1 alone to the
// same state root.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { createGatewayClient } from "@baton/clients";
import { bridgeAbi } from "@baton/contracts";
import { Devnet } from "@baton/devnet";
import {
  CommitmentKind,
  createLogger,
  encodePreconfRequest,
  fastKeccak256,
  silentLogger,
} from "@baton/protocol";
import { RollupNode, type RollupNodeOptions, toJson } from "@baton/rollup";
import {
  type Address,
  concatHex,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  parseEther,
  size,
  toHex,
  zeroAddress,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";

const user = privateKeyToAccount(generatePrivateKey());
const CAROL: Address = "0x000000000000000000000000000000000000ca01";
const DEPOSIT = parseEther("1");
const FEES = { maxFeePerGas: 20_000_000_000n, maxPriorityFeePerGas: 2_000_000_000n } as const;
/** Stores its calldata's first word at slot 0 and logs it (topic: keccak256("stored")). */
const STORED_TOPIC = fastKeccak256(toHex("stored"));
const RUNTIME: Hex = `0x600035806000556000527f${STORED_TOPIC.slice(2)}60206000a100`;
/** Init code returning `RUNTIME`: CODECOPY the bytes after this 11-byte prefix, RETURN them. */
const INIT_CODE: Hex = concatHex([
  `0x60${numberToHex(size(RUNTIME), { size: 1 }).slice(2)}80600b6000396000f3`,
  RUNTIME,
]);

/** Runs a node in a child process until its head reaches `atLeast`, then SIGKILLs it; returns the last head it printed. */
function runAndKill(options: RollupNodeOptions, atLeast: bigint): Promise<bigint> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", new URL("./rollupNodeChild.ts", import.meta.url).pathname, toJson(options)],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    let head = -1n;
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stdout.on("data", (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) {
        const match = /^head (\d+)$/.exec(line.trim());
        if (match) head = BigInt(match[1] as string);
      }
      if (head >= atLeast) child.kill("SIGKILL");
    });
    child.once("error", reject);
    child.once("exit", (_code, signal) => {
      clearTimeout(timer);
      if (signal === "SIGKILL" && head >= atLeast) resolve(head);
      else reject(new Error(`node process ended (${signal}) at head ${head}, before ${atLeast}`));
    });
  });
}

async function until<T>(
  what: string,
  read: () => Promise<T>,
  ok: (value: T) => boolean,
  ms = 30_000,
): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what} (last: ${String(value)})`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe("rollup nodes on the devnet", () => {
  let devnet: Devnet;
  const rpc = new Map<bigint, PublicClient>();
  const contracts = new Map<bigint, Address>();
  const stored = new Map<bigint, Hex>();
  let bundleTxs: Hex[] = [];
  const bundleReceipts: string[] = [];
  const observed = new Map<
    bigint,
    { code: Hex | undefined; storage: Hex | undefined; logs: unknown[]; estimate: bigint; nonce: number }
  >();
  const safeStorage = new Map<bigint, Hex | undefined>();
  const witnessRoots = new Map<
    bigint,
    {
      witness: Hex;
      node: Hex;
      witnessHash: Hex;
      nodeHash: Hex;
      blocks: bigint;
      killedAt: bigint;
      resumedAt: bigint;
    }
  >();
  const dirs: string[] = [];

  before(async () => {
    devnet = await Devnet.start(
      { slots: 32, secondsPerSlot: 2, l1Port: 0, beaconPort: 0, load: 5 },
      {
        logger: process.env.BATON_TEST_LOG ? createLogger({ level: "debug", format: "text" }) : silentLogger,
      },
    );
    const protocol = devnet.protocol;
    assert.ok(protocol !== undefined && devnet.rollupNodes !== undefined);
    const l1 = createPublicClient({ transport: http(devnet.l1Url) });
    await l1.request({
      method: "anvil_setBalance" as never,
      params: [user.address, toHex(parseEther("100"))] as never,
    });
    const wallet = createWalletClient({ account: user, transport: http(devnet.l1Url) });
    for (const [i, rollup] of devnet.rollups.entries()) {
      const bridge = protocol.bridges[rollup.toString()] as Address;
      await wallet.writeContract({
        chain: null,
        address: bridge,
        abi: bridgeAbi,
        functionName: "deposit",
        args: [user.address],
        value: DEPOSIT + parseEther("0.001"),
        nonce: i,
        gas: 300_000n,
      });
      rpc.set(
        rollup,
        createPublicClient({ transport: http(devnet.rollupNodes.rpcUrl(rollup)) }) as PublicClient,
      );
    }
    // Each rollup sees the deposit (pending first, once the gateway's batch consumes it).
    for (const rollup of devnet.rollups) {
      const client = rpc.get(rollup) as PublicClient;
      await until(
        "the deposit",
        () => client.getBalance({ address: user.address }),
        (b) => b === DEPOSIT,
      );
    }
    const sign = (
      rollup: bigint,
      nonce: number,
      tx: { to?: Address | null; data?: Hex; value?: bigint; gas: bigint },
    ) => user.signTransaction({ type: "eip1559", chainId: Number(rollup), nonce, ...FEES, value: 0n, ...tx });
    for (const rollup of devnet.rollups) {
      const client = rpc.get(rollup) as PublicClient;
      const transfer = await client.sendRawTransaction({
        serializedTransaction: await sign(rollup, 0, { to: CAROL, value: 1_000n, gas: 21_000n }),
      });
      const receipt = await client.waitForTransactionReceipt({
        hash: transfer,
        pollingInterval: 200,
        timeout: 30_000,
      });
      assert.equal(receipt.status, "success");
      const deploy = await client.sendRawTransaction({
        serializedTransaction: await sign(rollup, 1, { to: null, data: INIT_CODE, gas: 200_000n }),
      });
      const created = await client.waitForTransactionReceipt({
        hash: deploy,
        pollingInterval: 200,
        timeout: 30_000,
      });
      assert.equal(created.status, "success");
      const contract = created.contractAddress as Address;
      contracts.set(rollup, contract);
      const word = toHex(rollup, { size: 32 });
      stored.set(rollup, word);
      const call = await client.sendRawTransaction({
        serializedTransaction: await sign(rollup, 2, { to: contract, data: word, gas: 100_000n }),
      });
      assert.equal(
        (await client.waitForTransactionReceipt({ hash: call, pollingInterval: 200, timeout: 30_000 }))
          .status,
        "success",
      );
      observed.set(rollup, {
        code: await client.getCode({ address: contract }),
        storage: await client.getStorageAt({ address: contract, slot: toHex(0, { size: 32 }) }),
        logs: (await client.getLogs({ address: contract, fromBlock: 0n })).map((log) => [
          log.topics[0],
          log.data,
        ]),
        estimate: await client.estimateGas({ account: user.address, to: contract, data: word }),
        nonce: await client.getTransactionCount({ address: user.address, blockTag: "pending" }),
      });
    }
    // A bundle across both rollups, asked of the gateway directly.
    const gateway = createGatewayClient(devnet.gatewayUrl as string);
    const [a, b] = devnet.rollups as [bigint, bigint];
    bundleTxs = [
      await sign(a, 3, { to: CAROL, value: 7n, gas: 21_000n }),
      await sign(b, 3, { to: CAROL, value: 7n, gas: 21_000n }),
    ];
    const health = await until(
      "a served window",
      () => gateway.health(undefined),
      (h) => h.servingWindow !== null,
    );
    await gateway.commitmentRequest({
      commitment_type: CommitmentKind.bundle,
      payload: encodePreconfRequest({
        transactions: bundleTxs,
        slot: BigInt(health.servingWindow?.targetSlot as number),
        beneficiary: zeroAddress,
      }),
      slasher: protocol.slasher,
    });
    for (const [i, raw] of bundleTxs.entries()) {
      const client = rpc.get(devnet.rollups[i] as bigint) as PublicClient;
      const receipt = await client.waitForTransactionReceipt({
        hash: fastKeccak256(raw),
        pollingInterval: 200,
        timeout: 30_000,
      });
      bundleReceipts.push(receipt.status);
    }
    await devnet.done;
    // After the run, at `safe` (derived from L1 only): the bundle and the contract's word are settled.
    for (const [i, rollup] of devnet.rollups.entries()) {
      const client = rpc.get(rollup) as PublicClient;
      await until(
        "L1 settles the bundle",
        async () =>
          (await client.getTransactionReceipt({ hash: fastKeccak256(bundleTxs[i] as Hex) }).catch(() => null))
            ?.blockNumber ?? 0n,
        (n) => n > 0n && n <= (devnet.rollupNodes?.nodes[i]?.node.head.number ?? 0n),
      );
      safeStorage.set(
        rollup,
        await client.getStorageAt({
          address: contracts.get(rollup) as Address,
          slot: toHex(0, { size: 32 }),
          blockTag: "safe",
        }),
      );
    }
    // A node started now derives from L1 alone; it is killed (SIGKILL) halfway, restarted on its
    // database, and must reach the devnet node's block and state root.
    for (const { node } of devnet.rollupNodes.nodes) {
      await node.sync();
      const dataDir = mkdtempSync(join(tmpdir(), "baton-rollup-witness-"));
      dirs.push(dataDir);
      const options = { ...node.options, dataDir, gatewayUrl: null, l1BlockRange: 2n, pollMs: 20 };
      const killedAt = await runAndKill(options, node.head.number / 2n);
      const witness = await RollupNode.start(options, { logger: silentLogger, follow: false });
      const resumedAt = witness.head.number;
      for (let i = 0; i < 100 && witness.head.number < node.head.number; i++) await witness.sync();
      witnessRoots.set(node.chainId, {
        witness: witness.head.stateRoot,
        node: node.head.stateRoot,
        witnessHash: witness.head.hash,
        nodeHash: node.head.hash,
        blocks: node.head.number,
        killedAt,
        resumedAt,
      });
      await witness.close();
    }
    await devnet.stop();
  });
  after(async () => {
    await devnet?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it("derives both rollups from L1 and reports them in the summary", () => {
    const rollups = devnet.summary().rollups;
    assert.ok(rollups !== null);
    assert.deepEqual(
      rollups.map((r) => r.chainId),
      devnet.rollups.map(Number),
    );
    for (const rollup of rollups) {
      assert.ok(rollup.blocks > 10, `rollup ${rollup.chainId} derived ${rollup.blocks} blocks`);
      assert.match(rollup.stateRoot, /^0x[0-9a-f]{64}$/);
    }
    const { commitments } = devnet.summary();
    assert.equal(commitments?.broken, 0);
  });

  it("a node started later, killed halfway and restarted, catches up from L1 alone to the same block and root", () => {
    assert.equal(witnessRoots.size, 2);
    for (const [chainId, roots] of witnessRoots) {
      assert.ok(roots.blocks > 0n, `rollup ${chainId}`);
      // It had derived part of the chain when killed, and went on from its database.
      assert.ok(
        roots.killedAt > 0n && roots.killedAt < roots.blocks,
        `killed at ${roots.killedAt} of ${roots.blocks}`,
      );
      assert.ok(
        roots.resumedAt >= roots.killedAt,
        `resumed at ${roots.resumedAt}, killed at ${roots.killedAt}`,
      );
      assert.equal(roots.witness, roots.node, `rollup ${chainId}`);
      assert.equal(roots.witnessHash, roots.nodeHash, `rollup ${chainId}`);
    }
  });

  it("serves a deployed contract's code, storage, logs, gas estimate and nonces through viem", () => {
    assert.equal(observed.size, 2);
    for (const [rollup, seen] of observed) {
      assert.equal(seen.code, RUNTIME, `rollup ${rollup}`);
      assert.equal(seen.storage, stored.get(rollup));
      assert.deepEqual(seen.logs, [[STORED_TOPIC, stored.get(rollup)]]);
      assert.ok(seen.estimate > 21_000n && seen.estimate < 100_000n, `estimate ${seen.estimate}`);
      assert.equal(seen.nonce, 3);
      // The same word is there once L1 settled it.
      assert.equal(safeStorage.get(rollup), stored.get(rollup));
    }
  });

  it("lands a cross-rollup bundle on both rollups", () => {
    assert.deepEqual(bundleReceipts, ["success", "success"]);
    assert.equal(safeStorage.size, 2);
  });
});
