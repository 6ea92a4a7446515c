export { BLOB_BASE_FEE } from "./blockEnv.ts";
export * from "./errors.ts";
export {
  createEthereumjsEngine,
  defaultEthereumjsEngineOptions,
  type EthereumjsEngineOptions,
  ROLLUP_HARDFORK,
} from "./ethereumjsEngine.ts";
export {
  defaultSqliteTrieStoreOptions,
  openSqliteTrieStore,
  SqliteTrieStore,
  type SqliteTrieStoreOptions,
  type TrieStore,
} from "./sqliteTrieStore.ts";
export * from "./types.ts";
