/**
 * The rollup state on disk: the world-state trie's nodes, the storage tries' nodes and contract code,
 * in one SQLite table keyed by hash.
 *
 * Everything stored is content-addressed (a trie node under its keccak256, code under
 * `"c" ‖ keccak256(code)`, ethereumjs's `CODEHASH_PREFIX`), so a key's value never changes and nothing
 * is ever deleted: every root ever flushed stays readable, and moving the state back to an older
 * root (a reorg) only moves the root. The store grows with every flushed state; pruning nodes no
 * longer reachable from the roots worth keeping is future work.
 *
 * Writes go to an in-memory buffer; reads look in the buffer, then in a bounded cache of recently
 * flushed or read nodes, then in SQLite. `flush(keep)` writes, in one transaction, only the
 * buffered nodes reachable from the state roots it is given (account tries, storage tries, code)
 * and forgets the other buffered ones: the intermediate versions the trie wrote on the way (one per
 * key updated), most of what is written (see docs/execution.md). The engine passes every root it
 * computed since the last flush, so every root it ever reported is kept. `close()` drops what was
 * not flushed, exactly as a crash would.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import {
  BranchMPTNode,
  decodeMPTNode,
  decodeRawMPTNode,
  ExtensionMPTNode,
  type MPTNode,
} from "@ethereumjs/mpt";
import { type BatchDBOp, createAccountFromRLP, type DB, type NestedUint8Array } from "@ethereumjs/util";
import Database from "better-sqlite3";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";

/**
 * Where the engine keeps trie nodes and code: `@ethereumjs/util`'s `DB` keyed by unprefixed hex
 * (as ethereumjs's trie passes keys), with byte values, plus durability.
 */
export interface TrieStore extends DB<string, Uint8Array> {
  /**
   * Makes durable the nodes put so far that the states at `keep` (state roots) need, all of them
   * without `keep`; the others may be forgotten.
   */
  flush(keep?: readonly Uint8Array[]): Promise<void>;
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

  async flush(keep?: readonly Uint8Array[]): Promise<void> {
    this.#check();
    if (this.#buffer.size === 0) return;
    const flushed = keep === undefined ? this.#buffer : reachable(this.#buffer, keep);
    this.#writeAll(flushed);
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

const CODE_PREFIX_HEX = "63"; // "c", ethereumjs's CODEHASH_PREFIX
const HASH_LENGTH = 32;

/**
 * The buffered entries the states at `stateRoots` need: their account-trie nodes, the nodes of the
 * storage tries their accounts point to, and their code. A node not in the buffer is already
 * stored, and so is everything below it (each flush stores the whole of what it keeps).
 */
function reachable(
  buffer: Map<string, Uint8Array>,
  stateRoots: readonly Uint8Array[],
): Map<string, Uint8Array> {
  const kept = new Map<string, Uint8Array>();
  const pending = stateRoots.map((hash) => ({ hash, accounts: true }));
  const visit = (node: MPTNode, accounts: boolean): void => {
    if (node instanceof BranchMPTNode) for (const [, child] of node.getChildren()) follow(child, accounts);
    else if (node instanceof ExtensionMPTNode) follow(node.value(), accounts);
    else if (accounts) {
      // A leaf of the account trie: rlp([nonce, balance, storageRoot, codeHash]).
      const value = node.value();
      if (value === null) return;
      const account = createAccountFromRLP(value);
      pending.push({ hash: account.storageRoot, accounts: false });
      const codeKey = CODE_PREFIX_HEX + Buffer.from(account.codeHash).toString("hex");
      const code = buffer.get(codeKey);
      if (code !== undefined) kept.set(codeKey, code);
    }
  };
  // A child is a hash, or a node shorter than 32 bytes embedded in its parent.
  const follow = (child: Uint8Array | NestedUint8Array, accounts: boolean): void => {
    if (child instanceof Uint8Array) {
      if (child.length === HASH_LENGTH) pending.push({ hash: child, accounts });
    } else visit(decodeRawMPTNode(child as Uint8Array[]), accounts);
  };
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const key = Buffer.from(next.hash).toString("hex");
    const bytes = buffer.get(key);
    if (bytes === undefined || kept.has(key)) continue;
    kept.set(key, bytes);
    visit(decodeMPTNode(bytes), next.accounts);
  }
  return kept;
}
