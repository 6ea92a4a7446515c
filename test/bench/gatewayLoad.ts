// The load process of `bench:gateway` (forked by gateway.ts): builds signed transactions with native
// secp256k1, sends preconfirmation requests over loopback HTTP keep-alive, and reports latencies.
// Each sender has at most one request in flight, so its nonces arrive in order.
import { Agent, request } from "node:http";
import { CommitmentKind, encodePreconfRequest } from "@baton/protocol";
import secp256k1 from "secp256k1";
import {
  type Hex,
  hexToBytes,
  keccak256,
  serializeTransaction,
  type TransactionSerializableEIP1559,
  toHex,
  zeroAddress,
} from "viem";
import { benchKey } from "./gatewayKeys.ts";

interface Job {
  readonly url: string;
  readonly path: string;
  readonly mode: "open" | "closed";
  readonly rate: number;
  readonly concurrency: number;
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly senders: number;
  readonly firstSender: number;
  /** Transactions signed per sender before the run (so signing stays out of the measured time). */
  readonly perSender: number;
  readonly firstNonce: number;
  readonly chainId: number;
  readonly slasher: Hex;
  /** Echo: send a fixed body of the same size. */
  readonly echo: boolean;
}

function signTx(key: Uint8Array, chainId: number, nonce: number): Hex {
  const tx: TransactionSerializableEIP1559 = {
    type: "eip1559",
    chainId,
    nonce,
    gas: 21_000n,
    to: "0x000000000000000000000000000000000000beef",
    value: 1n,
    maxFeePerGas: 100_000_000_000n,
    maxPriorityFeePerGas: 10_000_000_000n,
  };
  const digest = hexToBytes(keccak256(serializeTransaction(tx)));
  const { signature, recid } = secp256k1.ecdsaSign(digest, key);
  return serializeTransaction(tx, {
    r: toHex(signature.subarray(0, 32)),
    s: toHex(signature.subarray(32, 64)),
    yParity: recid,
  });
}

function body(job: Job, key: Uint8Array, nonce: number): string {
  const tx = signTx(key, job.chainId, nonce);
  return JSON.stringify({
    commitment_type: CommitmentKind.inclusion,
    payload: encodePreconfRequest({ transactions: [tx], slot: 0n, beneficiary: zeroAddress }),
    slasher: job.slasher,
  });
}

async function run(job: Job) {
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const url = new URL(job.path, job.url);
  const keys = Array.from({ length: job.senders }, (_, i) => hexToBytes(benchKey(job.firstSender + i)));
  const nonces = keys.map(() => job.firstNonce);
  const free: number[] = keys.map((_, i) => i);
  // Every request body is signed before the run starts.
  const bodies = keys.map((key) =>
    job.echo ? [] : Array.from({ length: job.perSender }, (_, k) => body(job, key, job.firstNonce + k)),
  );
  const next = keys.map((_, i) => bodies[i]?.[0] ?? "");
  const echoBody = JSON.stringify({
    commitment_type: 0,
    payload: `0x${"ab".repeat(400)}`,
    slasher: job.slasher,
  });
  const latencies: number[] = [];
  const codes = new Map<string, number>();
  let ok = 0;
  let sent = 0;
  let backlog = 0;
  const start = performance.now();
  const warmupEnd = start + job.warmupSeconds * 1000;
  const end = warmupEnd + job.seconds * 1000;
  let measuredOk = 0;

  const send = (sender: number) => {
    const payload = job.echo ? echoBody : (next[sender] as string);
    const t0 = performance.now();
    sent++;
    const req = request(
      url,
      {
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const t1 = performance.now();
          if (res.statusCode === 200) {
            ok++;
            if (t0 >= warmupEnd && t1 <= end) {
              latencies.push(t1 - t0);
              measuredOk++;
            }
            if (!job.echo) {
              nonces[sender] = (nonces[sender] as number) + 1;
              const k = (nonces[sender] as number) - job.firstNonce;
              next[sender] =
                bodies[sender]?.[k] ?? body(job, keys[sender] as Uint8Array, nonces[sender] as number);
            }
          } else {
            const code =
              (JSON.parse(Buffer.concat(chunks).toString()) as { code?: string }).code ??
              String(res.statusCode);
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }
          free.push(sender);
          if (job.mode === "closed" && performance.now() < end) {
            const s = free.shift();
            if (s !== undefined) send(s);
          }
        });
      },
    );
    req.on("error", (error) => {
      codes.set(error.message, (codes.get(error.message) ?? 0) + 1);
      free.push(sender);
    });
    req.end(payload);
  };

  if (job.mode === "closed") {
    for (let i = 0; i < job.concurrency; i++) {
      const s = free.shift();
      if (s !== undefined) send(s);
    }
    await new Promise((resolve) => setTimeout(resolve, end - performance.now()));
  } else {
    // Open loop: requests are due at a fixed rate whatever the replies do.
    const interval = 1000 / job.rate;
    let due = performance.now();
    while (performance.now() < end) {
      const now = performance.now();
      while (due <= now) {
        const s = free.shift();
        if (s === undefined) backlog++;
        else send(s);
        due += interval;
      }
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? Number.NaN;
  return {
    sent,
    ok,
    backlog,
    rps: measuredOk / job.seconds,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors: Object.fromEntries(codes),
    nextNonce: Math.max(...nonces),
  };
}

process.on("message", (job: Job) => {
  run(job).then(
    (result) => process.send?.(result, undefined, {}, () => process.exit(0)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});
