/**
 * The Solidity bridge and `@baton/protocol`'s deposit codec agree: deposits made on anvil are queued
 * in the inbox as exactly `encodeDepositTx` of their `DepositQueued` fields, and `isGenuineDeposit`
 * accepts them and refuses a copy queued with `forceInclude`.
 */
import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import { decodeDepositTx, encodeDepositTx, isGenuineDeposit } from "@baton/protocol";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  type PublicClient,
  parseEther,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { bridgeAbi, bridgeBytecode, inboxAbi, inboxBytecode } from "../generated/index.ts";
import { startAnvil } from "./testAnvil.ts";

/** anvil's first default account. */
const KEY: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
const ROLLUP = 167_001n;
const FEE = parseEther("0.001");
const BOB: Address = "0x000000000000000000000000000000000000bEEF";

let anvil: ChildProcess | undefined;
let client: PublicClient;
let wallet: ReturnType<
  typeof createWalletClient<ReturnType<typeof http>, typeof foundry, ReturnType<typeof privateKeyToAccount>>
>;

before(async () => {
  const started = await startAnvil();
  anvil = started.child;
  client = createPublicClient({ chain: foundry, transport: http(started.url) }) as PublicClient;
  wallet = createWalletClient({
    account: privateKeyToAccount(KEY),
    chain: foundry,
    transport: http(started.url),
  });
});

after(() => {
  anvil?.kill("SIGTERM");
});

async function deploy(abi: readonly unknown[], bytecode: Hex, args: readonly unknown[]): Promise<Address> {
  const hash = await wallet.deployContract({ abi, bytecode, args } as Parameters<
    typeof wallet.deployContract
  >[0]);
  const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 50 });
  assert.equal(receipt.status, "success");
  return receipt.contractAddress as Address;
}

async function send(hash: Promise<Hex>): Promise<void> {
  const receipt = await client.waitForTransactionReceipt({ hash: await hash, pollingInterval: 50 });
  assert.equal(receipt.status, "success");
}

test("deposits queued on anvil are the TypeScript encoding of their events", async () => {
  const block = await client.getBlock();
  // Lookahead and slasher are only stored by the constructor; forced delay > 2 epochs, inactivity above it.
  const inbox = await deploy(inboxAbi, inboxBytecode, [
    block.timestamp,
    12n,
    "0x0000000000000000000000000000000000000001",
    "0x0000000000000000000000000000000000000002",
    1000n,
    FEE,
    2000n,
  ]);
  await send(
    wallet.writeContract({ address: inbox, abi: inboxAbi, functionName: "registerRollup", args: [ROLLUP] }),
  );
  const bridge = await deploy(bridgeAbi, bridgeBytecode, [inbox, ROLLUP]);

  const values = [parseEther("1"), 1n, 0x7fn, 0x80n, 2n ** 64n + 3n];
  for (const [i, value] of values.entries()) {
    if (i === 2) {
      // A foreign entry: deposits take the next forced index, not their nonce.
      await send(
        wallet.writeContract({
          address: inbox,
          abi: inboxAbi,
          functionName: "forceInclude",
          args: [ROLLUP, "0x02c0"],
          value: FEE,
        }),
      );
    }
    await send(
      wallet.writeContract({
        address: bridge,
        abi: bridgeAbi,
        functionName: "deposit",
        args: [BOB],
        value: value + FEE,
      }),
    );
  }
  // A copy of deposit 0's bytes, queued directly: not genuine.
  const queuedLogs = await client.getContractEvents({
    address: inbox,
    abi: inboxAbi,
    eventName: "ForcedInclusionQueued",
    fromBlock: 0n,
  });
  const first = queuedLogs[0]?.args.rawTx as Hex;
  await send(
    wallet.writeContract({
      address: inbox,
      abi: inboxAbi,
      functionName: "forceInclude",
      args: [ROLLUP, first],
      value: FEE,
    }),
  );

  const queued = await client.getContractEvents({
    address: inbox,
    abi: inboxAbi,
    eventName: "ForcedInclusionQueued",
    fromBlock: 0n,
  });
  const deposits = (
    await client.getContractEvents({
      address: bridge,
      abi: bridgeAbi,
      eventName: "DepositQueued",
      fromBlock: 0n,
    })
  ).map(
    (log) =>
      log.args as { forcedIndex: bigint; depositNonce: bigint; from: Address; to: Address; value: bigint },
  );
  assert.equal(queued.length, values.length + 2);
  assert.equal(deposits.length, values.length);

  const from = wallet.account.address;
  for (const [nonce, event] of deposits.entries()) {
    assert.equal(event.depositNonce, BigInt(nonce));
    assert.equal(event.forcedIndex, BigInt(nonce < 2 ? nonce : nonce + 1));
    assert.equal(event.value, values[nonce]);
    const raw = queued[Number(event.forcedIndex)]?.args.rawTx as Hex;
    const expected = encodeDepositTx({
      chainId: ROLLUP,
      depositNonce: event.depositNonce,
      from,
      to: BOB,
      value: event.value,
    });
    assert.equal(raw, expected, `deposit ${nonce}`);
    assert.deepEqual(decodeDepositTx(raw), {
      chainId: ROLLUP,
      depositNonce: BigInt(nonce),
      from,
      to: BOB,
      value: event.value,
    });
    assert.deepEqual(isGenuineDeposit(raw, event.forcedIndex, deposits, ROLLUP), {
      chainId: ROLLUP,
      depositNonce: BigInt(nonce),
      forcedIndex: event.forcedIndex,
      from,
      to: BOB,
      value: event.value,
    });
    const viaContract = await client.readContract({
      address: bridge,
      abi: bridgeAbi,
      functionName: "encodeDeposit",
      args: [event.depositNonce, from, BOB, event.value],
    });
    assert.equal(viaContract, expected);
  }
  const foreign = queued[2]?.args.rawTx as Hex;
  assert.equal(isGenuineDeposit(foreign, 2n, deposits, ROLLUP), null);
  const copyIndex = BigInt(queued.length - 1);
  assert.equal(queued[Number(copyIndex)]?.args.rawTx, first);
  assert.equal(isGenuineDeposit(first, copyIndex, deposits, ROLLUP), null, "a copied deposit is not genuine");
  assert.equal(
    await client.getBalance({ address: bridge }),
    values.reduce((a, b) => a + b, 0n),
  );
});
