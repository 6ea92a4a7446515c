/**
 * The rollup state on disk: the world-state trie's nodes, the storage tries' nodes and contract code,
 * in one SQLite table keyed by hash.
 *
 * Everything stored is content-addressed (a trie node under its keccak256, code under
 * `"c" ‖ keccak256(code)`, ethereumjs's `CODEHASH_PREFIX`), so a key's value never changes and nothing
 * is ever deleted: every root ever flushed stays readable, and moving the state back to an older
 * root (a reorg) only moves the root. The store grows with every state change; pruning nodes no
 * longer reachable from the roots worth keeping is future work.
 *
 * Writes go to an in-memory buffer and reach SQLite in one transaction on `flush()`; reads look in
 * the buffer, then in a bounded cache of recently flushed or read nodes, then in SQLite. `close()`
 * drops what was not flushed, exactly as a crash would.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type { BatchDBOp, DB } from "@ethereumjs/util";
import Database from "better-sqlite3";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";

/**
 * Where the engine keeps trie nodes and code: `@ethereumjs/util`'s `DB` keyed by unprefixed hex
 * (as ethereumjs's trie passes keys), with byte values, plus durability.
 */
export interface TrieStore extends DB<string, Uint8Array> {
  /** Makes every node put so far durable. */
  flush(): Promise<void>;
  /** Releases the store; what was not flushed is lost. */
  close(): Promise<void>;
}

export interface SqliteTrieStoreOptions {
  /** Flushed or read nodes kept in memory, least recently used evicted first (a node is ~100–500 bytes). */
  readonly cacheNodes: number;
}

export const defaultSqliteTrieStoreOptions: SqliteTrieStoreOptions = {
  cacheNodes: 200_000,
};

/**
 * Opens (or creates) the store at `path`, a SQLite file (its directory is created if missing).
 * SQLite runs in WAL mode with `synchronous=FULL`: a `flush()` is on disk, power cut included, when
 * it returns.
 */
export function openSqliteTrieStore(
  path: string,
  options: Partial<SqliteTrieStoreOptions> = {},
): SqliteTrieStore {
  const config = Object.freeze({ ...defaultSqliteTrieStoreOptions, ...options });
  if (!Number.isSafeInteger(config.cacheNodes) || config.cacheNodes < 0)
    throw new ExecutionError(ExecutionErrorCode.invalidArgument, "Invalid cacheNodes", {
      details: { value: config.cacheNodes, allowed: "an integer >= 0" },
    });
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  return new SqliteTrieStore(new Database(path), config);
}

export class SqliteTrieStore implements TrieStore {
  readonly #db: Database.Database;
  readonly #select: Database.Statement<[Buffer], Buffer>;
  readonly #writeAll: (entries: Map<string, Uint8Array>) => void;
  readonly #cacheNodes: number;
  /** Put since the last flush. */
  #buffer = new Map<string, Uint8Array>();
  /** Recently flushed or read; a Map iterates in insertion order, so the first key is the least recent. */
  readonly #cache = new Map<string, Uint8Array>();
  #closed = false;

  constructor(db: Database.Database, options: SqliteTrieStoreOptions) {
    this.#db = db;
    this.#cacheNodes = options.cacheNodes;
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(
      "CREATE TABLE IF NOT EXISTS trie_nodes (key BLOB PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID",
    );
    this.#select = db.prepare<[Buffer], Buffer>("SELECT value FROM trie_nodes WHERE key = ?").pluck();
    // Content-addressed: a key already stored holds the same value.
    const insert = db.prepare<[Buffer, Uint8Array]>(
      "INSERT OR IGNORE INTO trie_nodes (key, value) VALUES (?, ?)",
    );
    this.#writeAll = db.transaction((entries: Map<string, Uint8Array>) => {
      for (const [key, value] of entries) insert.run(Buffer.from(key, "hex"), value);
    });
  }

  /** Nodes put and not yet flushed. */
  get bufferedNodes(): number {
    return this.#buffer.size;
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    this.#check();
    const buffered = this.#buffer.get(key);
    if (buffered !== undefined) return buffered;
    const cached = this.#cache.get(key);
    if (cached !== undefined) {
      this.#cache.delete(key);
      this.#cache.set(key, cached);
      return cached;
    }
    const stored = this.#select.get(Buffer.from(key, "hex"));
    if (stored === undefined) return undefined;
    this.#remember(key, stored);
    return stored;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    this.#check();
    if (!(value instanceof Uint8Array))
      throw new Error("SqliteTrieStore stores bytes: open the trie with valueEncoding Bytes");
    this.#buffer.set(key, value);
  }

  /**
   * Does nothing: a node may still be reachable from another root. ethereumjs's checkpoint layer
   * asks to delete keys it read as missing inside a checkpoint; content-addressed keys make that moot.
   */
  async del(_key: string): Promise<void> {
    this.#check();
  }

  async batch(ops: BatchDBOp<string, Uint8Array>[]): Promise<void> {
    for (const op of ops) if (op.type === "put") await this.put(op.key, op.value);
  }

  /** The same store: it has no per-copy state. */
  shallowCopy(): SqliteTrieStore {
    return this;
  }

  async open(): Promise<void> {}

  async flush(): Promise<void> {
    this.#check();
    if (this.#buffer.size === 0) return;
    this.#writeAll(this.#buffer);
    const flushed = this.#buffer;
    this.#buffer = new Map();
    for (const [key, value] of flushed) this.#remember(key, value);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#buffer.clear();
    this.#cache.clear();
    this.#db.close();
  }

  #remember(key: string, value: Uint8Array): void {
    if (this.#cacheNodes === 0) return;
    this.#cache.delete(key);
    this.#cache.set(key, value);
    if (this.#cache.size > this.#cacheNodes) {
      const oldest = this.#cache.keys().next();
      if (!oldest.done) this.#cache.delete(oldest.value);
    }
  }

  #check(): void {
    if (this.#closed) throw new ExecutionError(ExecutionErrorCode.closed, "The trie store is closed");
  }
}
