// The load process of `bench:gateway` (forked by gateway.ts): builds signed transactions with native
// secp256k1, sends preconfirmation requests over loopback HTTP keep-alive, and reports latencies.
// Each sender has at most one request in flight, so its nonces arrive in order.
import { connect, type Socket } from "node:net";
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

/**
 * A minimal HTTP/1.1 keep-alive client over raw sockets: one request in flight per connection, the
 * answer read by its Content-Length. node:http's client costs several times more CPU per request,
 * and on a 2-core machine that CPU comes out of the gateway's share.
 */
class Connection {
  readonly socket: Socket;
  #buffer: Buffer = Buffer.alloc(0);
  #done: ((status: number, body: Buffer) => void) | null = null;

  constructor(
    url: URL,
    readonly onError: (error: Error) => void,
  ) {
    this.socket = connect({ host: url.hostname, port: Number(url.port), noDelay: true });
    this.socket.on("data", (chunk: Buffer) => this.#read(chunk));
    this.socket.on("error", (error) => this.onError(error));
  }

  send(head: string, body: string, done: (status: number, body: Buffer) => void): void {
    this.#done = done;
    this.socket.write(head + body);
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const end = this.#buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const head = this.#buffer.toString("latin1", 0, end);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (length === null) {
      this.onError(new Error("answer without Content-Length"));
      return;
    }
    const total = end + 4 + Number(length[1]);
    if (this.#buffer.length < total) return;
    const status = Number(head.slice(9, 12));
    const body = this.#buffer.subarray(end + 4, total);
    this.#buffer = this.#buffer.subarray(total);
    const done = this.#done;
    this.#done = null;
    done?.(status, body);
  }

  close(): void {
    this.socket.destroy();
  }
}

async function run(job: Job) {
  const url = new URL(job.path, job.url);
  const head = (length: number) =>
    `POST ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
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
  const bySecond: number[][] = [];
  const codes = new Map<string, number>();
  const count = (code: string) => codes.set(code, (codes.get(code) ?? 0) + 1);
  // Connections: as many as requests may be in flight (closed loop: the concurrency; open loop: up
  // to 512, beyond which requests wait their turn and the wait counts in their latency).
  const connections: Connection[] = [];
  const idle: Connection[] = [];
  const size = job.mode === "closed" ? job.concurrency : 512;
  for (let i = 0; i < size; i++) {
    const connection = new Connection(url, (error) => count(error.message));
    connections.push(connection);
    idle.push(connection);
  }
  await Promise.all(connections.map((c) => new Promise((resolve) => c.socket.once("connect", resolve))));
  const waiting: { sender: number; t0: number }[] = [];
  let ok = 0;
  let sent = 0;
  let backlog = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  // Tells the bench the load has begun, so it can take the other processes' CPU over the same span.
  process.send?.({ started: true });
  const warmupEnd = start + job.warmupSeconds * 1000;
  const end = warmupEnd + job.seconds * 1000;
  let measuredOk = 0;

  /**
   * Sends a request for `sender`. Its latency runs from `t0`: the moment it was sent, or, when it had
   * to wait for the gateway (no free connection), the moment it was due; the client's own timer
   * granularity is not counted against the gateway, waiting for the gateway is.
   */
  const dispatch = (sender: number, t0: number) => {
    const connection = idle.pop();
    if (connection === undefined) {
      waiting.push({ sender, t0 });
      return;
    }
    const payload = job.echo ? echoBody : (next[sender] as string);
    sent++;
    connection.send(head(Buffer.byteLength(payload)), payload, (status, answer) => {
      const t1 = performance.now();
      if (status === 200) {
        ok++;
        if (t0 >= warmupEnd && t1 <= end) {
          latencies.push(t1 - t0);
          measuredOk++;
          const second = Math.floor((t0 - warmupEnd) / 1000);
          const bucket = bySecond[second] ?? [];
          bucket.push(t1 - t0);
          bySecond[second] = bucket;
        }
        if (!job.echo) {
          nonces[sender] = (nonces[sender] as number) + 1;
          const k = (nonces[sender] as number) - job.firstNonce;
          next[sender] =
            bodies[sender]?.[k] ?? body(job, keys[sender] as Uint8Array, nonces[sender] as number);
        }
      } else {
        let code = String(status);
        try {
          code = (JSON.parse(answer.toString()) as { code?: string }).code ?? code;
        } catch {}
        count(code);
      }
      idle.push(connection);
      free.push(sender);
      const queued = waiting.shift();
      if (queued !== undefined) dispatch(queued.sender, queued.t0);
      else if (job.mode === "closed" && performance.now() < end) {
        const s = free.shift();
        if (s !== undefined) dispatch(s, performance.now());
      }
    });
  };

  if (job.mode === "closed") {
    for (let i = 0; i < job.concurrency; i++) {
      const s = free.shift();
      if (s !== undefined) dispatch(s, performance.now());
    }
    await new Promise((resolve) => setTimeout(resolve, end - performance.now()));
  } else {
    // Open loop: requests are due at a fixed rate whatever the replies do, sent on a 1 ms tick; a
    // request that finds every sender still waiting for an answer is counted as backlog.
    const interval = 1000 / job.rate;
    let due = performance.now();
    while (performance.now() < end) {
      const now = performance.now();
      while (due <= now) {
        const s = free.shift();
        if (s === undefined) backlog++;
        else dispatch(s, now);
        due += interval;
      }
      // A 1 ms timer, not a spin: the load process should leave the CPU to the gateway.
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }
  await new Promise((resolve) => setTimeout(resolve, 200));
  const cpu = process.cpuUsage(cpuStart);
  for (const connection of connections) connection.close();
  const percentile = (values: number[], p: number) =>
    values[Math.min(values.length - 1, Math.floor(p * values.length))] ?? Number.NaN;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => percentile(latencies, p);
  const seconds = bySecond.map((values) => {
    values.sort((a, b) => a - b);
    return { n: values.length, p50Ms: percentile(values, 0.5), p99Ms: percentile(values, 0.99) };
  });
  return {
    sent,
    ok,
    backlog,
    rps: measuredOk / job.seconds,
    p50Ms: pct(0.5),
    p99Ms: pct(0.99),
    errors: Object.fromEntries(codes),
    seconds,
    nextNonce: Math.max(...nonces),
    /** CPU time this process spent from the first request to the last answer, in ms. */
    cpuMs: (cpu.user + cpu.system) / 1000,
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
