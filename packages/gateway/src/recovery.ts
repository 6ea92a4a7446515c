/**
 * Sender recovery off the event loop. Recovering a transaction's sender is the largest fixed cost of
 * a request (about 70 µs of native secp256k1 here), and requests are independent, so under load it
 * runs on worker threads: the signatures of every request parsed in one turn of the event loop travel
 * to a worker as one message. A hand-off costs latency (the worker must be scheduled), so while the
 * event loop is lightly used (below {@link OFFLOAD_ABOVE_UTILIZATION} over the last interval)
 * recovery stays inline. With no threads configured it always runs inline.
 */
import { performance } from "node:perf_hooks";
import { Worker } from "node:worker_threads";
import type { Address } from "viem";
import { recoverSigner } from "./crypto.ts";

export interface SenderRecovery {
  /** The address that signed `digest` (32 bytes) with `signature` (64 bytes r || s), or null. */
  recover(digest: Uint8Array, signature: Uint8Array, yParity: number): Promise<Address | null>;
  close(): Promise<void>;
}

/** Recovery on the calling thread. */
export const inlineRecovery: SenderRecovery = {
  recover: async (digest, signature, yParity) => recoverSigner(digest, signature, yParity),
  close: async () => {},
};

interface Job {
  readonly digest: Uint8Array;
  readonly signature: Uint8Array;
  readonly yParity: number;
  readonly resolve: (address: Address | null) => void;
  readonly reject: (error: Error) => void;
}

/** Event-loop utilization above which recovery moves to the workers. */
export const OFFLOAD_ABOVE_UTILIZATION = 0.5;
const UTILIZATION_INTERVAL_MS = 100;

export class RecoveryPool implements SenderRecovery {
  readonly #workers: Worker[];
  readonly #sampler: NodeJS.Timeout;
  #utilization = performance.eventLoopUtilization();
  #offload: boolean;
  readonly #waiting = new Map<number, Job[]>();
  #queue: Job[] = [];
  #scheduled = false;
  #nextId = 0;
  #nextWorker = 0;
  #closed = false;

  /** `offload`: "auto" follows the event loop's utilization; "always" is for tests. */
  constructor(threads: number, offload: "auto" | "always" = "auto") {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError("threads must be a positive integer");
    this.#workers = Array.from({ length: threads }, (_, i) => this.#spawn(i));
    this.#offload = offload === "always";
    this.#sampler = setInterval(() => {
      if (offload === "always") return;
      const now = performance.eventLoopUtilization();
      this.#offload =
        performance.eventLoopUtilization(now, this.#utilization).utilization > OFFLOAD_ABOVE_UTILIZATION;
      this.#utilization = now;
    }, UTILIZATION_INTERVAL_MS);
    this.#sampler.unref();
  }

  /** Whether recovery currently goes to the workers. */
  get offloading(): boolean {
    return this.#offload;
  }

  #spawn(index: number): Worker {
    const worker = new Worker(new URL("./recoveryWorker.mjs", import.meta.url));
    worker.on("message", ({ id, out }: { id: number; out: Uint8Array }) => this.#answer(id, out));
    // A worker that dies takes its owed answers with it: those requests fail (INTERNAL), and a new
    // worker takes its place.
    worker.on("error", (error) => this.#fail(error));
    worker.on("exit", () => {
      if (this.#closed) return;
      this.#fail(new Error("recovery worker exited"));
      this.#workers[index] = this.#spawn(index);
    });
    // Idle workers must not keep the process alive.
    if (this.#waiting.size === 0) worker.unref();
    return worker;
  }

  recover(digest: Uint8Array, signature: Uint8Array, yParity: number): Promise<Address | null> {
    if (this.#closed) return Promise.reject(new Error("recovery pool is closed"));
    if (!this.#offload) return Promise.resolve(recoverSigner(digest, signature, yParity));
    return new Promise((resolve, reject) => {
      this.#queue.push({ digest, signature, yParity, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#send());
      }
    });
  }

  #send(): void {
    this.#scheduled = false;
    const jobs = this.#queue;
    this.#queue = [];
    if (jobs.length === 0) return;
    const bytes = new Uint8Array(jobs.length * 97);
    jobs.forEach((job, i) => {
      bytes.set(job.digest, i * 97);
      bytes.set(job.signature, i * 97 + 32);
      bytes[i * 97 + 96] = job.yParity;
    });
    const id = this.#nextId++;
    this.#waiting.set(id, jobs);
    const worker = this.#workers[this.#nextWorker++ % this.#workers.length] as Worker;
    // Referenced while it owes an answer, so a pending request keeps the process up.
    if (this.#waiting.size === 1) for (const w of this.#workers) w.ref();
    worker.postMessage({ id, jobs: bytes }, [bytes.buffer]);
  }

  #answer(id: number, out: Uint8Array): void {
    const jobs = this.#waiting.get(id);
    if (jobs === undefined) return;
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) for (const w of this.#workers) w.unref();
    jobs.forEach((job, i) => {
      job.resolve(
        out[i * 21] === 1 ? `0x${Buffer.from(out.subarray(i * 21 + 1, i * 21 + 21)).toString("hex")}` : null,
      );
    });
  }

  #fail(error: Error): void {
    for (const jobs of this.#waiting.values()) for (const job of jobs) job.reject(error);
    this.#waiting.clear();
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#sampler);
    this.#fail(new Error("recovery pool closed"));
    await Promise.all(this.#workers.map((worker) => worker.terminate()));
  }
}
