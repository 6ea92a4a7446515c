export * from "./chain/types.ts";
export * from "./errors.ts";
export { RpcError, type RpcErrorCode, RpcErrorCodes } from "./rpc/errors.ts";
export { DEPOSIT_TX_TYPE, EMPTY_HEADER_FIELDS } from "./rpc/format.ts";
export {
  defaultRpcServerOptions,
  type RpcServer,
  type RpcServerDeps,
  type RpcServerOptions,
  startRpcServer,
} from "./rpc/server.ts";
