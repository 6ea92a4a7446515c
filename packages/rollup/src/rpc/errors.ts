/**
 * Every error the node's JSON-RPC server answers with, defined once: its stable tag (a metrics and
 * log label), its JSON-RPC error code, its default message and whose fault it is. No JSON-RPC code is
 * written anywhere else. The numeric codes follow JSON-RPC 2.0, EIP-1474 and geth (3 for a revert,
 * -32000 for a refused transaction), so that viem classifies the errors as it does geth's.
 */
import { ExecutionError } from "@baton/execution";
import type { Hex } from "viem";
import { RollupError, type RollupErrorCode } from "../errors.ts";

export const RpcErrorCodes = {
  // The envelope (JSON-RPC 2.0).
  PARSE_ERROR: { rpc: -32700, http: 200, fault: "caller", message: "Parse error: body is not valid JSON" },
  INVALID_REQUEST: { rpc: -32600, http: 200, fault: "caller", message: "Invalid request" },
  BATCH_TOO_LARGE: { rpc: -32600, http: 200, fault: "caller", message: "Batch too large" },
  EMPTY_BATCH: { rpc: -32600, http: 200, fault: "caller", message: "Empty batch" },
  BODY_TOO_LARGE: { rpc: -32600, http: 413, fault: "caller", message: "Request body too large" },
  UNSUPPORTED_MEDIA_TYPE: {
    rpc: -32600,
    http: 415,
    fault: "caller",
    message: "Content-Type must be application/json",
  },
  HTTP_METHOD_NOT_ALLOWED: { rpc: -32600, http: 405, fault: "caller", message: "Only POST is served" },
  METHOD_NOT_FOUND: { rpc: -32601, http: 200, fault: "caller", message: "Method not found" },
  INVALID_PARAMS: { rpc: -32602, http: 200, fault: "caller", message: "Invalid params" },
  INTERNAL: { rpc: -32603, http: 200, fault: "node", message: "Internal error" },
  // Reads (geth's messages).
  BLOCK_NOT_FOUND: { rpc: -32000, http: 200, fault: "caller", message: "header not found" },
  BLOCK_NOT_CANONICAL: {
    rpc: -32000,
    http: 200,
    fault: "caller",
    message: "hash is not currently canonical",
  },
  STATE_UNAVAILABLE: {
    rpc: -32000,
    http: 200,
    fault: "caller",
    message: "state not available for this block",
  },
  LOG_RANGE_TOO_LARGE: {
    rpc: -32005,
    http: 200,
    fault: "caller",
    message: "Limit exceeded: log range too large",
  },
  // Calls.
  EXECUTION_REVERTED: { rpc: 3, http: 200, fault: "caller", message: "execution reverted" },
  GAS_EXCEEDS_ALLOWANCE: {
    rpc: -32000,
    http: 200,
    fault: "caller",
    message: "gas required exceeds allowance",
  },
  EXECUTION_FAILED: {
    rpc: -32000,
    http: 200,
    fault: "caller",
    message: "execution failed: out of gas or an exceptional halt",
  },
  INTRINSIC_GAS_TOO_LOW: { rpc: -32000, http: 200, fault: "caller", message: "intrinsic gas too low" },
  INSUFFICIENT_FUNDS: { rpc: -32000, http: 200, fault: "caller", message: "insufficient funds for transfer" },
  CALL_REFUSED: { rpc: -32000, http: 200, fault: "caller", message: "call cannot be executed" },
  // Sending.
  TRANSACTION_REFUSED: {
    rpc: -32000,
    http: 200,
    fault: "caller",
    message: "transaction refused by the gateway",
  },
  GATEWAY_UNAVAILABLE: { rpc: -32002, http: 200, fault: "node", message: "gateway unavailable" },
} as const satisfies Record<string, { rpc: number; http: number; fault: "caller" | "node"; message: string }>;

export type RpcErrorCode = keyof typeof RpcErrorCodes;

/** The `error` member of a JSON-RPC response. */
export interface JsonRpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

/** An error answered to one JSON-RPC request; thrown by parameter checks and handlers. */
export class RpcError extends Error {
  override readonly name = "RpcError";
  constructor(
    readonly code: RpcErrorCode,
    message: string = RpcErrorCodes[code].message,
    readonly data?: unknown,
  ) {
    super(message);
  }

  get rpcCode(): number {
    return RpcErrorCodes[this.code].rpc;
  }

  toObject(): JsonRpcErrorObject {
    const object = { code: this.rpcCode, message: this.message };
    return this.data === undefined ? object : { ...object, data: this.data };
  }
}

/** `-32602` naming the parameter at fault. */
export function invalidParams(reason: string): RpcError {
  return new RpcError("INVALID_PARAMS", `Invalid params: ${reason}`);
}

/** A revert, as geth answers it: code 3, "execution reverted[: reason]", the revert bytes in `data`. */
export function executionReverted(data: Hex, reason?: string): RpcError {
  return new RpcError(
    "EXECUTION_REVERTED",
    reason ? `execution reverted: ${reason}` : "execution reverted",
    data,
  );
}

/**
 * geth's wording for the gateway's refusals that wallets and viem recognise by message (viem's
 * `getTransactionError` matches "nonce too low", "insufficient funds", "intrinsic gas too low"...).
 */
const GATEWAY_MESSAGES: Readonly<Record<string, string>> = {
  NONCE_TOO_LOW: "nonce too low",
  NONCE_GAP: "nonce too high",
  INSUFFICIENT_BALANCE: "insufficient funds for gas * price + value",
  TX_INTRINSIC_GAS: "intrinsic gas too low",
  TX_GAS_TOO_HIGH: "exceeds block gas limit",
  FEE_BELOW_BASE_FEE: "max fee per gas less than block base fee",
  TIP_TOO_LOW: "transaction underpriced",
  ALREADY_COMMITTED: "already known",
};

/**
 * The one table from {@link RollupErrorCode} to what the JSON-RPC answers; exhaustive, so a new
 * rollup code cannot be added without deciding its answer. Codes the reads never throw are internal.
 */
const ROLLUP_TO_RPC: Readonly<Record<RollupErrorCode, (error: RollupError) => RpcError>> = {
  LOG_RANGE_TOO_LARGE: (error) => new RpcError("LOG_RANGE_TOO_LARGE", undefined, pick(error, ["limit"])),
  GATEWAY_REFUSED: (error) => {
    const gatewayCode = typeof error.details.gatewayCode === "string" ? error.details.gatewayCode : "UNKNOWN";
    const reason = error.message.split("\n")[0] ?? "";
    const known = GATEWAY_MESSAGES[gatewayCode];
    return new RpcError("TRANSACTION_REFUSED", known ? `${known}: ${reason}` : reason, { gatewayCode });
  },
  GATEWAY_UNAVAILABLE: () => new RpcError("GATEWAY_UNAVAILABLE"),
  DATABASE_MISMATCH: () => new RpcError("INTERNAL"),
  DATABASE_LOCKED: () => new RpcError("INTERNAL"),
  INVALID_OPTION: () => new RpcError("INTERNAL"),
  L1_UNAVAILABLE: () => new RpcError("INTERNAL"),
  BLOB_UNAVAILABLE: () => new RpcError("INTERNAL"),
};

function pick(error: RollupError, keys: readonly string[]): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = error.details[key];
    if (value !== undefined) out[key] = typeof value === "bigint" ? `0x${value.toString(16)}` : value;
  }
  return Object.keys(out).length === 0 ? undefined : out;
}

/** What to answer for anything a handler threw; `internal` is true when it is our fault (to log). */
export function toRpcError(error: unknown): { error: RpcError; internal: boolean } {
  if (error instanceof RpcError) return { error, internal: RpcErrorCodes[error.code].fault === "node" };
  if (error instanceof RollupError && error.code in ROLLUP_TO_RPC) {
    const mapped = ROLLUP_TO_RPC[error.code](error);
    return { error: mapped, internal: RpcErrorCodes[mapped.code].fault === "node" };
  }
  if (error instanceof ExecutionError && error.fault !== "engine")
    return { error: new RpcError("CALL_REFUSED", error.message.split("\n")[0]), internal: false };
  return { error: new RpcError("INTERNAL"), internal: true };
}
