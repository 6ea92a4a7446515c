/**
 * The node's chain database (SQLite, WAL): derived blocks, their transactions, receipts and logs;
 * the L1 inputs derivation consumed (to rebuild the deriver after a restart or a reorg without
 * asking L1 again); and the L1 cursor. The execution state lives in the trie store beside it.
 *
 * A derived block and the cursor that produced it are written in one transaction, after the trie
 * nodes of its state were flushed: a crash leaves either the block and its state, or neither.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { Hex } from "viem";
import type { L1BlockInputs } from "../derivation/inputs.ts";
import { RollupError, RollupErrorCode } from "../errors.ts";
import type { BuiltBlock } from "./blockBuilder.ts";
import type { LogFilter, RollupBlock, RollupLog, RollupReceipt, RollupTransaction } from "./types.ts";

export const CHAIN_SCHEMA_VERSION = 1;

/** JSON with bigints as `"123n"` strings (no hex or code string ends in a digit followed by `n`). */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v) => (typeof v === "bigint" ? `${v}n` : v));
}
export function fromJson<T>(text: string): T {
  return JSON.parse(text, (_key, v) =>
    typeof v === "string" && /^-?\d+n$/.test(v) ? BigInt(v.slice(0, -1)) : v,
  ) as T;
}

/** The last L1 block derivation consumed. */
export interface L1Cursor {
  readonly number: bigint;
  readonly hash: Hex;
  readonly timestamp: bigint;
}

export class ChainStore {
  readonly #db: Database.Database;
  readonly #statements;

  private constructor(db: Database.Database) {
    this.#db = db;
    this.#statements = {
      meta: db.prepare<[string], { value: string }>("SELECT value FROM meta WHERE key = ?"),
      setMeta: db.prepare(
        "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
      ),
      head: db.prepare<[], { json: string }>("SELECT json FROM blocks ORDER BY number DESC LIMIT 1"),
      byNumber: db.prepare<[number], { json: string }>("SELECT json FROM blocks WHERE number = ?"),
      byHash: db.prepare<[string], { json: string }>("SELECT json FROM blocks WHERE hash = ?"),
      insertBlock: db.prepare("INSERT INTO blocks (number, hash, l1_number, json) VALUES (?, ?, ?, ?)"),
      insertTx: db.prepare("INSERT OR REPLACE INTO transactions (hash, block_number, json) VALUES (?, ?, ?)"),
      insertReceipt: db.prepare(
        "INSERT OR REPLACE INTO receipts (tx_hash, block_number, json) VALUES (?, ?, ?)",
      ),
      insertLog: db.prepare(
        "INSERT INTO logs (block_number, log_index, address, topic0, topic1, topic2, topic3, json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      tx: db.prepare<[string], { json: string }>("SELECT json FROM transactions WHERE hash = ?"),
      receipt: db.prepare<[string], { json: string }>("SELECT json FROM receipts WHERE tx_hash = ?"),
      insertInputs: db.prepare("INSERT OR REPLACE INTO l1_inputs (number, hash, json) VALUES (?, ?, ?)"),
      inputs: db.prepare<[], { json: string }>("SELECT json FROM l1_inputs ORDER BY number"),
      inputHashes: db.prepare<[], { number: number; hash: string }>(
        "SELECT number, hash FROM l1_inputs ORDER BY number DESC",
      ),
      lastBlockAtOrBelow: db.prepare<[number], { json: string }>(
        "SELECT json FROM blocks WHERE l1_number IS NULL OR l1_number <= ? ORDER BY number DESC LIMIT 1",
      ),
    };
  }

  /**
   * Opens (or creates) the database in `dir` for the rollup `chainId` with genesis block hash
   * `genesisHash`. Throws `DATABASE_MISMATCH` for another chain, genesis or schema, and
   * `DATABASE_LOCKED` when another process holds it.
   */
  static open(dir: string, chainId: bigint, genesis: RollupBlock): ChainStore {
    mkdirSync(dir, { recursive: true });
    const db = new Database(join(dir, "chain.sqlite"));
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      // One node per database: a second process fails here instead of deriving beside the first.
      db.pragma("locking_mode = EXCLUSIVE");
      db.exec("BEGIN IMMEDIATE; COMMIT;");
    } catch (cause) {
      db.close();
      throw new RollupError(
        RollupErrorCode.databaseLocked,
        "The rollup database is in use by another process",
        {
          details: { dir },
          cause,
        },
      );
    }
    const version = db.pragma("user_version", { simple: true }) as number;
    if (version === 0) {
      db.transaction(() => {
        db.exec(`
          CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
          CREATE TABLE blocks (number INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, l1_number INTEGER, json TEXT NOT NULL);
          CREATE TABLE transactions (hash TEXT PRIMARY KEY, block_number INTEGER NOT NULL, json TEXT NOT NULL);
          CREATE INDEX transactions_block ON transactions (block_number);
          CREATE TABLE receipts (tx_hash TEXT PRIMARY KEY, block_number INTEGER NOT NULL, json TEXT NOT NULL);
          CREATE INDEX receipts_block ON receipts (block_number);
          CREATE TABLE logs (block_number INTEGER NOT NULL, log_index INTEGER NOT NULL, address TEXT NOT NULL,
            topic0 TEXT, topic1 TEXT, topic2 TEXT, topic3 TEXT, json TEXT NOT NULL, PRIMARY KEY (block_number, log_index));
          CREATE INDEX logs_address ON logs (address, block_number);
          CREATE TABLE l1_inputs (number INTEGER PRIMARY KEY, hash TEXT NOT NULL, json TEXT NOT NULL);
        `);
        db.prepare("INSERT INTO meta (key, value) VALUES ('chainId', ?), ('genesis', ?)").run(
          chainId.toString(),
          genesis.hash,
        );
        db.prepare("INSERT INTO blocks (number, hash, l1_number, json) VALUES (0, ?, NULL, ?)").run(
          genesis.hash,
          toJson(genesis),
        );
        db.pragma(`user_version = ${CHAIN_SCHEMA_VERSION}`);
      })();
    } else if (version !== CHAIN_SCHEMA_VERSION) {
      db.close();
      throw new RollupError(
        RollupErrorCode.databaseMismatch,
        "The rollup database has another schema version",
        {
          details: { dir, found: version, expected: CHAIN_SCHEMA_VERSION },
        },
      );
    }
    const store = new ChainStore(db);
    const storedChain = store.#meta("chainId");
    const storedGenesis = store.#meta("genesis");
    if (storedChain !== chainId.toString() || storedGenesis !== genesis.hash) {
      db.close();
      throw new RollupError(
        RollupErrorCode.databaseMismatch,
        "The rollup database belongs to another chain or genesis",
        {
          details: { dir, chainId: storedChain, genesis: storedGenesis },
          hint: "Point the node at a fresh data directory, or at the one this rollup wrote.",
        },
      );
    }
    return store;
  }

  #meta(key: string): string | undefined {
    return this.#statements.meta.get(key)?.value;
  }

  /** The newest derived block. */
  head(): RollupBlock {
    return fromJson<RollupBlock>((this.#statements.head.get() as { json: string }).json);
  }

  block(number: bigint): RollupBlock | null {
    const row = this.#statements.byNumber.get(Number(number));
    return row === undefined ? null : fromJson<RollupBlock>(row.json);
  }

  blockByHash(hash: Hex): RollupBlock | null {
    const row = this.#statements.byHash.get(hash.toLowerCase());
    return row === undefined ? null : fromJson<RollupBlock>(row.json);
  }

  transaction(hash: Hex): RollupTransaction | null {
    const row = this.#statements.tx.get(hash.toLowerCase());
    return row === undefined ? null : fromJson<RollupTransaction>(row.json);
  }

  receipt(hash: Hex): RollupReceipt | null {
    const row = this.#statements.receipt.get(hash.toLowerCase());
    return row === undefined ? null : fromJson<RollupReceipt>(row.json);
  }

  logs(filter: LogFilter): RollupLog[] {
    const where = ["block_number >= ?", "block_number <= ?"];
    const params: (string | number)[] = [Number(filter.fromBlock), Number(filter.toBlock)];
    if (filter.addresses.length > 0) {
      where.push(`address IN (${filter.addresses.map(() => "?").join(", ")})`);
      params.push(...filter.addresses.map((a) => a.toLowerCase()));
    }
    filter.topics.slice(0, 4).forEach((options, i) => {
      if (options === null || options.length === 0) return;
      where.push(`topic${i} IN (${options.map(() => "?").join(", ")})`);
      params.push(...options.map((t) => t.toLowerCase()));
    });
    const rows = this.#db
      .prepare<(string | number)[], { json: string }>(
        `SELECT json FROM logs WHERE ${where.join(" AND ")} ORDER BY block_number, log_index`,
      )
      .all(...params);
    return rows.map((row) => fromJson<RollupLog>(row.json));
  }

  /** The newest block derived from L1 blocks up to `l1Number` (the genesis if none). */
  lastBlockAtOrBelow(l1Number: bigint): RollupBlock {
    return fromJson<RollupBlock>(
      (this.#statements.lastBlockAtOrBelow.get(Number(l1Number)) as { json: string }).json,
    );
  }

  /** The L1 cursor: the last L1 block derivation consumed. */
  cursor(): L1Cursor | null {
    const text = this.#meta("l1Cursor");
    return text === undefined ? null : fromJson<L1Cursor>(text);
  }

  /** Every stored L1 input, oldest first (to rebuild the deriver). */
  inputs(): L1BlockInputs[] {
    return this.#statements.inputs.all().map((row) => fromJson<L1BlockInputs>(row.json));
  }

  /** Stored L1 blocks with inputs, newest first (to find where a reorg forked). */
  inputHashes(): { number: bigint; hash: Hex }[] {
    return this.#statements.inputHashes
      .all()
      .map((row) => ({ number: BigInt(row.number), hash: row.hash as Hex }));
  }

  /**
   * Records L1 blocks consumed up to `cursor` (their inputs, when they have any) and the blocks they
   * derived, in one transaction.
   */
  commit(inputs: readonly L1BlockInputs[], built: readonly BuiltBlock[], cursor: L1Cursor): void {
    const s = this.#statements;
    this.#db.transaction(() => {
      for (const block of inputs) s.insertInputs.run(Number(block.number), block.hash, toJson(block));
      for (const { block, transactions, receipts } of built) {
        s.insertBlock.run(
          Number(block.number),
          block.hash,
          block.l1 === null ? null : Number(block.l1.blockNumber),
          toJson(block),
        );
        for (const tx of transactions) s.insertTx.run(tx.hash, Number(block.number), toJson(tx));
        for (const receipt of receipts) {
          s.insertReceipt.run(receipt.transactionHash, Number(block.number), toJson(receipt));
          for (const log of receipt.logs) {
            s.insertLog.run(
              Number(block.number),
              log.logIndex,
              log.address.toLowerCase(),
              log.topics[0] ?? null,
              log.topics[1] ?? null,
              log.topics[2] ?? null,
              log.topics[3] ?? null,
              toJson(log),
            );
          }
        }
      }
      s.setMeta.run("l1Cursor", toJson(cursor));
    })();
  }

  /**
   * Forgets everything derived from L1 blocks above `l1Number` (a reorg): their inputs, the blocks
   * they derived and those blocks' transactions, receipts and logs. Returns the new head.
   */
  rollback(l1Number: bigint, cursor: L1Cursor): RollupBlock {
    const head = fromJson<RollupBlock>(
      (this.#statements.lastBlockAtOrBelow.get(Number(l1Number)) as { json: string }).json,
    );
    const above = Number(head.number);
    this.#db.transaction(() => {
      this.#db.prepare("DELETE FROM l1_inputs WHERE number > ?").run(Number(l1Number));
      for (const table of ["transactions", "receipts", "logs"])
        this.#db.prepare(`DELETE FROM ${table} WHERE block_number > ?`).run(above);
      this.#db.prepare("DELETE FROM blocks WHERE number > ?").run(above);
      this.#statements.setMeta.run("l1Cursor", toJson(cursor));
    })();
    return head;
  }

  close(): void {
    this.#db.close();
  }
}
