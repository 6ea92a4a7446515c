/**
 * The gateway API client, derived from `gatewayRoutes`: one method per route, same names.
 * Error responses are thrown as `GatewayApiError` with the server's code.
 */
import WebSocket from "ws";
import { GatewayApiError, type GatewayErrorBody, isGatewayErrorCode } from "./errors.ts";
import {
  GATEWAY_STREAM_PATH,
  type GatewayRouteId,
  gatewayRoutes,
  type Route,
  type RouteInput,
  type RouteOutput,
  routePath,
} from "./routes.ts";
import type { StreamMessageJson } from "./types.ts";

export type GatewayClient = {
  [Id in GatewayRouteId]: (input: RouteInput<Id>) => Promise<RouteOutput<Id>>;
} & {
  readonly baseUrl: string;
  /** Opens the public stream from `from` (a sequence number; 0 = everything). */
  stream(from: bigint, onMessage: (message: StreamMessageJson) => void): GatewayStream;
};

export interface GatewayStream {
  /** Resolves once the socket is open. */
  readonly opened: Promise<void>;
  /** Resolves when the socket closes, for any reason. */
  readonly closed: Promise<void>;
  close(): void;
}

export interface GatewayClientOptions {
  readonly timeoutMs?: number;
}

async function call<I, O>(baseUrl: string, route: Route<I, O>, input: I, timeoutMs: number): Promise<O> {
  const encoded = route.encodeInput(input);
  const url = new URL(routePath(route.path, encoded.params), baseUrl);
  for (const [key, value] of Object.entries(encoded.query ?? {})) url.searchParams.set(key, value);
  const response = await fetch(url, {
    method: route.method,
    headers: encoded.body === undefined ? {} : { "content-type": "application/json" },
    body: encoded.body === undefined ? undefined : JSON.stringify(encoded.body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new GatewayApiError("INTERNAL", `Gateway answered ${response.status} with a non-JSON body`);
  }
  if (!response.ok) {
    const body = json as Partial<GatewayErrorBody>;
    if (isGatewayErrorCode(body.code)) throw new GatewayApiError(body.code, body.message, body.details ?? {});
    throw new GatewayApiError("INTERNAL", `Gateway answered ${response.status}`);
  }
  return route.parseOutput(json);
}

export function createGatewayClient(baseUrl: string, options: GatewayClientOptions = {}): GatewayClient {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const client: Record<string, unknown> = { baseUrl };
  for (const [id, route] of Object.entries(gatewayRoutes)) {
    client[id] = (input: unknown) => call(baseUrl, route as Route<unknown, unknown>, input, timeoutMs);
  }
  client.stream = (from: bigint, onMessage: (message: StreamMessageJson) => void): GatewayStream => {
    const url = new URL(GATEWAY_STREAM_PATH, baseUrl);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    url.searchParams.set("from", from.toString());
    const socket = new WebSocket(url);
    const opened = new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
    });
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    opened.catch(() => {});
    socket.on("message", (data) => {
      let message: StreamMessageJson;
      try {
        message = JSON.parse(String(data)) as StreamMessageJson;
      } catch {
        return; // not JSON: no message of this stream
      }
      onMessage(message);
    });
    return { opened, closed, close: () => socket.close() };
  };
  return client as GatewayClient;
}
