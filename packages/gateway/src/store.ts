/**
 * The gateway's durable state in SQLite (WAL): every signed commitment, every promised
 * transaction, every batch, and the public stream log. Writes are group-committed: everything
 * queued while the event loop runs is written in one transaction, and the callers' promises resolve
 * only once it is on disk, so no signature leaves the process before its record is durable.
 *
 * The database is opened in exclusive locking mode and takes its write lock at once: a second
 * process started on the same data directory (same committer key) fails to open it.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Address, Hex } from "viem";

/** `fsync`: durable against power loss (SQLite synchronous=FULL); `os`: durable once the OS has the bytes (survives a process kill, not a power cut). */
export type Durability = "fsync" | "os";

export interface StoredTransaction {
  readonly txHash: Hex;
  readonly chainId: bigint;
  /** Null for a forced inclusion (no request). */
  readonly requestHash: Hex | null;
  readonly sender: Address;
  readonly nonce: bigint;
  readonly raw: Hex;
  readonly bundle: Hex | null;
  /** Rollup position, or -1 for L1. */
  readonly position: bigint;
  readonly targetSlot: bigint;
  readonly gas: bigint;
  readonly cost: bigint;
  /** The commitment kind given to this transaction (-1 for a forced inclusion). */
  readonly kind: number;
  /** Struct hash of its commitment (parents of the ordering chain), null for a forced inclusion. */
  readonly commitmentHash: Hex | null;
}

export interface StoredBatch {
  readonly chainId: bigint;
  readonly number: bigint;
  readonly hash: Hex;
  readonly json: string;
  readonly sequence: bigint;
}

export interface StreamRecord {
  readonly sequence: bigint;
  readonly type: "commitment" | "batch";
  readonly json: string;
}

export interface CommitmentRecord {
  readonly requestHash: Hex;
  readonly json: string;
  readonly sequence: bigint;
  readonly transactions: readonly StoredTransaction[];
}

type Write =
  | { kind: "commitment"; record: CommitmentRecord }
  | { kind: "batch"; batch: StoredBatch }
  | { kind: "forced"; tx: StoredTransaction }
  | { kind: "batchSent"; chainId: bigint; number: bigint; l1Transaction: Hex };

export class StoreLockedError extends Error {
  override readonly name = "StoreLockedError";
}

export class GatewayStore {
  readonly #db: Database.Database;
  #queue: { write: Write; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;
  #closed = false;
  readonly #statements;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      commitment: db.prepare("INSERT INTO commitments (request_hash, sequence, json) VALUES (?, ?, ?)"),
      stream: db.prepare("INSERT INTO stream (sequence, type, json) VALUES (?, ?, ?)"),
      transaction: db.prepare(
        `INSERT INTO transactions (tx_hash, chain_id, request_hash, sender, nonce, raw, bundle, position, target_slot, gas, cost, kind, commitment_hash)
         VALUES (@txHash, @chainId, @requestHash, @sender, @nonce, @raw, @bundle, @position, @targetSlot, @gas, @cost, @kind, @commitmentHash)`,
      ),
      batch: db.prepare(
        "INSERT INTO batches (chain_id, number, hash, sequence, json) VALUES (?, ?, ?, ?, ?)",
      ),
      batchSent: db.prepare("UPDATE batches SET l1_transaction = ? WHERE chain_id = ? AND number = ?"),
      getCommitment: db.prepare("SELECT json FROM commitments WHERE request_hash = ?"),
      streamFrom: db.prepare(
        "SELECT sequence, type, json FROM stream WHERE sequence >= ? ORDER BY sequence LIMIT ?",
      ),
    };
  }

  /**
   * Opens (creating) `<dataDir>/gateway-<committer>.sqlite`.
   * @throws StoreLockedError when another process holds it.
   */
  static open(dataDir: string, committer: Address, durability: Durability): GatewayStore {
    mkdirSync(dataDir, { recursive: true });
    const path = join(dataDir, `gateway-${committer.toLowerCase()}.sqlite`);
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma("locking_mode = EXCLUSIVE");
      db.pragma("journal_mode = WAL");
      db.pragma(`synchronous = ${durability === "fsync" ? "FULL" : "NORMAL"}`);
      db.exec(`
        CREATE TABLE IF NOT EXISTS commitments (request_hash TEXT PRIMARY KEY, sequence INTEGER NOT NULL, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS stream (sequence INTEGER PRIMARY KEY, type TEXT NOT NULL, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS transactions (
          tx_hash TEXT PRIMARY KEY, chain_id TEXT NOT NULL, request_hash TEXT, sender TEXT NOT NULL, nonce TEXT NOT NULL,
          raw TEXT NOT NULL, bundle TEXT, position INTEGER NOT NULL, target_slot INTEGER NOT NULL, gas TEXT NOT NULL, cost TEXT NOT NULL,
          kind INTEGER NOT NULL, commitment_hash TEXT);
        CREATE TABLE IF NOT EXISTS batches (
          chain_id TEXT NOT NULL, number INTEGER NOT NULL, hash TEXT NOT NULL, sequence INTEGER NOT NULL, json TEXT NOT NULL,
          l1_transaction TEXT, PRIMARY KEY (chain_id, number));
      `);
      // Take the write lock now (kept until close in exclusive mode): a second process fails here.
      db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (error) {
      db.close();
      if (String((error as Error).message).includes("locked")) {
        throw new StoreLockedError(`Another gateway process holds the store of committer ${committer}`);
      }
      throw error;
    }
    return new GatewayStore(db);
  }

  /** Queues a write; resolves once it is committed (group commit). */
  #enqueue(write: Write): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("store is closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push({ write, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes everything queued in one transaction. */
  flush(): void {
    this.#scheduled = false;
    const queue = this.#queue;
    this.#queue = [];
    if (queue.length === 0) return;
    try {
      this.#db.transaction(() => {
        for (const { write } of queue) this.#apply(write);
      })();
    } catch (error) {
      for (const item of queue) item.reject(error);
      return;
    }
    for (const item of queue) item.resolve();
  }

  #apply(write: Write): void {
    const s = this.#statements;
    switch (write.kind) {
      case "commitment":
        s.commitment.run(write.record.requestHash, write.record.sequence, write.record.json);
        s.stream.run(write.record.sequence, "commitment", write.record.json);
        for (const tx of write.record.transactions) s.transaction.run(transactionRow(tx));
        return;
      case "forced":
        s.transaction.run(transactionRow(write.tx));
        return;
      case "batch":
        s.batch.run(
          write.batch.chainId.toString(),
          write.batch.number,
          write.batch.hash,
          write.batch.sequence,
          write.batch.json,
        );
        s.stream.run(write.batch.sequence, "batch", write.batch.json);
        return;
      case "batchSent":
        s.batchSent.run(write.l1Transaction, write.chainId.toString(), write.number);
        return;
    }
  }

  saveCommitment(record: CommitmentRecord): Promise<void> {
    return this.#enqueue({ kind: "commitment", record });
  }
  saveForced(tx: StoredTransaction): Promise<void> {
    return this.#enqueue({ kind: "forced", tx });
  }
  saveBatch(batch: StoredBatch): Promise<void> {
    return this.#enqueue({ kind: "batch", batch });
  }
  markBatchSent(chainId: bigint, number: bigint, l1Transaction: Hex): Promise<void> {
    return this.#enqueue({ kind: "batchSent", chainId, number, l1Transaction });
  }

  commitment(requestHash: Hex): string | null {
    const row = this.#statements.getCommitment.get(requestHash) as { json: string } | undefined;
    return row?.json ?? null;
  }

  /** Stream records from `from` on, at most `limit`. */
  streamFrom(from: bigint, limit: number): StreamRecord[] {
    return (
      this.#statements.streamFrom.all(from, limit) as {
        sequence: number;
        type: "commitment" | "batch";
        json: string;
      }[]
    ).map((row) => ({ sequence: BigInt(row.sequence), type: row.type, json: row.json }));
  }

  lastSequence(): bigint {
    const row = this.#db.prepare("SELECT MAX(sequence) AS s FROM stream").get() as { s: number | null };
    return row.s === null ? 0n : BigInt(row.s);
  }

  /** Every promised transaction, L1 and rollup, in the order they were promised. */
  transactions(): StoredTransaction[] {
    const rows = this.#db.prepare("SELECT * FROM transactions ORDER BY rowid").all() as Record<
      string,
      string | number | null
    >[];
    return rows.map((row) => ({
      txHash: row.tx_hash as Hex,
      chainId: BigInt(row.chain_id as string),
      requestHash: (row.request_hash as Hex | null) ?? null,
      sender: row.sender as Address,
      nonce: BigInt(row.nonce as string),
      raw: row.raw as Hex,
      bundle: (row.bundle as Hex | null) ?? null,
      position: BigInt(row.position as number),
      targetSlot: BigInt(row.target_slot as number),
      gas: BigInt(row.gas as string),
      cost: BigInt(row.cost as string),
      kind: row.kind as number,
      commitmentHash: (row.commitment_hash as Hex | null) ?? null,
    }));
  }

  /** Batches in number order per rollup, with the L1 transaction that carried them, if sent. */
  batches(): (StoredBatch & { l1Transaction: Hex | null })[] {
    const rows = this.#db.prepare("SELECT * FROM batches ORDER BY chain_id, number").all() as Record<
      string,
      string | number | null
    >[];
    return rows.map((row) => ({
      chainId: BigInt(row.chain_id as string),
      number: BigInt(row.number as number),
      hash: row.hash as Hex,
      json: row.json as string,
      sequence: BigInt(row.sequence as number),
      l1Transaction: (row.l1_transaction as Hex | null) ?? null,
    }));
  }

  /** Consistency check used by tests and at start: every commitment is on the stream, and sequences are unique. */
  check(): { commitments: number; streamed: number; transactions: number; batches: number } {
    const count = (sql: string) => (this.#db.prepare(sql).get() as { n: number }).n;
    const orphans = count(
      "SELECT COUNT(*) AS n FROM commitments c LEFT JOIN stream s ON s.sequence = c.sequence WHERE s.sequence IS NULL",
    );
    if (orphans !== 0) throw new Error(`store inconsistent: ${orphans} commitments missing from the stream`);
    const integrity = this.#db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`store integrity check failed: ${String(integrity)}`);
    return {
      commitments: count("SELECT COUNT(*) AS n FROM commitments"),
      streamed: count("SELECT COUNT(*) AS n FROM stream"),
      transactions: count("SELECT COUNT(*) AS n FROM transactions"),
      batches: count("SELECT COUNT(*) AS n FROM batches"),
    };
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }
}

function transactionRow(tx: StoredTransaction) {
  return {
    txHash: tx.txHash,
    chainId: tx.chainId.toString(),
    requestHash: tx.requestHash,
    sender: tx.sender,
    nonce: tx.nonce.toString(),
    raw: tx.raw,
    bundle: tx.bundle,
    position: tx.position,
    targetSlot: tx.targetSlot,
    gas: tx.gas.toString(),
    cost: tx.cost.toString(),
    kind: tx.kind,
    commitmentHash: tx.commitmentHash,
  };
}
