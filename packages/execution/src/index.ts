export { BLOB_BASE_FEE } from "./blockEnv.ts";
export * from "./errors.ts";
export {
  createEthereumjsEngine,
  defaultEthereumjsEngineOptions,
  type EthereumjsEngineOptions,
  ROLLUP_HARDFORK,
} from "./ethereumjsEngine.ts";
export * from "./types.ts";
