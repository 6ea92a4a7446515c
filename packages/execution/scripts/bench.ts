/**
 * Throughput of the execution engine on plain ETH transfers, as the gateway runs it: one `execute`
 * per transaction, with the post-state root after every transaction or only at the end, with the
 * native and the pure-JS ecrecover, in memory and over the SQLite trie store (flushed every 1,000
 * transactions, as per block). Baselines in the same run: signature recovery alone and transaction
 * decoding alone. Prints a table and, last, one JSON line.
 *
 *   node --import tsx packages/execution/scripts/bench.ts [--accounts 10000] [--sizes 100,1000,5000]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { createCustomCommon, Mainnet } from "@ethereumjs/common";
import { Capability, createTxFromRLP } from "@ethereumjs/tx";
import { type Address, type Hex, hexToBytes, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { createEthereumjsEngine, ROLLUP_HARDFORK } from "../src/ethereumjsEngine.ts";
import { loadNativeSecp256k1, nativeEcrecover } from "../src/nativeCrypto.ts";
import { openSqliteTrieStore } from "../src/sqliteTrieStore.ts";
import { blockEnv, CHAIN_ID, ETHER, GWEI, genesis } from "../src/testFixtures.ts";
import type { ExecutionEngine, RollupGenesis } from "../src/types.ts";

const { values } = parseArgs({
  options: {
    accounts: { type: "string", default: "10000" },
    sizes: { type: "string", default: "100,1000,5000" },
    senders: { type: "string", default: "50" },
  },
});
const accounts = Number(values.accounts);
const sizes = values.sizes.split(",").map(Number);
const senderCount = Number(values.senders);
const maxSize = Math.max(...sizes);
/** Transactions per flush of the SQLite store: a block. */
const FLUSH_EVERY = 1_000;
const TRANSFER_GAS = 21_000;
const storeDir = mkdtempSync(join(tmpdir(), "baton-bench-"));
let stores = 0;

const senders = Array.from({ length: senderCount }, (_, i) =>
  privateKeyToAccount(keccak256(toHex(`sender ${i}`))),
);
const recipient = (i: number): Address => `0x${keccak256(toHex(`recipient ${i}`)).slice(26)}`;

function benchGenesis(): RollupGenesis {
  const alloc: Record<Address, { balance: bigint }> = {};
  for (const sender of senders) alloc[sender.address] = { balance: 1_000n * ETHER };
  // Existing accounts make the trie as deep as a used rollup's; transfers go to fresh ones.
  for (let i = 0; i < accounts; i++) alloc[recipient(1_000_000 + i)] = { balance: 1n };
  return genesis(alloc);
}

async function signTransfers(count: number): Promise<Hex[]> {
  const txs: Hex[] = [];
  for (let i = 0; i < count; i++) {
    const sender = senders[i % senders.length];
    if (sender === undefined) throw new Error("unreachable");
    txs.push(
      await sender.signTransaction({
        type: "eip1559",
        chainId: Number(CHAIN_ID),
        nonce: Math.floor(i / senders.length),
        to: recipient(i),
        value: 1n,
        gas: 21_000n,
        maxFeePerGas: 2n * GWEI,
        maxPriorityFeePerGas: GWEI,
      }),
    );
  }
  return txs;
}

interface Row {
  readonly name: string;
  readonly n: number;
  readonly seconds: number;
  readonly perSecond: number;
  readonly heapBytesPerTx?: number;
}

async function runEngine(
  name: string,
  txs: Hex[],
  nativeCrypto: boolean,
  rootEachTx: boolean,
  persistent = false,
): Promise<Row> {
  // The genesis is written (and, persistent, flushed) before the clock starts.
  const store = persistent ? openSqliteTrieStore(join(storeDir, `${stores++}.sqlite`)) : undefined;
  const engine: ExecutionEngine = await createEthereumjsEngine(benchGenesis(), { nativeCrypto, store });
  const env = blockEnv({ gasLimit: 1_000_000_000n });
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const start = performance.now();
  for (const [i, raw] of txs.entries()) {
    const outcome = await engine.execute(raw, env, { stateRoot: rootEachTx });
    if (outcome.status !== "success") throw new Error("transfer failed");
    if (persistent && (i + 1) % FLUSH_EVERY === 0) await engine.flush();
  }
  if (persistent) await engine.flush();
  else await engine.stateRoot();
  const seconds = (performance.now() - start) / 1000;
  globalThis.gc?.();
  const heapBytesPerTx = (process.memoryUsage().heapUsed - heapBefore) / txs.length;
  await engine.close();
  await store?.close();
  return { name, n: txs.length, seconds, perSecond: txs.length / seconds, heapBytesPerTx };
}

/** Baselines: what part of a transaction's cost is decoding and signature recovery alone. */
async function runBaseline(name: string, txs: Hex[], nativeCrypto: boolean, recover: boolean): Promise<Row> {
  // A Common set up as the engine's: Prague, the rollup's chain id, the native hook or not.
  const common = createCustomCommon({ chainId: CHAIN_ID.toString() }, Mainnet, {
    hardfork: ROLLUP_HARDFORK,
    customCrypto: nativeCrypto ? { ecrecover: nativeEcrecover(loadNativeSecp256k1()) } : {},
  });
  const bytes = txs.map((raw) => hexToBytes(raw));
  const start = performance.now();
  for (const raw of bytes) {
    const tx = createTxFromRLP(raw, { common });
    if (recover) tx.getSenderAddress();
    else if (!tx.supports(Capability.EIP1559FeeMarket)) throw new Error("unexpected type");
  }
  const seconds = (performance.now() - start) / 1000;
  return { name, n: txs.length, seconds, perSecond: txs.length / seconds };
}

const all = await signTransfers(maxSize);
// Warm up the JIT on a separate engine so the first measured size is not penalised.
await runEngine("warm-up", all.slice(0, 300), true, true);
await runEngine("warm-up", all.slice(0, 300), false, true);
await runEngine("warm-up", all.slice(0, 300), true, true, true);

const rows: Row[] = [];
for (const n of sizes) {
  const txs = all.slice(0, n);
  rows.push(await runBaseline("decode only", txs, true, false));
  rows.push(await runBaseline("decode + ecrecover (native)", txs, true, true));
  rows.push(await runBaseline("decode + ecrecover (JS)", txs, false, true));
  rows.push(await runEngine("execute, root every tx (native)", txs, true, true));
  rows.push(await runEngine("execute, root at end (native)", txs, true, false));
  rows.push(await runEngine("execute, root every tx (native, SQLite)", txs, true, true, true));
  rows.push(await runEngine("execute, root at end (native, SQLite)", txs, true, false, true));
  rows.push(await runEngine("execute, root every tx (JS)", txs, false, true));
  rows.push(await runEngine("execute, root at end (JS)", txs, false, false));
}

const pad = (s: string, w: number) => s.padEnd(w);
console.log(
  `ETH transfers, ${senders.length} senders, ${accounts} accounts in genesis, node ${process.version}, ${process.platform}-${process.arch}`,
);
console.log(
  `${pad("case", 42)}${pad("txs", 7)}${pad("seconds", 10)}${pad("tx/s", 10)}${pad("Mgas/s", 9)}heap B/tx`,
);
for (const row of rows)
  console.log(
    `${pad(row.name, 42)}${pad(String(row.n), 7)}${pad(row.seconds.toFixed(3), 10)}${pad(row.perSecond.toFixed(0), 10)}${pad(((row.perSecond * TRANSFER_GAS) / 1e6).toFixed(1), 9)}${
      row.heapBytesPerTx === undefined || globalThis.gc === undefined ? "" : row.heapBytesPerTx.toFixed(0)
    }`,
  );
const linear = (name: string) => {
  const small = rows.find((r) => r.name === name && r.n === Math.min(...sizes));
  const large = rows.find((r) => r.name === name && r.n === Math.max(...sizes));
  return small && large ? large.seconds / large.n / (small.seconds / small.n) : undefined;
};
console.log(
  `cost per tx, largest vs smallest size (1.0 = linear): root every tx (native) ${linear("execute, root every tx (native)")?.toFixed(2)}, root at end (native) ${linear("execute, root at end (native)")?.toFixed(2)}`,
);
const ratio = (persistent: string, memory: string) => {
  const large = (name: string) => rows.find((r) => r.name === name && r.n === Math.max(...sizes));
  const p = large(persistent);
  const m = large(memory);
  return p && m ? p.perSecond / m.perSecond : undefined;
};
console.log(
  `SQLite vs in memory at ${Math.max(...sizes)} txs (tx/s ratio): root every tx ${ratio("execute, root every tx (native, SQLite)", "execute, root every tx (native)")?.toFixed(2)}, root at end ${ratio("execute, root at end (native, SQLite)", "execute, root at end (native)")?.toFixed(2)}`,
);
console.log(JSON.stringify({ accounts, senders: senders.length, flushEvery: FLUSH_EVERY, rows }));
rmSync(storeDir, { recursive: true, force: true });
