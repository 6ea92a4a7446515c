export * from "./chain/blockBuilder.ts";
export * from "./chain/chainStore.ts";
export * from "./chain/types.ts";
export * from "./derivation/blobSource.ts";
export * from "./derivation/deriver.ts";
export * from "./derivation/inputs.ts";
export * from "./derivation/l1Source.ts";
export * from "./errors.ts";
export * from "./node.ts";
export * from "./reader.ts";
export { RpcError, type RpcErrorCode, RpcErrorCodes } from "./rpc/errors.ts";
export {
  defaultRpcServerOptions,
  type RpcServer,
  type RpcServerDeps,
  type RpcServerOptions,
  startRpcServer,
} from "./rpc/server.ts";
