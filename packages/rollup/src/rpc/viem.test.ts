/**
 * viem's public actions, unchanged, against the JSON-RPC server over a chain of real executed
 * transactions (the test double in testChain.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { encodeBlockHeader, type RpcBlockHeader, silentLogger } from "@baton/protocol";
import {
  type Address,
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  encodeAbiParameters,
  type Hex,
  http,
  numberToHex,
  type PublicClient,
  pad,
  parseAbi,
  RpcRequestError,
  type TransactionSerializable,
  toFunctionSelector,
} from "viem";
import { type RpcServer, startRpcServer } from "./server.ts";
import {
  ALICE,
  BOB,
  CAROL,
  CHAIN_ID,
  deployCode,
  depositRaw,
  ETHER,
  GAS_LIMIT,
  GWEI,
  revertingRuntime,
  STORAGE_RUNTIME,
  STORED_TOPIC,
  TestChain,
} from "./testChain.ts";

const abi = parseAbi(["function get() view returns (uint256)", "error Nope(uint256 code)"]);
const NOPE_DATA =
  `${toFunctionSelector("Nope(uint256)")}${encodeAbiParameters([{ type: "uint256" }], [42n]).slice(2)}` as Hex;

type Signer = typeof ALICE;
let nonces = new Map<string, number>();
function sign(signer: Signer, tx: Partial<TransactionSerializable>): Promise<Hex> {
  const nonce = nonces.get(signer.address) ?? 0;
  nonces.set(signer.address, nonce + 1);
  const fees =
    tx.type === undefined || tx.type === "eip1559"
      ? { maxFeePerGas: 2n * GWEI, maxPriorityFeePerGas: GWEI }
      : {};
  return signer.signTransaction({
    type: "eip1559",
    chainId: Number(CHAIN_ID),
    nonce,
    gas: 200_000n,
    ...fees,
    ...tx,
  } as TransactionSerializable);
}
const word = (n: bigint): Hex => pad(numberToHex(n), { size: 32 });

let chain: TestChain;
let server: RpcServer;
let client: PublicClient;
let storage: Address;
let reverter: Address;
const raws: Record<string, Hex> = {};

before(async () => {
  nonces = new Map();
  chain = await TestChain.create();
  raws.deployStorage = await sign(ALICE, { to: null, data: deployCode(STORAGE_RUNTIME) });
  raws.deployReverter = await sign(ALICE, { to: null, data: deployCode(revertingRuntime(NOPE_DATA)) });
  await chain.mine([raws.deployStorage, raws.deployReverter]);
  storage = (await chain.receipt(await hashOf(raws.deployStorage)))!.contractAddress!;
  reverter = (await chain.receipt(await hashOf(raws.deployReverter)))!.contractAddress!;
  raws.store1 = await sign(ALICE, { to: storage, data: word(1n) });
  raws.legacy = await sign(BOB, {
    type: "legacy",
    to: CAROL,
    value: ETHER,
    gas: 21_000n,
    gasPrice: 3n * GWEI,
  } as never);
  raws.deposit = depositRaw(0n, ALICE.address.toLowerCase() as Address, CAROL, 7n);
  await chain.mine([raws.store1, raws.legacy, raws.deposit]);
  raws.store2 = await sign(ALICE, {
    type: "eip2930",
    to: storage,
    data: word(2n),
    gasPrice: 2n * GWEI,
    accessList: [{ address: storage, storageKeys: [word(0n)] }],
  } as never);
  await chain.mine([raws.store2]);
  chain.safe = 2n;
  chain.finalized = 1n;
  server = await startRpcServer({ host: "127.0.0.1", port: 0, reader: chain, logger: silentLogger });
  client = createPublicClient({ transport: http(server.url, { retryCount: 0 }), pollingInterval: 20 });
});

after(async () => {
  await server?.close();
  await chain?.close();
});

async function hashOf(raw: Hex): Promise<Hex> {
  const { keccak256 } = await import("viem");
  return keccak256(raw);
}

/** The JSON-RPC error under a viem error. */
function rpcCause(error: unknown): RpcRequestError & { data?: unknown } {
  assert.ok(error instanceof BaseError, String(error));
  const cause = error.walk((e) => e instanceof RpcRequestError);
  assert.ok(cause instanceof RpcRequestError, `no RpcRequestError under ${error.message}`);
  return cause as RpcRequestError & { data?: unknown };
}

describe("chain and accounts", () => {
  it("serves the chain id, the head, the client version and net_version", async () => {
    assert.equal(await client.getChainId(), Number(CHAIN_ID));
    assert.equal(await client.getBlockNumber({ cacheTime: 0 }), 3n);
    assert.equal(await client.request({ method: "net_version" }), CHAIN_ID.toString());
    assert.match(await client.request({ method: "web3_clientVersion" }), /^baton-rollup\//);
    assert.equal(await client.request({ method: "eth_syncing" } as never), false);
  });

  it("reads balances at latest, pending, safe, finalized, earliest, a number and an EIP-1898 hash", async () => {
    assert.equal(await client.getBalance({ address: CAROL }), ETHER);
    assert.equal(await client.getBalance({ address: CAROL, blockTag: "pending" }), ETHER);
    assert.equal(await client.getBalance({ address: CAROL, blockTag: "safe" }), ETHER);
    assert.equal(await client.getBalance({ address: CAROL, blockTag: "finalized" }), 0n);
    assert.equal(await client.getBalance({ address: BOB.address, blockTag: "earliest" }), 5n * ETHER);
    assert.equal(await client.getBalance({ address: CAROL, blockNumber: 1n }), 0n);
    const block2 = await chain.block(2n);
    const byHash = await client.request({
      method: "eth_getBalance",
      params: [CAROL, { blockHash: block2!.hash, requireCanonical: true }],
    });
    assert.equal(byHash, numberToHex(ETHER));
    const byNumber = await client.request({
      method: "eth_getBalance",
      params: [CAROL, { blockNumber: "0x1" }],
    });
    assert.equal(byNumber, "0x0");
  });

  it("reads nonces, code and storage at several blocks", async () => {
    assert.equal(await client.getTransactionCount({ address: ALICE.address }), 4);
    assert.equal(await client.getTransactionCount({ address: ALICE.address, blockNumber: 1n }), 2);
    assert.equal(await client.getTransactionCount({ address: BOB.address, blockTag: "safe" }), 1);
    assert.equal(await client.getCode({ address: storage }), STORAGE_RUNTIME);
    assert.equal(await client.getCode({ address: storage, blockTag: "earliest" }), undefined);
    assert.equal(await client.getStorageAt({ address: storage, slot: "0x0" }), word(2n));
    assert.equal(await client.getStorageAt({ address: storage, slot: word(0n), blockTag: "safe" }), word(1n));
    assert.equal(await client.getStorageAt({ address: storage, slot: "0x1" }), word(0n));
  });
});

describe("calls and gas", () => {
  it("calls a view function and decodes a revert's custom error", async () => {
    // The storage contract returns slot 0 when called without calldata.
    assert.equal((await client.call({ to: storage })).data, word(2n));
    assert.equal((await client.call({ to: storage, blockNumber: 2n })).data, word(1n));
    const { data } = await client.call({ to: storage, blockTag: "earliest" });
    assert.equal(data, undefined); // no code at genesis: empty return
    await assert.rejects(client.readContract({ address: reverter, abi, functionName: "get" }), (error) => {
      const reverted = (error as BaseError).walk((e) => e instanceof ContractFunctionRevertedError);
      assert.ok(reverted instanceof ContractFunctionRevertedError);
      assert.equal(reverted.data?.errorName, "Nope");
      assert.deepEqual(reverted.data?.args, [42n]);
      return true;
    });
    await assert.rejects(client.call({ to: reverter }), (error) => {
      const cause = rpcCause(error);
      assert.equal(cause.code, 3);
      assert.equal(cause.details, "execution reverted");
      assert.equal(cause.data, NOPE_DATA);
      return true;
    });
  });

  it("estimates exactly the gas a real execution uses, and one gas less runs out", async () => {
    const estimate = await client.estimateGas({ account: ALICE.address, to: storage, data: word(5n) });
    const short = await sign(ALICE, { to: storage, data: word(5n), gas: estimate - 1n });
    const exact = await sign(ALICE, { to: storage, data: word(5n), gas: estimate });
    const shortHash = await client.sendRawTransaction({ serializedTransaction: short });
    assert.equal(shortHash, await hashOf(short));
    const shortReceipt = await client.waitForTransactionReceipt({ hash: shortHash, timeout: 5_000 });
    assert.equal(shortReceipt.status, "reverted");
    const receipt = await client.waitForTransactionReceipt({
      hash: await client.sendRawTransaction({ serializedTransaction: exact }),
      timeout: 5_000,
    });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.gasUsed, estimate);
    assert.equal(await client.getStorageAt({ address: storage, slot: "0x0" }), word(5n));
  });

  it("estimates transfers (21000), the EIP-7623 floor and a creation", async () => {
    assert.equal(await client.estimateGas({ account: BOB.address, to: CAROL, value: 1n }), 21_000n);
    const data = `0x${"ff".repeat(1000)}` as Hex;
    const floorEstimate = await client.estimateGas({ account: BOB.address, to: CAROL, data });
    assert.equal(floorEstimate, 21_000n + 4n * 1000n * 10n);
    const create = deployCode(STORAGE_RUNTIME);
    const createEstimate = await client.estimateGas({ account: BOB.address, data: create });
    const txs = [
      await sign(BOB, { to: CAROL, data, gas: floorEstimate }),
      await sign(BOB, { to: null, data: create, gas: createEstimate }),
    ];
    for (const tx of txs) {
      const receipt = await client.waitForTransactionReceipt({
        hash: await client.sendRawTransaction({ serializedTransaction: tx }),
        timeout: 5_000,
      });
      assert.equal(receipt.status, "success");
      assert.equal(receipt.gasUsed, (await client.getTransaction({ hash: receipt.transactionHash })).gas);
    }
  });

  it("fails an estimate that always reverts with code 3 and the revert data", async () => {
    await assert.rejects(client.estimateGas({ account: ALICE.address, to: reverter }), (error) => {
      const cause = rpcCause(error);
      assert.equal(cause.code, 3);
      assert.equal(cause.data, NOPE_DATA);
      return true;
    });
  });

  it("serves gas price, tip and fee history from stored blocks", async () => {
    const tip = await client.estimateMaxPriorityFeePerGas();
    assert.ok(tip >= 0n);
    assert.equal(await client.getGasPrice(), GWEI + tip);
    const history = await client.getFeeHistory({
      blockCount: 2,
      blockNumber: 3n,
      rewardPercentiles: [25, 75],
    });
    assert.equal(history.oldestBlock, 2n);
    assert.deepEqual(history.baseFeePerGas, [GWEI, GWEI, GWEI]);
    assert.equal(history.gasUsedRatio.length, 2);
    const block2 = (await chain.block(2n))!;
    assert.equal(history.gasUsedRatio[0], Number(block2.gasUsed) / Number(GAS_LIMIT));
    // Block 2: an EIP-1559 call tipping 1 gwei and a legacy transfer at 3 gwei (tip 2 gwei).
    assert.deepEqual(history.reward?.[0], [GWEI, 2n * GWEI]);
    // Block 3: one EIP-2930 transaction at 2 gwei.
    assert.deepEqual(history.reward?.[1], [GWEI, GWEI]);
  });
});

describe("transactions, receipts and blocks", () => {
  it("serves an EIP-1559 transaction's signed fields", async () => {
    const hash = await hashOf(raws.store1!);
    // Unnarrowed: each assertion on a union member would narrow the next ones.
    const tx: Record<string, unknown> = { ...(await client.getTransaction({ hash })) };
    assert.equal(tx.type, "eip1559");
    assert.equal(tx.from, ALICE.address.toLowerCase());
    assert.equal(tx.to, storage);
    assert.equal(tx.nonce, 2);
    assert.equal(tx.gas, 200_000n);
    assert.equal(tx.maxFeePerGas, 2n * GWEI);
    assert.equal(tx.maxPriorityFeePerGas, GWEI);
    assert.equal(tx.gasPrice, 2n * GWEI); // base fee + tip, capped by the fee cap
    assert.equal(tx.input, word(1n));
    assert.equal(tx.chainId, Number(CHAIN_ID));
    assert.equal(tx.blockNumber, 2n);
    assert.equal(tx.transactionIndex, 0);
    assert.equal(tx.hash, hash);
    assert.ok(tx.yParity === 0 || tx.yParity === 1);
    assert.ok(BigInt(tx.r as Hex) > 0n && BigInt(tx.s as Hex) > 0n);
  });

  it("serves legacy and EIP-2930 transactions, and a deposit viem can format", async () => {
    const legacy = await client.getTransaction({ hash: await hashOf(raws.legacy!) });
    assert.equal(legacy.type, "legacy");
    assert.equal(legacy.gasPrice, 3n * GWEI);
    assert.equal(legacy.value, ETHER);
    assert.ok(legacy.v === CHAIN_ID * 2n + 35n || legacy.v === CHAIN_ID * 2n + 36n);
    const access = await client.getTransaction({ hash: await hashOf(raws.store2!) });
    assert.equal(access.type, "eip2930");
    assert.deepEqual(access.accessList, [{ address: storage, storageKeys: [word(0n)] }]);
    const deposit = await client.getTransaction({ hash: await hashOf(raws.deposit!) });
    assert.equal(deposit.typeHex, "0x7e");
    assert.equal(deposit.from, ALICE.address.toLowerCase());
    assert.equal(deposit.to, CAROL);
    assert.equal(deposit.value, 7n);
    assert.equal(deposit.nonce, 0);
    assert.equal(deposit.input, "0x");
    const raw = (await client.request({
      method: "eth_getTransactionByHash",
      params: [await hashOf(raws.deposit!)],
    })) as Record<string, unknown>;
    assert.equal(raw.type, "0x7e");
    for (const field of ["v", "r", "s", "yParity"]) assert.equal(field in raw, false, field);
  });

  it("serves receipts with logs, and a creation's contract address", async () => {
    const receipt = await client.getTransactionReceipt({ hash: await hashOf(raws.store1!) });
    assert.equal(receipt.status, "success");
    assert.equal(receipt.blockNumber, 2n);
    assert.equal(receipt.type, "eip1559");
    assert.equal(receipt.logs.length, 1);
    assert.deepEqual(receipt.logs[0]?.topics, [STORED_TOPIC, word(1n)]);
    assert.equal(receipt.logs[0]?.data, word(1n));
    const creation = await client.getTransactionReceipt({ hash: await hashOf(raws.deployStorage!) });
    assert.equal(creation.contractAddress, storage);
    assert.equal(creation.to, null);
    const deposit = await client.getTransactionReceipt({ hash: await hashOf(raws.deposit!) });
    assert.equal(deposit.type, "0x7e");
    assert.equal(deposit.gasUsed, 0n);
    assert.equal(await client.request({ method: "eth_getTransactionReceipt", params: [word(9n)] }), null);
  });

  it("serves blocks by number, hash and tag, with or without transactions, hashing as served", async () => {
    const byNumber = await client.getBlock({ blockNumber: 2n });
    assert.equal(byNumber.number, 2n);
    assert.equal(byNumber.transactions.length, 3);
    const byHash = await client.getBlock({ blockHash: byNumber.hash, includeTransactions: true });
    assert.equal(byHash.transactions[1]?.type, "legacy");
    assert.equal(byHash.transactions[2]?.typeHex, "0x7e");
    assert.equal((await client.getBlock({ blockTag: "safe" })).number, 2n);
    assert.equal((await client.getBlock({ blockTag: "finalized" })).number, 1n);
    assert.equal((await client.getBlock({ blockTag: "earliest" })).number, 0n);
    const latest = await client.getBlock({ blockTag: "latest", includeTransactions: true });
    assert.equal(latest.number, await client.getBlockNumber({ cacheTime: 0 }));
    assert.equal(await client.getBlockTransactionCount({ blockNumber: 2n }), 3);
    assert.equal(await client.getBlockTransactionCount({ blockHash: byNumber.hash }), 3);
    assert.equal(await client.request({ method: "eth_getBlockByNumber", params: ["0x3e8", false] }), null);
    // The served header fields hash to the block hash.
    const json = (await client.request({
      method: "eth_getBlockByNumber",
      params: ["0x2", false],
    })) as RpcBlockHeader;
    encodeBlockHeader(json);
  });

  it("filters logs by address, topics (null, OR lists), ranges, tags and block hash", async () => {
    const all = await client.getLogs({ fromBlock: 0n, toBlock: "latest" });
    assert.ok(all.length >= 3);
    const byAddress = await client.getLogs({ address: storage, fromBlock: 2n, toBlock: 3n });
    assert.deepEqual(
      byAddress.map((log) => log.topics[1]),
      [word(1n), word(2n)],
    );
    const either = (await client.request({
      method: "eth_getLogs",
      params: [
        {
          fromBlock: "0x0",
          toBlock: "latest",
          address: [storage, CAROL],
          topics: [null, [word(2n), word(1n)]],
        },
      ],
    })) as { topics: Hex[]; logIndex: Hex; blockNumber: Hex }[];
    assert.deepEqual(
      either.map((log) => log.topics[1]),
      [word(1n), word(2n)],
    );
    const none = await client.request({
      method: "eth_getLogs",
      params: [{ fromBlock: "earliest", toBlock: "safe", topics: [STORED_TOPIC, word(2n)] }],
    });
    assert.deepEqual(none, []);
    const block3 = (await chain.block(3n))!;
    const byHash = await client.getLogs({ blockHash: block3.hash });
    assert.equal(byHash.length, 1);
    assert.equal(byHash[0]?.blockHash, block3.hash);
    assert.deepEqual(await client.getLogs({ fromBlock: 1000n, toBlock: 2000n }), []);
  });
});
