/**
 * The gateway API's routes, each defined once: the server (`@baton/gateway`) dispatches on this
 * table and the client below is derived from it, so the two cannot drift.
 */
import type { Hex } from "viem";
import { GatewayApiError } from "./errors.ts";
import {
  type BatchesResponseJson,
  type CommitmentRequestJson,
  type FeeInfoJson,
  type HealthJson,
  parseBatchesResponse,
  parseCommitmentRequest,
  parseFeeInfo,
  parseHealth,
  parseRequestHash,
  parseSignedCommitment,
  parseSlotInfoResponse,
  type SignedCommitmentJson,
  type SlotInfoResponseJson,
} from "./types.ts";

/** One route: how to read its input (body, path parameter, query) and its response. */
export interface Route<Input, Output> {
  readonly method: "GET" | "POST";
  /** Path template; `{name}` is a path parameter. */
  readonly path: string;
  /** Untrusted request → typed input (server side). Throws `GatewayApiError`. */
  readonly parseInput: (request: {
    body: unknown;
    params: Record<string, string>;
    query: URLSearchParams;
  }) => Input;
  /** Typed input → what the client sends. */
  readonly encodeInput: (input: Input) => {
    body?: unknown;
    params?: Record<string, string>;
    query?: Record<string, string>;
  };
  readonly parseOutput: (value: unknown) => Output;
}

function queryInteger(query: URLSearchParams, name: string, fallback: bigint): bigint {
  const raw = query.get(name);
  if (raw === null) return fallback;
  if (!/^\d{1,20}$/.test(raw))
    throw new GatewayApiError("INVALID_REQUEST", `${name} must be a decimal integer`, { field: name });
  return BigInt(raw);
}

export const gatewayRoutes = {
  /** Commitments API: request a new signed commitment. */
  commitmentRequest: {
    method: "POST",
    path: "/commitments/v0/gateway/commitmentRequest",
    parseInput: ({ body }) => parseCommitmentRequest(body),
    encodeInput: (input) => ({ body: input }),
    parseOutput: parseSignedCommitment,
  } satisfies Route<CommitmentRequestJson, SignedCommitmentJson>,
  /** Commitments API: an earlier signed commitment by its request hash. */
  commitmentResult: {
    method: "GET",
    path: "/commitments/v0/gateway/commitmentResult/{request_hash}",
    parseInput: ({ params }) => parseRequestHash(params.request_hash ?? ""),
    encodeInput: (requestHash) => ({ params: { request_hash: requestHash } }),
    parseOutput: parseSignedCommitment,
  } satisfies Route<Hex, SignedCommitmentJson>,
  /** Commitments API: what the gateway offers in the current and next epoch's slots. */
  slots: {
    method: "GET",
    path: "/commitments/v0/gateway/slots",
    parseInput: () => undefined,
    encodeInput: () => ({}),
    parseOutput: parseSlotInfoResponse,
  } satisfies Route<undefined, SlotInfoResponseJson>,
  /** Commitments API: the price of a request now (payload: UTF-8 JSON `FeeQuoteJson`). */
  fee: {
    method: "POST",
    path: "/commitments/v0/gateway/fee",
    parseInput: ({ body }) => parseCommitmentRequest(body),
    encodeInput: (input) => ({ body: input }),
    parseOutput: parseFeeInfo,
  } satisfies Route<CommitmentRequestJson, FeeInfoJson>,
  /** Baton: signed batches of a rollup from a batch number on, for includers and rollup nodes. */
  batches: {
    method: "GET",
    path: "/baton/v0/gateway/batches",
    parseInput: ({ query }) => ({
      chainId: queryInteger(query, "chain_id", 0n),
      from: queryInteger(query, "from", 0n),
    }),
    encodeInput: (input) => ({ query: { chain_id: input.chainId.toString(), from: input.from.toString() } }),
    parseOutput: parseBatchesResponse,
  } satisfies Route<{ chainId: bigint; from: bigint }, BatchesResponseJson>,
  /** Baton: liveness and what the gateway serves now. */
  health: {
    method: "GET",
    path: "/baton/v0/health",
    parseInput: () => undefined,
    encodeInput: () => ({}),
    parseOutput: parseHealth,
  } satisfies Route<undefined, HealthJson>,
} as const;

export type GatewayRoutes = typeof gatewayRoutes;
export type GatewayRouteId = keyof GatewayRoutes;
export type RouteInput<Id extends GatewayRouteId> = GatewayRoutes[Id] extends {
  encodeInput: (input: infer I) => unknown;
}
  ? I
  : never;
export type RouteOutput<Id extends GatewayRouteId> = GatewayRoutes[Id] extends {
  parseOutput: (value: unknown) => infer O;
}
  ? O
  : never;

/** The WebSocket stream of every signed commitment and batch; `?from=<sequence>` resumes. */
export const GATEWAY_STREAM_PATH = "/baton/v0/gateway/stream";

/** Fills a path template. */
export function routePath(template: string, params: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(params[name] ?? ""));
}

/** Matches a concrete path against a template; the parameters, or null. */
export function matchRoute(template: string, path: string): Record<string, string> | null {
  const names: string[] = [];
  const pattern = template
    .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{(\w+)\\?\}/g, (_, name: string) => {
      names.push(name);
      return "([^/]+)";
    });
  const match = new RegExp(`^${pattern}$`).exec(path);
  if (match === null) return null;
  const params: Record<string, string> = {};
  names.forEach((name, index) => {
    params[name] = decodeURIComponent(match[index + 1] ?? "");
  });
  return params;
}
