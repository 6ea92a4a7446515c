/**
 * Raw HTTP access to a gateway for tests that look at what goes over the wire (status, content type,
 * the JSON error envelope, `/metrics`), and builders of signed transactions the harness's
 * `signedTx` does not make (legacy with any v, EIP-2930, blob, high-s, unsigned).
 */
import assert from "node:assert/strict";
import {
  type GatewayErrorCode,
  GatewayErrorCodes,
  type GatewayRouteId,
  gatewayRoutes,
  isGatewayErrorCode,
  type Route,
  type RouteInput,
  routePath,
} from "@baton/clients";
import {
  type Address,
  type Hex,
  hexToBigInt,
  keccak256,
  parseTransaction,
  serializeTransaction,
  type TransactionSerializable,
  toRlp,
} from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { GWEI, USER_KEYS } from "./harness.ts";

export interface RawResponse {
  readonly status: number;
  readonly contentType: string;
  readonly text: string;
}

export async function rawFetch(url: string, init: RequestInit = {}): Promise<RawResponse> {
  const response = await fetch(url, init);
  return {
    status: response.status,
    contentType: response.headers.get("content-type") ?? "",
    text: await response.text(),
  };
}

/** Calls a route as the client does (same encoding), but returns the raw answer. */
export function rawCall<Id extends GatewayRouteId>(
  baseUrl: string,
  id: Id,
  input: RouteInput<Id>,
): Promise<RawResponse> {
  const route = gatewayRoutes[id] as unknown as Route<RouteInput<Id>, unknown>;
  const encoded = route.encodeInput(input);
  const url = new URL(routePath(route.path, encoded.params), baseUrl);
  for (const [key, value] of Object.entries(encoded.query ?? {})) url.searchParams.set(key, value);
  return rawFetch(url.toString(), {
    method: route.method,
    headers: encoded.body === undefined ? {} : { "content-type": "application/json" },
    body: encoded.body === undefined ? undefined : JSON.stringify(encoded.body),
  });
}

/**
 * Asserts an error answer: the status the code table gives, a JSON body `{code, message}` (plus
 * `details` of scalars when there are any) and nothing else. Returns the code.
 */
export function assertErrorResponse(response: RawResponse, code?: GatewayErrorCode): GatewayErrorCode {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    assert.fail(`error body is not JSON (status ${response.status}): ${response.text.slice(0, 200)}`);
  }
  assert.ok(typeof body === "object" && body !== null && !Array.isArray(body), response.text);
  const { code: actual, message, details, ...rest } = body as Record<string, unknown>;
  assert.deepEqual(rest, {}, `unexpected fields in ${response.text.slice(0, 200)}`);
  assert.ok(isGatewayErrorCode(actual), `unknown code in ${response.text.slice(0, 200)}`);
  if (code !== undefined) assert.equal(actual, code, response.text.slice(0, 300));
  assert.equal(response.status, GatewayErrorCodes[actual].status, `status of ${actual}`);
  assert.match(response.contentType, /^application\/json/);
  assert.ok(typeof message === "string" && message.length > 0, "message");
  if (details !== undefined) {
    assert.ok(typeof details === "object" && details !== null && !Array.isArray(details), "details");
    for (const value of Object.values(details)) {
      assert.ok(value === null || ["string", "number", "boolean"].includes(typeof value), "detail value");
    }
  }
  return actual;
}

/** `baton_gateway_requests_total` from `GET /metrics`, summed by `code` over routes. */
export async function requestCountsByCode(baseUrl: string): Promise<Map<string, number>> {
  const response = await rawFetch(`${baseUrl}/metrics`);
  assert.equal(response.status, 200);
  const counts = new Map<string, number>();
  for (const line of response.text.split("\n")) {
    const match = /^baton_gateway_requests_total\{([^}]*)\} (\d+)$/.exec(line);
    if (match === null) continue;
    const code = /code="([^"]*)"/.exec(match[1] ?? "")?.[1];
    assert.ok(code !== undefined, line);
    counts.set(code, (counts.get(code) ?? 0) + Number(match[2]));
  }
  return counts;
}

// -------------------------------------------------------------------------------------------------
// Transactions.

const SECP256K1_N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function rlpInt(value: bigint): Hex {
  if (value === 0n) return "0x";
  const hex = value.toString(16);
  return `0x${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

export interface LegacyParams {
  readonly key?: Hex;
  /** EIP-155 chain id; null signs a pre-EIP-155 transaction (v = 27/28). */
  readonly chainId: bigint | null;
  readonly nonce?: bigint;
  readonly gasPrice?: bigint;
  readonly gas?: bigint;
  readonly to?: Address | null;
  readonly value?: bigint;
  readonly data?: Hex;
}

/** A legacy transaction signed by hand, so that any chain id (even past 2^53) or none can be used. */
export async function signLegacy(params: LegacyParams): Promise<Hex> {
  const fields: Hex[] = [
    rlpInt(params.nonce ?? 0n),
    rlpInt(params.gasPrice ?? 10n * GWEI),
    rlpInt(params.gas ?? 21_000n),
    params.to === null ? "0x" : (params.to ?? "0x000000000000000000000000000000000000beef"),
    rlpInt(params.value ?? 1n),
    params.data ?? "0x",
  ];
  const chainId = params.chainId;
  const digest = keccak256(toRlp(chainId === null ? fields : [...fields, rlpInt(chainId), "0x", "0x"]));
  const signature = await sign({ hash: digest, privateKey: params.key ?? (USER_KEYS[0] as Hex) });
  const parity = BigInt(signature.yParity ?? 0);
  const v = chainId === null ? 27n + parity : 35n + 2n * chainId + parity;
  return toRlp([...fields, rlpInt(v), rlpInt(hexToBigInt(signature.r)), rlpInt(hexToBigInt(signature.s))]);
}

/** Signs any viem-serializable transaction with a user key. */
export function signWith(key: Hex, tx: TransactionSerializable): Promise<Hex> {
  return privateKeyToAccount(key).signTransaction(tx);
}

/**
 * The same transaction with the other valid signature of its digest, `(r, n - s, 1 - yParity)`: the
 * same sender recovers, but `s` is in the upper half of the curve order (refused since EIP-2).
 */
export function withHighS(raw: Hex): Hex {
  const tx = parseTransaction(raw) as TransactionSerializable & {
    r: Hex;
    s: Hex;
    v?: bigint;
    yParity?: number;
  };
  const s = SECP256K1_N - hexToBigInt(tx.s);
  const { r, s: _s, v, yParity, ...unsigned } = tx;
  if (unsigned.type === "legacy" || unsigned.type === undefined) {
    const flipped = (v as bigint) % 2n === 0n ? (v as bigint) - 1n : (v as bigint) + 1n;
    return serializeTransaction(unsigned, { r, s: rlpPad(s), v: flipped });
  }
  return serializeTransaction(unsigned, { r, s: rlpPad(s), yParity: 1 - (yParity as number) });
}

function rlpPad(value: bigint): Hex {
  return `0x${value.toString(16).padStart(64, "0")}`;
}
