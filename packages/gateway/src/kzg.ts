/**
 * KZG work off the event loop. A blob batch needs its blobs' commitments when it is cut (its
 * `dataHash` names their versioned hashes) and their proofs when it is sent; native c-kzg takes
 * about 10–40 ms a commitment and 45 ms a proof, long enough to stall every request behind it. One
 * worker thread does both; the trusted setup (about 2 s) loads there when the gateway starts.
 *
 * A worker that dies fails the jobs it owed; the next job starts a new one.
 */
import { Worker } from "node:worker_threads";
import { type BlobCarriage, commitmentVersionedHash, encodeBlobData } from "@baton/protocol";
import type { Hex } from "viem";

interface Owed {
  readonly resolve: (out: Uint8Array[]) => void;
  readonly reject: (error: Error) => void;
}

export class KzgWorker {
  #worker: Worker | null = null;
  readonly #owed = new Map<number, Owed>();
  #nextId = 0;
  #closed = false;

  /** Starts the worker (it loads the trusted setup in the background). */
  start(): void {
    this.#ensure();
  }

  /** `data` laid out in blobs, with their commitments (from the worker) and versioned hashes. */
  async carry(data: Hex): Promise<BlobCarriage> {
    const blobs = encodeBlobData(data);
    const commitments = await this.#run(
      "commit",
      blobs.map((blob) => blob.slice()),
    );
    return { blobs, commitments, versionedHashes: commitments.map(commitmentVersionedHash) };
  }

  /** The proofs of `blobs` against their commitments, as a blob transaction's sidecars carry them. */
  proofs(blobs: readonly Uint8Array[], commitments: readonly Uint8Array[]): Promise<Uint8Array[]> {
    return this.#run(
      "prove",
      blobs.map((blob) => blob.slice()),
      commitments.map((c) => c.slice()),
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    const worker = this.#worker;
    this.#worker = null;
    this.#failAll(new Error("the KZG worker is closed"));
    await worker?.terminate();
  }

  #run(op: "commit" | "prove", blobs: Uint8Array[], commitments?: Uint8Array[]): Promise<Uint8Array[]> {
    if (this.#closed) return Promise.reject(new Error("the KZG worker is closed"));
    if (blobs.length === 0) return Promise.resolve([]);
    const worker = this.#ensure();
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#owed.set(id, { resolve, reject });
      if (this.#owed.size === 1) worker.ref();
      worker.postMessage(
        { id, op, blobs, commitments },
        blobs.map((blob) => blob.buffer as ArrayBuffer),
      );
    });
  }

  #ensure(): Worker {
    if (this.#worker !== null) return this.#worker;
    const worker = new Worker(new URL("./kzgWorker.mjs", import.meta.url));
    worker.on("message", ({ id, out, error }: { id: number; out?: Uint8Array[]; error?: string }) => {
      const owed = this.#owed.get(id);
      if (owed === undefined) return;
      this.#owed.delete(id);
      if (this.#owed.size === 0) worker.unref();
      if (error !== undefined) owed.reject(new Error(`KZG: ${error}`));
      else owed.resolve((out ?? []).map((value) => new Uint8Array(value)));
    });
    const fail = (error: Error) => {
      if (this.#worker !== worker) return;
      this.#worker = null;
      this.#failAll(error);
    };
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`the KZG worker exited (${code})`)));
    // An idle worker must not keep the process alive.
    worker.unref();
    this.#worker = worker;
    return worker;
  }

  #failAll(error: Error): void {
    const owed = [...this.#owed.values()];
    this.#owed.clear();
    for (const { reject } of owed) reject(error);
  }
}
