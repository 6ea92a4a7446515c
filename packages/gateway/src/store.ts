/**
 * The gateway's durable state in SQLite (WAL): every signed commitment, every promised
 * transaction, every batch, and the public stream log. Writes are group-committed: everything
 * queued while the event loop runs is written in one transaction, and the callers' promises resolve
 * only once it is on disk, so no signature leaves the process before its record is durable.
 *
 * The flush to disk happens off the event loop. SQLite runs with `synchronous=NORMAL`, so a commit
 * appends its frames to the write-ahead log without syncing; the store then `fdatasync`s the WAL file
 * on libuv's thread pool and resolves the group's promises when that returns. A crash before the
 * sync loses only records whose promises never resolved (nothing was signed out of them); SQLite's
 * recovery ignores a WAL tail that is incomplete (frames are checksummed). Checkpoints keep SQLite's
 * own syncs (WAL before, database after). Requests keep flowing while a sync is in flight: groups
 * committed meanwhile wait for the next sync.
 *
 * Records become visible (duplicate lookups, stream replay) only once durable. The write path is
 * append-only (the stream and the promised transactions are keyed by insertion order, with no
 * random-key index to update); the request-hash index lives in memory, rebuilt at open.
 *
 * The database is opened in exclusive locking mode and takes its write lock at once: a second
 * process started on the same data directory (same committer key) fails to open it.
 */
import { closeSync, existsSync, fdatasync, fsyncSync, mkdirSync, openSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Address, Hex } from "viem";

/** `fsync`: durable against power loss (the WAL is fdatasync'd before a group resolves); `os`: durable once the OS has the bytes (survives a process kill, not a power cut). */
export type Durability = "fsync" | "os";

export interface StoredTransaction {
  readonly txHash: Hex;
  readonly chainId: bigint;
  /** Null for a forced inclusion (no request). */
  readonly requestHash: Hex | null;
  /** The signer; the zero address for a forced inclusion, the L1 depositor for a deposit. */
  readonly sender: Address;
  readonly nonce: bigint;
  readonly raw: Hex;
  readonly bundle: Hex | null;
  /** Rollup position, or -1 for L1. */
  readonly position: bigint;
  readonly targetSlot: bigint;
  readonly gas: bigint;
  readonly cost: bigint;
  /** The commitment kind given to this transaction (-1 for a forced inclusion, -2 for a genuine deposit: `lanes.ts`). */
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

/** The data directory holds a store written by another schema version. */
export class StoreSchemaError extends Error {
  override readonly name = "StoreSchemaError";
}

type Waiter = { resolve: () => void; reject: (error: unknown) => void };

/** A committed group: its callers, and what becomes visible once it is durable. */
interface Group {
  /** Commit order (0, 1, 2, …). */
  readonly index: number;
  readonly waiters: Waiter[];
  readonly commitments: { requestHash: Hex; sequence: bigint }[];
  readonly lastSequence: bigint;
}

/** WAL syncs running at once on the thread pool (libuv's has 4 threads by default). */
const MAX_SYNCS_IN_FLIGHT = 2;

/** The schema this code writes (`PRAGMA user_version`). */
const SCHEMA_VERSION = 2;

export class GatewayStore {
  readonly #db: Database.Database;
  #queue: { write: Write; resolve: () => void; reject: (error: unknown) => void }[] = [];
  #scheduled = false;
  #closed = false;
  readonly #statements;
  /** The WAL file, synced after commits in `fsync` durability; null in `os` durability. */
  readonly #walFd: number | null;
  /** Committed groups not yet settled, in commit order. */
  #unsettled: Group[] = [];
  /** Groups committed so far; a sync started now covers every one of them. */
  #committedGroups = 0;
  /** Groups covered by the latest sync started. */
  #coveredGroups = 0;
  #syncsInFlight = 0;
  /** Set when a sync failed: nothing written since can be trusted durable, so the store refuses all writes. */
  #failure: Error | null = null;
  /** Durable commitments by request hash (their stream sequence). */
  readonly #byRequest = new Map<string, bigint>();
  /** The highest durable stream sequence: replay never goes past it. */
  #durable = 0n;
  #idle: (() => void)[] = [];

  private constructor(db: Database.Database, walFd: number | null) {
    this.#db = db;
    this.#walFd = walFd;
    this.#statements = {
      stream: db.prepare("INSERT INTO stream (sequence, type, request_hash, json) VALUES (?, ?, ?, ?)"),
      transaction: db.prepare(
        `INSERT INTO transactions (tx_hash, chain_id, request_hash, sender, nonce, raw, bundle, position, target_slot, gas, cost, kind, commitment_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      batch: db.prepare(
        "INSERT INTO batches (chain_id, number, hash, sequence, json) VALUES (?, ?, ?, ?, ?)",
      ),
      batchSent: db.prepare("UPDATE batches SET l1_transaction = ? WHERE chain_id = ? AND number = ?"),
      getRecord: db.prepare("SELECT json FROM stream WHERE sequence = ?"),
      streamFrom: db.prepare(
        "SELECT sequence, type, json FROM stream WHERE sequence >= ? AND sequence <= ? ORDER BY sequence LIMIT ?",
      ),
    };
    for (const row of db
      .prepare("SELECT request_hash, sequence FROM stream WHERE request_hash IS NOT NULL")
      .iterate() as IterableIterator<{ request_hash: string; sequence: number }>) {
      this.#byRequest.set(row.request_hash, BigInt(row.sequence));
    }
    this.#durable = this.lastSequence();
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
      // Commits do not sync; in `fsync` durability the store syncs the WAL itself, off the event loop.
      db.pragma("synchronous = NORMAL");
      const version = db.pragma("user_version", { simple: true }) as number;
      const tables = (
        db.prepare("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'").get() as { n: number }
      ).n;
      if (tables > 0 && version !== SCHEMA_VERSION) {
        throw new StoreSchemaError(
          `The store at ${path} has schema version ${version}; this gateway reads version ${SCHEMA_VERSION}`,
        );
      }
      // Append-only tables: `stream` by sequence (commitments carry their request hash),
      // `transactions` in insertion (rowid) order.
      db.exec(`
        BEGIN;
        CREATE TABLE IF NOT EXISTS stream (
          sequence INTEGER PRIMARY KEY, type TEXT NOT NULL, request_hash TEXT, json TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS transactions (
          tx_hash TEXT NOT NULL, chain_id TEXT NOT NULL, request_hash TEXT, sender TEXT NOT NULL, nonce TEXT NOT NULL,
          raw TEXT NOT NULL, bundle TEXT, position INTEGER NOT NULL, target_slot INTEGER NOT NULL, gas TEXT NOT NULL, cost TEXT NOT NULL,
          kind INTEGER NOT NULL, commitment_hash TEXT);
        CREATE TABLE IF NOT EXISTS batches (
          chain_id TEXT NOT NULL, number INTEGER NOT NULL, hash TEXT NOT NULL, sequence INTEGER NOT NULL, json TEXT NOT NULL,
          l1_transaction TEXT, PRIMARY KEY (chain_id, number));
        PRAGMA user_version = ${SCHEMA_VERSION};
        COMMIT;
      `);
      // Take the write lock now (kept until close in exclusive mode): a second process fails here.
      db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (error) {
      db.close();
      if (error instanceof StoreSchemaError) throw error;
      if (String((error as Error).message).includes("locked")) {
        throw new StoreLockedError(`Another gateway process holds the store of committer ${committer}`);
      }
      throw error;
    }
    let walFd: number | null = null;
    if (durability === "fsync") {
      try {
        // The schema above is a write, so the WAL exists (in exclusive mode it stays until close).
        // Make it, the database and their directory entries durable once, before any record.
        db.exec("CREATE TABLE IF NOT EXISTS wal_anchor (x INTEGER); DROP TABLE wal_anchor;");
        db.pragma("wal_checkpoint(TRUNCATE)");
        if (!existsSync(`${path}-wal`)) throw new Error("SQLite did not create its write-ahead log");
        walFd = openSync(`${path}-wal`, "r+");
        fsyncSync(walFd);
        const dirFd = openSync(dataDir, "r");
        try {
          fsyncSync(dirFd);
        } finally {
          closeSync(dirFd);
        }
      } catch (error) {
        if (walFd !== null) closeSync(walFd);
        db.close();
        throw error;
      }
    }
    return new GatewayStore(db, walFd);
  }

  /** Queues a write; resolves once it is committed (group commit). */
  #enqueue(write: Write): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("store is closed"));
    if (this.#failure !== null) return Promise.reject(this.#failure);
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
    if (this.#failure !== null) {
      for (const item of queue) item.reject(this.#failure);
      return;
    }
    try {
      this.#db.transaction(() => {
        for (const { write } of queue) this.#apply(write);
      })();
    } catch (error) {
      for (const item of queue) item.reject(error);
      return;
    }
    const commitments: Group["commitments"] = [];
    let last = 0n;
    for (const { write } of queue) {
      if (write.kind === "commitment") {
        commitments.push({ requestHash: write.record.requestHash, sequence: write.record.sequence });
        if (write.record.sequence > last) last = write.record.sequence;
      } else if (write.kind === "batch" && write.batch.sequence > last) last = write.batch.sequence;
    }
    const committed: Group = {
      index: this.#committedGroups++,
      waiters: queue,
      commitments,
      lastSequence: last,
    };
    if (this.#walFd === null) {
      this.#settle([committed], null);
      return;
    }
    this.#unsettled.push(committed);
    if (this.#syncsInFlight < MAX_SYNCS_IN_FLIGHT) this.#sync();
  }

  /** Makes durable groups visible and resolves their callers (or rejects them on a failed sync). */
  #settle(groups: Group[], error: Error | null): void {
    for (const group of groups) {
      if (error === null) {
        for (const c of group.commitments) this.#byRequest.set(c.requestHash, c.sequence);
        if (group.lastSequence > this.#durable) this.#durable = group.lastSequence;
      }
      for (const waiter of group.waiters) {
        if (error === null) waiter.resolve();
        else waiter.reject(error);
      }
    }
  }

  /**
   * Syncs the WAL on the thread pool. A sync makes durable every group committed before it started,
   * so the groups settle in commit order whichever sync returns first. Up to
   * {@link MAX_SYNCS_IN_FLIGHT} run at once: a group committed during a sync need not wait for it to
   * end before its own starts.
   */
  #sync(): void {
    const upTo = this.#committedGroups;
    this.#coveredGroups = upTo;
    this.#syncsInFlight++;
    fdatasync(this.#walFd as number, (error) => {
      this.#syncsInFlight--;
      if (error !== null && this.#failure === null) {
        // Linux reports a writeback error once: a later sync may succeed over lost pages. So one
        // failure fails every group not yet settled and every later write (the gateway must stop).
        this.#failure = new Error(
          `the store's write-ahead log could not be synced (${error.code ?? error.message})`,
        );
      }
      if (this.#failure !== null) {
        this.#settle(this.#unsettled.splice(0), this.#failure);
        if (this.#syncsInFlight === 0) this.#wakeIdle();
        return;
      }
      let count = 0;
      while (count < this.#unsettled.length && (this.#unsettled[count] as Group).index < upTo) count++;
      this.#settle(this.#unsettled.splice(0, count), error);
      if (this.#committedGroups > this.#coveredGroups) {
        this.#sync();
        return;
      }
      if (this.#syncsInFlight === 0) this.#wakeIdle();
    });
  }

  #wakeIdle(): void {
    const idle = this.#idle;
    this.#idle = [];
    for (const done of idle) done();
  }

  /** The sync failure that stopped the store, if any (health reports it). */
  get failure(): Error | null {
    return this.#failure;
  }

  #apply(write: Write): void {
    const s = this.#statements;
    switch (write.kind) {
      case "commitment":
        s.stream.run(write.record.sequence, "commitment", write.record.requestHash, write.record.json);
        for (const tx of write.record.transactions) s.transaction.run(...transactionRow(tx));
        return;
      case "forced":
        s.transaction.run(...transactionRow(write.tx));
        return;
      case "batch":
        s.batch.run(
          write.batch.chainId.toString(),
          write.batch.number,
          write.batch.hash,
          write.batch.sequence,
          write.batch.json,
        );
        s.stream.run(write.batch.sequence, "batch", null, write.batch.json);
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

  /** The durable commitment answering `requestHash`, as signed JSON. */
  commitment(requestHash: Hex): string | null {
    const sequence = this.#byRequest.get(requestHash.toLowerCase());
    if (sequence === undefined) return null;
    const row = this.#statements.getRecord.get(sequence) as { json: string } | undefined;
    return row?.json ?? null;
  }

  /** Durable stream records from `from` on, at most `limit`. */
  streamFrom(from: bigint, limit: number): StreamRecord[] {
    return (
      this.#statements.streamFrom.all(from, this.#durable, limit) as {
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
    const unnamed = count(
      "SELECT COUNT(*) AS n FROM stream WHERE (type = 'commitment') <> (request_hash IS NOT NULL)",
    );
    if (unnamed !== 0)
      throw new Error(`store inconsistent: ${unnamed} stream records with a wrong request hash`);
    const promised = count(
      "SELECT COUNT(*) AS n FROM transactions t LEFT JOIN stream s ON s.request_hash = t.request_hash WHERE t.request_hash IS NOT NULL AND s.sequence IS NULL",
    );
    if (promised !== 0)
      throw new Error(`store inconsistent: ${promised} promised transactions without a commitment`);
    const integrity = this.#db.pragma("integrity_check", { simple: true });
    if (integrity !== "ok") throw new Error(`store integrity check failed: ${String(integrity)}`);
    return {
      commitments: count("SELECT COUNT(*) AS n FROM stream WHERE type = 'commitment'"),
      streamed: count("SELECT COUNT(*) AS n FROM stream"),
      transactions: count("SELECT COUNT(*) AS n FROM transactions"),
      batches: count("SELECT COUNT(*) AS n FROM batches"),
    };
  }

  /** Writes what is queued, waits for the sync in flight, and closes. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    if (this.#syncsInFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
    if (this.#walFd !== null) closeSync(this.#walFd);
    this.#db.close();
  }
}

function transactionRow(tx: StoredTransaction) {
  return [
    tx.txHash,
    tx.chainId.toString(),
    tx.requestHash,
    tx.sender,
    tx.nonce.toString(),
    tx.raw,
    tx.bundle,
    tx.position,
    tx.targetSlot,
    tx.gas.toString(),
    tx.cost.toString(),
    tx.kind,
    tx.commitmentHash,
  ] as const;
}
