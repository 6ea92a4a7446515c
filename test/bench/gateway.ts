// Gateway benchmark: latency from request to signed commitment (p50, p99) at an offered rate, and
// sustained commitments per second, for L1 inclusion promises, over loopback HTTP from a separate
// load process; against two baselines measured in the same run: an echo server on the same HTTP
// stack (node:http), and a bare loop of persist + sign (the same store and signer, no HTTP).
//   npm run bench:gateway -- [--rate 2000] [--seconds 10] [--durability fsync|os] [--json]
//
// The gateway runs for real (HTTP, validation, pricing, store, signing) against anvil as its L1
// (accounts, head); its lookahead lists every slot as its own and settlement is off, so the run
// measures the request path alone.
import { fork } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startAnvil } from "@baton/devnet";
import {
  DigestSigner,
  defaultGatewayOptions,
  Gateway,
  GatewayStore,
  type LookaheadSource,
} from "@baton/gateway";
import {
  batonDomain,
  type Commitment,
  CommitmentKind,
  commitmentToJson,
  encodeCommitmentPayload,
  fastKeccak256Bytes,
  hashCommitment,
  SLOTS_PER_EPOCH,
  silentLogger,
  typedDataDigest,
} from "@baton/protocol";
import secp256k1 from "secp256k1";
import { createPublicClient, type Hex, hexToBytes, http, keccak256, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { benchKey } from "./gatewayKeys.ts";

const { values } = parseArgs({
  options: {
    rate: { type: "string", default: "2000" },
    seconds: { type: "string", default: "10" },
    durability: { type: "string", default: "fsync" },
    senders: { type: "string", default: "1500" },
    json: { type: "boolean" },
  },
});
const rate = Number(values.rate);
const seconds = Number(values.seconds);
const durability = values.durability === "os" ? "os" : "fsync";
const senders = Number(values.senders);
const COMMITTER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
const SLASHER = "0x000000000000000000000000000000000000a11c" as const;
/** A signed EIP-1559 transfer's size (the bare loop persists one per commitment, as the gateway does). */
const BARE_RAW_TX = `0x02${"ab".repeat(114)}` as Hex;
const secondsPerSlot = 12;
const genesisTime = Math.floor(Date.now() / 1000) - 100 * secondsPerSlot;

const dataDir = mkdtempSync(join(tmpdir(), "baton-bench-gateway-"));
const anvil = await startAnvil(
  { host: "127.0.0.1", port: 0, chainId: 3_151_908, genesisTime, gasLimit: 60_000_000n, hardfork: "prague" },
  { logger: silentLogger },
);
const cleanups: (() => unknown)[] = [
  () => anvil.stop(),
  () => rmSync(dataDir, { recursive: true, force: true }),
];

/** A full collection before a measured phase, so that the harness's setup garbage is not collected inside it. */
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});

/** CPU time (user + system) of another process so far, in ms, from /proc (Linux only; NaN elsewhere). */
function processCpuMs(pid: number): number {
  try {
    // Fields after the command name's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
/** The kernel's USER_HZ: 100 on every Linux this runs on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  ok: number;
  sent: number;
  backlog: number;
  errors: Record<string, number>;
  seconds: { n: number; p50Ms: number; p99Ms: number }[];
  cpuMs: number;
  /** CPU per answered request over the load's span, µs: this process (the gateway), anvil, the load. */
  cpuUsPerRequest: { gateway: number; anvil: number; load: number; total: number };
}

function runLoad(job: Record<string, unknown>): Promise<LoadResult> {
  collect();
  return new Promise((resolve, reject) => {
    const child = fork(new URL("./gatewayLoad.ts", import.meta.url).pathname, [], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let ownStart = process.cpuUsage();
    let anvilStart = Number.NaN;
    child.on("message", (message) => {
      if ((message as { started?: boolean }).started) {
        ownStart = process.cpuUsage();
        anvilStart = processCpuMs(anvil.process.pid);
        return;
      }
      const own = process.cpuUsage(ownStart);
      const anvilMs = processCpuMs(anvil.process.pid) - anvilStart;
      const result = message as Omit<LoadResult, "cpuUsPerRequest">;
      const per = (ms: number) => Number(((ms * 1000) / Math.max(1, result.ok)).toFixed(1));
      const gatewayMs = (own.user + own.system) / 1000;
      resolve({
        ...result,
        cpuUsPerRequest: {
          gateway: per(gatewayMs),
          anvil: per(anvilMs),
          load: per(result.cpuMs),
          total: per(gatewayMs + anvilMs + result.cpuMs),
        },
      });
    });
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`load process exited ${code}`));
    });
    child.send(job);
  });
}

try {
  // Fund the senders on L1: addresses from native secp256k1, balances set in JSON-RPC batches (the
  // harness keeps its own garbage small: it shares the gateway's heap).
  const rpc = createPublicClient({ transport: http(anvil.url) });
  for (let from = 0; from < senders * 2; from += 500) {
    const calls = [];
    for (let i = from; i < Math.min(from + 500, senders * 2); i++) {
      const publicKey = secp256k1.publicKeyCreate(hexToBytes(benchKey(i)), false);
      const address = `0x${fastKeccak256Bytes(publicKey.subarray(1)).slice(26)}`;
      calls.push({ jsonrpc: "2.0", id: i, method: "anvil_setBalance", params: [address, toHex(10n ** 21n)] });
    }
    const answer = await fetch(anvil.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(calls),
    });
    const results = (await answer.json()) as { error?: unknown }[];
    if (results.length !== calls.length || results.some((r) => r.error !== undefined))
      throw new Error("funding the bench senders failed");
  }
  const chainId = await rpc.getChainId();
  const committer = privateKeyToAccount(COMMITTER_KEY).address;
  const everySlotOurs: LookaheadSource = {
    async postedList(epoch) {
      return Array.from({ length: SLOTS_PER_EPOCH }, (_, i) => ({
        slot: epoch * BigInt(SLOTS_PER_EPOCH) + BigInt(i),
        registration: keccak256(toHex(i)),
        committer,
      }));
    },
  };
  const gateway = await Gateway.start(
    {
      ...defaultGatewayOptions,
      committerKey: COMMITTER_KEY,
      l1RpcUrl: anvil.url,
      contracts: { lookahead: SLASHER, inbox: SLASHER, slasher: SLASHER },
      genesisTime,
      secondsPerSlot,
      rollups: [],
      dataDir: join(dataDir, "gateway"),
      durability,
      l1GasPerSlot: 10n ** 12n,
      maxPending: 100_000,
      settle: false,
    },
    { logger: silentLogger, lookahead: everySlotOurs },
  );
  cleanups.unshift(() => gateway.close());
  const base = {
    url: gateway.url,
    path: "/commitments/v0/gateway/commitmentRequest",
    warmupSeconds: 2,
    seconds,
    chainId,
    slasher: SLASHER,
    firstNonce: 0,
    echo: false,
  };
  const perSender = Math.ceil((rate * (seconds + 3)) / senders) + 2;
  const open = await runLoad({
    ...base,
    mode: "open",
    rate,
    concurrency: 0,
    senders,
    firstSender: 0,
    perSender,
  });
  // Per-second latencies of the open loop (to tell a start-up transient from a steady queue).
  if (process.env.BENCH_DEBUG) console.log(JSON.stringify(open.seconds));
  const closed = await runLoad({
    ...base,
    mode: "closed",
    rate: 0,
    concurrency: 64,
    senders,
    firstSender: senders,
    perSender: Math.ceil((5000 * (seconds + 3)) / senders) + 2,
  });

  // Baseline 1: an echo server on the same HTTP stack.
  const echo = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString();
      res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
  const echoRun = await runLoad({
    ...base,
    url: echoUrl,
    path: "/",
    echo: true,
    mode: "closed",
    rate: 0,
    concurrency: 64,
    senders: 64,
    firstSender: 0,
    perSender: 0,
  });
  // The same echo at the offered rate: the latency floor of the load process and HTTP stack.
  const echoOpen = await runLoad({
    ...base,
    url: echoUrl,
    path: "/",
    echo: true,
    mode: "open",
    rate,
    concurrency: 0,
    senders,
    firstSender: 0,
    perSender: 0,
  });
  echo.close();

  // Baseline 2: a bare loop of sign + persist (same store, same signer, same group commit).
  const store = GatewayStore.open(join(dataDir, "bare"), committer, durability);
  const signer = new DigestSigner(COMMITTER_KEY);
  const domain = batonDomain(chainId, SLASHER);
  const bareCount = 20_000;
  // Inputs are made before the clock starts: the loop times signing, encoding and persisting only.
  const inputs = Array.from({ length: bareCount }, (_, i) => ({
    txHash: keccak256(toHex(i)),
    requestHash: keccak256(toHex(i + 1)),
  }));
  collect();
  const t0 = performance.now();
  let pending: Promise<void>[] = [];
  for (let i = 0; i < bareCount; i++) {
    const { txHash, requestHash } = inputs[i] as (typeof inputs)[number];
    const commitment: Commitment = {
      targetSlot: 100n,
      chainId: BigInt(chainId),
      kind: CommitmentKind.inclusion,
      txHash,
      position: 0n,
      parent: `0x${"00".repeat(32)}`,
      postStateRoot: `0x${"00".repeat(32)}`,
      tip: 1n,
      livenessPenalty: 1n,
      insurance: 0n,
      beneficiary: committer,
      requestHash,
    };
    const hash = hashCommitment(commitment);
    const signature = signer.sign(typedDataDigest(domain, hash));
    const json = JSON.stringify({
      payload: encodeCommitmentPayload(commitment),
      signature,
      commitment: commitmentToJson(commitment),
      hash,
    });
    pending.push(
      store.saveCommitment({
        requestHash,
        json,
        sequence: BigInt(i + 1),
        // The same rows the gateway writes for an L1 inclusion promise.
        transactions: [
          {
            txHash,
            chainId: BigInt(chainId),
            requestHash,
            sender: committer,
            nonce: BigInt(i),
            raw: BARE_RAW_TX,
            bundle: null,
            position: -1n,
            targetSlot: 100n,
            gas: 21_000n,
            cost: 2_100_000_000_000_000n,
            kind: CommitmentKind.inclusion,
            commitmentHash: hash,
          },
        ],
      }),
    );
    if (pending.length === 64) {
      await Promise.all(pending);
      pending = [];
    }
  }
  await Promise.all(pending);
  const barePersistSignRps = bareCount / ((performance.now() - t0) / 1000);
  await store.close();

  const result = {
    offeredRps: rate,
    p50Ms: Number(open.p50Ms.toFixed(3)),
    p99Ms: Number(open.p99Ms.toFixed(3)),
    rps: Number(closed.rps.toFixed(0)),
    barePersistSignRps: Number(barePersistSignRps.toFixed(0)),
    echoRps: Number(echoRun.rps.toFixed(0)),
  };
  console.log(
    `gateway benchmark: L1 inclusion promises, durability=${durability}, ${senders} senders, loopback, separate load process`,
  );
  console.log("run                         rps       p50 ms   p99 ms   ok/sent        errors");
  const row = (name: string, r: typeof open) =>
    console.log(
      `${name.padEnd(27)} ${r.rps.toFixed(0).padStart(7)}   ${r.p50Ms.toFixed(3).padStart(6)}   ${r.p99Ms.toFixed(3).padStart(6)}   ${`${r.ok}/${r.sent}`.padEnd(13)}  ${JSON.stringify(r.errors)}${r.backlog ? ` backlog ${r.backlog}` : ""}`,
    );
  row(`gateway, open loop ${rate}/s`, open);
  row("gateway, closed loop x64", closed);
  row("echo server, closed x64", echoRun);
  row(`echo server, open ${rate}/s`, echoOpen);
  console.log(`bare persist+sign loop      ${result.barePersistSignRps.toString().padStart(7)}`);
  // Where the machine's CPU goes per answered request (the gateway's share includes its worker
  // threads); with every process on the same cores, cores / total bounds the rate any one of them sees.
  const cores = availableParallelism();
  console.log(`cpu per request, µs          gateway    anvil     load    total   ceiling on ${cores} cores`);
  const cpuRow = (name: string, r: LoadResult) =>
    console.log(
      `${name.padEnd(27)} ${[r.cpuUsPerRequest.gateway, r.cpuUsPerRequest.anvil, r.cpuUsPerRequest.load, r.cpuUsPerRequest.total].map((v) => v.toFixed(0).padStart(8)).join(" ")}   ${((cores * 1e6) / r.cpuUsPerRequest.total).toFixed(0).padStart(7)}/s`,
    );
  cpuRow(`gateway, open loop ${rate}/s`, open);
  cpuRow("gateway, closed loop x64", closed);
  cpuRow("echo server, closed x64", echoRun);
  console.log(
    `targets: p50 <= 2 ms (${result.p50Ms <= 2 ? "met" : "missed"}), p99 <= 10 ms (${result.p99Ms <= 10 ? "met" : "missed"}) at ${rate}/s; ` +
      `rps >= half of bare persist+sign (${result.rps >= result.barePersistSignRps / 2 ? "met" : "missed"}: ${(result.rps / result.barePersistSignRps).toFixed(2)})`,
  );
  if (values.json) console.log(JSON.stringify(result));
} finally {
  for (const step of cleanups) await step();
}
