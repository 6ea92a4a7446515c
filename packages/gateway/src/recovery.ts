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

/** A worker that died is replaced after this long (recovery runs inline meanwhile). */
const RESPAWN_DELAY_MS = 1_000;

export class RecoveryPool implements SenderRecovery {
  /** Live workers by slot; null while a dead one waits to be replaced. */
  readonly #workers: (Worker | null)[];
  readonly #sampler: NodeJS.Timeout;
  readonly #respawns = new Set<NodeJS.Timeout>();
  #utilization = performance.eventLoopUtilization();
  #offload: boolean;
  /** Batches owed an answer: their jobs and the worker slot they went to. */
  readonly #waiting = new Map<number, { jobs: Job[]; slot: number }>();
  #queue: Job[] = [];
  #scheduled = false;
  #nextId = 0;
  #nextWorker = 0;
  #closed = false;

  /** `offload`: "auto" follows the event loop's utilization; "always" is for tests. */
  constructor(threads: number, offload: "auto" | "always" = "auto") {
    if (!Number.isInteger(threads) || threads < 1) throw new RangeError("threads must be a positive integer");
    this.#workers = Array.from({ length: threads }, (_, slot) => this.#spawn(slot));
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

  #spawn(slot: number): Worker {
    const worker = new Worker(new URL("./recoveryWorker.mjs", import.meta.url));
    worker.on("message", ({ id, out }: { id: number; out: Uint8Array }) => this.#answer(id, out));
    // A worker that dies takes only its own owed answers with it (those requests fail with
    // INTERNAL); its slot is refilled after a delay, so a worker that cannot start does not spin.
    let failed = false;
    const fail = (error: Error) => {
      if (failed || this.#closed) return;
      failed = true;
      this.#workers[slot] = null;
      this.#failSlot(slot, error);
      const timer = setTimeout(() => {
        this.#respawns.delete(timer);
        if (!this.#closed) this.#workers[slot] = this.#spawn(slot);
      }, RESPAWN_DELAY_MS);
      timer.unref();
      this.#respawns.add(timer);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`recovery worker exited (${code})`)));
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
    let slot = -1;
    for (let tries = 0; tries < this.#workers.length && slot < 0; tries++) {
      const candidate = this.#nextWorker++ % this.#workers.length;
      if (this.#workers[candidate] !== null) slot = candidate;
    }
    if (slot < 0) {
      // Every worker is being replaced: recover on this thread meanwhile.
      for (const job of jobs) job.resolve(recoverSigner(job.digest, job.signature, job.yParity));
      return;
    }
    const bytes = new Uint8Array(jobs.length * 97);
    jobs.forEach((job, i) => {
      bytes.set(job.digest, i * 97);
      bytes.set(job.signature, i * 97 + 32);
      bytes[i * 97 + 96] = job.yParity;
    });
    const id = this.#nextId++;
    this.#waiting.set(id, { jobs, slot });
    // Referenced while they owe an answer, so a pending request keeps the process up.
    if (this.#waiting.size === 1) this.#setRef(true);
    (this.#workers[slot] as Worker).postMessage({ id, jobs: bytes }, [bytes.buffer]);
  }

  #setRef(ref: boolean): void {
    for (const worker of this.#workers) {
      if (ref) worker?.ref();
      else worker?.unref();
    }
  }

  #answer(id: number, out: Uint8Array): void {
    const owed = this.#waiting.get(id);
    if (owed === undefined) return;
    this.#waiting.delete(id);
    if (this.#waiting.size === 0) this.#setRef(false);
    owed.jobs.forEach((job, i) => {
      job.resolve(
        out[i * 21] === 1 ? `0x${Buffer.from(out.subarray(i * 21 + 1, i * 21 + 21)).toString("hex")}` : null,
      );
    });
  }

  #failSlot(slot: number | null, error: Error): void {
    for (const [id, owed] of this.#waiting) {
      if (slot !== null && owed.slot !== slot) continue;
      this.#waiting.delete(id);
      for (const job of owed.jobs) job.reject(error);
    }
    if (this.#waiting.size === 0) this.#setRef(false);
  }

  /** Terminates the worker of `slot` as a crash would (for tests of the pool's recovery). */
  async crashWorker(slot: number): Promise<void> {
    await this.#workers[slot]?.terminate();
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sampler);
    for (const timer of this.#respawns) clearTimeout(timer);
    const error = new Error("recovery pool closed");
    for (const job of this.#queue.splice(0)) job.reject(error);
    this.#failSlot(null, error);
    await Promise.all(this.#workers.map((worker) => worker?.terminate()));
  }
}
