/**
 * The gateway's HTTP server, dispatching on `gatewayRoutes` (the table the client is derived
 * from), plus `/metrics` (Prometheus) and the WebSocket stream. Every failure is answered with a
 * coded JSON error; nothing a caller sends can throw out of a handler.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  GATEWAY_STREAM_PATH,
  GatewayApiError,
  type GatewayRouteId,
  gatewayRoutes,
  matchRoute,
  type Route,
} from "@baton/clients";
import type { Logger } from "@baton/protocol";
import type { GatewayMetrics } from "./metrics.ts";
import type { StreamHub } from "./stream.ts";

/** A handler's output already serialized as JSON (sent as is). */
export class JsonText {
  constructor(readonly text: string) {}
}

export type RouteHandlers = {
  [Id in GatewayRouteId]: (
    input: Parameters<(typeof gatewayRoutes)[Id]["encodeInput"]>[0],
  ) => Promise<unknown>;
};

export interface GatewayServer {
  readonly port: number;
  readonly url: string;
  /** Stops accepting connections; in-flight requests finish. */
  close(): Promise<void>;
}

export interface ServerDeps {
  readonly handlers: RouteHandlers;
  readonly metrics: GatewayMetrics;
  readonly stream: StreamHub;
  readonly logger: Logger;
  readonly maxBodyBytes: number;
  /** False once shutdown began: new requests get SHUTTING_DOWN. */
  readonly accepting: () => boolean;
}

/** Writes a whole response; `close` ends the connection after it (no keep-alive). */
function send(response: ServerResponse, status: number, body: string, type: string, close: boolean): void {
  if (response.headersSent) return;
  response.writeHead(status, {
    "content-type": type,
    "content-length": Buffer.byteLength(body),
    ...(close ? { connection: "close" } : {}),
  });
  response.end(body);
}

/**
 * The request target as a URL, or null when it is none (e.g. `//`, `http://[`): parsed where a throw
 * cannot escape, since a throw in the `upgrade` listener would end the process.
 */
function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? "/", "http://gateway");
  } catch {
    return null;
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(new GatewayApiError("BODY_TOO_LARGE", undefined, { limit }));
      request.resume();
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        // Keep reading (and dropping) the rest, as for a declared length: destroying the request
        // here would drop the connection before the 413 answer is written.
        chunks = [];
        reject(new GatewayApiError("BODY_TOO_LARGE", undefined, { limit }));
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    request.on("error", reject);
  });
}

export async function startGatewayServer(
  host: string,
  port: number,
  deps: ServerDeps,
): Promise<GatewayServer> {
  const routes = Object.entries(gatewayRoutes) as [GatewayRouteId, Route<unknown, unknown>][];
  // Once shutdown began, every answer closes its connection: `server.close()` waits for connections
  // still answering, and one left in keep-alive would hold it up for `keepAliveTimeout`.
  const reply = (response: ServerResponse, status: number, body: string, type = "application/json") =>
    send(response, status, body, type, !deps.accepting());

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const url = requestUrl(request);
    if (url?.pathname === "/metrics" && request.method === "GET") {
      reply(response, 200, await deps.metrics.registry.metrics(), deps.metrics.registry.contentType);
      return;
    }
    let routeId: GatewayRouteId | "unknown" = "unknown";
    try {
      let matched: {
        id: GatewayRouteId;
        route: Route<unknown, unknown>;
        params: Record<string, string>;
      } | null = null;
      let pathMatched = false;
      if (url === null) throw new GatewayApiError("ROUTE_NOT_FOUND");
      for (const [id, route] of routes) {
        let params: Record<string, string> | null;
        try {
          params = matchRoute(route.path, url.pathname);
        } catch {
          // A path parameter that is not valid percent-encoding (`decodeURIComponent` throws).
          throw new GatewayApiError("INVALID_REQUEST", "Path parameter is not valid percent-encoding");
        }
        if (params === null) continue;
        pathMatched = true;
        if (route.method === request.method) {
          matched = { id, route, params };
          break;
        }
      }
      if (matched === null) throw new GatewayApiError(pathMatched ? "METHOD_NOT_ALLOWED" : "ROUTE_NOT_FOUND");
      routeId = matched.id;
      let body: unknown;
      if (matched.route.method === "POST") {
        const type = String(request.headers["content-type"] ?? "");
        if (!type.startsWith("application/json")) throw new GatewayApiError("UNSUPPORTED_MEDIA_TYPE");
        const text = await readBody(request, deps.maxBodyBytes);
        try {
          body = JSON.parse(text);
        } catch {
          throw new GatewayApiError("MALFORMED_JSON");
        }
      }
      if (!deps.accepting() && routeId !== "health") throw new GatewayApiError("SHUTTING_DOWN");
      const input = matched.route.parseInput({ body, params: matched.params, query: url.searchParams });
      const handler = deps.handlers[matched.id] as (input: unknown) => Promise<unknown>;
      const output = await handler(input);
      reply(response, 200, output instanceof JsonText ? output.text : JSON.stringify(output));
      deps.metrics.requests.inc({ route: routeId, outcome: "ok", code: "OK" });
    } catch (error) {
      const apiError =
        error instanceof GatewayApiError ? error : new GatewayApiError("INTERNAL", "Internal error");
      if (!(error instanceof GatewayApiError)) {
        deps.logger.error("request failed", {
          route: routeId,
          error: String(error).split("\n")[0]?.slice(0, 300),
        });
      }
      deps.metrics.requests.inc({ route: routeId, outcome: "error", code: apiError.code });
      reply(response, apiError.status, JSON.stringify(apiError.toBody()));
    }
  };

  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
    handle(request, response).catch(() =>
      reply(response, 500, '{"code":"INTERNAL","message":"Internal error"}'),
    );
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
  });
  server.on("upgrade", (request, socket, head) => {
    const url = requestUrl(request);
    const from = url?.searchParams.get("from") ?? "0";
    if (url?.pathname !== GATEWAY_STREAM_PATH || !/^\d{1,20}$/.test(from)) {
      socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
      return;
    }
    deps.stream.upgrade(request, socket, head, BigInt(from));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    port: address.port,
    url: `http://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
