/**
 * The devnet's Beacon API: the subset of the beacon-APIs spec Baton's services read (genesis, spec,
 * headers, blocks, blobs, proposer duties and lookahead, states and validators, debug states, events),
 * served over `node:http` from a simulated {@link BeaconChain}, so that a service written against it
 * works unchanged against a real beacon node.
 */

import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { type Logger, silentLogger } from "@baton/protocol";
import type { ChainForkConfig } from "@lodestar/config";
import type { BeaconChain } from "../chain.ts";
import type { BlobProvider } from "./blobs.ts";
import { ApiError, errorBody, HttpStatus } from "./errors.ts";
import { createEventHub } from "./events.ts";
import { beaconApiRoutes, MediaType, type Route, type RouteResult } from "./routes.ts";

export interface BeaconApiServerOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
}

export const defaultBeaconApiServerOptions: BeaconApiServerOptions = { host: "127.0.0.1", port: 5052 };

export interface BeaconApiServerDeps {
  readonly chain: BeaconChain;
  /** The chain's config (see `devnetChainConfig`): fork names and versions, `/eth/v1/config/spec`. */
  readonly config: ChainForkConfig;
  /** Blobs for `/eth/v1/beacon/blobs/{block_id}` (see `RouteDeps.blobs` for what answers without). */
  readonly blobs?: BlobProvider;
  readonly logger?: Logger;
}

export interface BeaconApiServer {
  /** Base URL for clients, e.g. `http://127.0.0.1:5052`. */
  readonly url: string;
  readonly port: number;
  /** Stop listening, end open event streams and connections. */
  close(): Promise<void>;
}

/** What `/eth/v1/node/version` reports. */
export const BEACON_API_VERSION = "Baton/v0.1.0 (devnet)";

interface CompiledRoute {
  readonly route: Route;
  /** Literal segments as strings, parameter segments as `{ param }`. */
  readonly segments: readonly (string | { readonly param: string })[];
}

function compile(route: Route): CompiledRoute {
  const segments = route.path
    .split("/")
    .map((s) => (s.startsWith("{") && s.endsWith("}") ? { param: s.slice(1, -1) } : s));
  return { route, segments };
}

function matchPath(compiled: CompiledRoute, parts: readonly string[]): Record<string, string> | undefined {
  if (compiled.segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < parts.length; i++) {
    const segment = compiled.segments[i]!;
    const part = parts[i]!;
    if (typeof segment === "string") {
      if (segment !== part) return undefined;
    } else {
      if (part === "") return undefined;
      try {
        params[segment.param] = decodeURIComponent(part);
      } catch {
        throw ApiError.badRequest(`Invalid ${segment.param}: ${part}`);
      }
    }
  }
  return params;
}

/**
 * The preferred of `produces` by the request's `Accept` (RFC 9110 quality values); no `Accept`
 * means the route's first. Undefined when nothing it produces is acceptable.
 */
export function negotiate(accept: string | undefined, produces: readonly MediaType[]): MediaType | undefined {
  if (!accept || accept.trim() === "") return produces[0];
  let best: { type: MediaType; q: number; rank: number } | undefined;
  for (const entry of accept.split(",")) {
    const [range = "", ...parameters] = entry.split(";").map((s) => s.trim().toLowerCase());
    const qParam = parameters.find((p) => p.startsWith("q="));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!(q > 0 && q <= 1)) continue;
    produces.forEach((type, rank) => {
      const matches = range === "*/*" || range === type || range === `${type.split("/")[0]}/*`;
      if (matches && (!best || q > best.q || (q === best.q && rank < best.rank))) best = { type, q, rank };
    });
  }
  return best?.type;
}

export async function createBeaconApiServer(
  options: BeaconApiServerOptions,
  deps: BeaconApiServerDeps,
): Promise<BeaconApiServer> {
  const logger = deps.logger ?? silentLogger;
  const routes = beaconApiRoutes({
    chain: deps.chain,
    config: deps.config,
    version: BEACON_API_VERSION,
    blobs: deps.blobs,
  }).map(compile);
  const hub = createEventHub(deps.chain);
  const streams = new Set<ServerResponse>();

  const sendError = (res: ServerResponse, status: number, message: string, headers = {}) => {
    const body = JSON.stringify(errorBody(status, message));
    res.writeHead(status, {
      ...headers,
      "Content-Type": MediaType.json,
      "Content-Length": Buffer.byteLength(body),
    });
    res.end(body);
  };

  const send = (req: IncomingMessage, res: ServerResponse, result: RouteResult) => {
    switch (result.kind) {
      case "json": {
        const body = JSON.stringify(result.body);
        res.writeHead(HttpStatus.ok, {
          ...result.headers,
          "Content-Type": MediaType.json,
          "Content-Length": Buffer.byteLength(body),
        });
        res.end(body);
        return;
      }
      case "ssz":
        res.writeHead(HttpStatus.ok, {
          ...result.headers,
          "Content-Type": MediaType.ssz,
          "Content-Length": result.body.length,
        });
        res.end(result.body);
        return;
      case "status":
        res.writeHead(result.status);
        res.end();
        return;
      case "events": {
        res.writeHead(HttpStatus.ok, {
          "Content-Type": MediaType.eventStream,
          "Cache-Control": "no-cache",
          Connection: "keep-alive",
        });
        res.flushHeaders();
        const remove = hub.add({ topics: result.topics, write: (message) => res.write(message) });
        streams.add(res);
        req.socket.setTimeout(0);
        res.on("close", () => {
          remove();
          streams.delete(res);
        });
        logger.debug("event stream opened", { topics: [...result.topics] });
        return;
      }
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const parts = url.pathname.split("/");
    let pathMatched = false;
    const allowed = new Set<string>();
    for (const compiled of routes) {
      const params = matchPath(compiled, parts);
      if (!params) continue;
      pathMatched = true;
      allowed.add(compiled.route.method);
      if (compiled.route.method !== req.method) continue;
      const { route } = compiled;
      const mediaType =
        route.produces.length === 0 ? MediaType.json : negotiate(req.headers.accept, route.produces);
      if (!mediaType) {
        sendError(res, HttpStatus.notAcceptable, `Accepted media types not supported: ${req.headers.accept}`);
        return;
      }
      const result = await route.handle({ params, query: url.searchParams, mediaType });
      // The client may have gone while an asynchronous handler ran.
      if (res.destroyed) return;
      send(req, res, result);
      logger.debug("beacon api request", { route: route.operationId, status: res.statusCode });
      return;
    }
    if (pathMatched) {
      sendError(res, HttpStatus.methodNotAllowed, `Method ${req.method} not allowed on ${url.pathname}`, {
        Allow: [...allowed].join(", "),
      });
    } else {
      sendError(res, HttpStatus.notFound, `Route ${req.method} ${url.pathname} not found`);
    }
  };

  /** A handler's error, thrown or rejected alike: an ApiError is the client's answer, else a 500. */
  const answerError = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    if (res.headersSent || res.destroyed) {
      res.destroy();
    } else if (error instanceof ApiError) {
      sendError(res, error.status, error.message);
    } else {
      const message = error instanceof Error ? error.message : String(error);
      logger.error("beacon api handler failed", { url: req.url, error: message });
      sendError(res, HttpStatus.internalError, `Internal server error: ${message}`);
    }
  };

  const server = createServer((req, res) => {
    // `handle` is async: synchronous throws become rejections, so one catch answers both.
    handle(req, res).catch((error: unknown) => answerError(req, res, error));
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  server.on("error", (error) => logger.error("beacon api server error", { error: error.message }));
  const { port } = server.address() as AddressInfo;
  const url = `http://${clientHost(options.host)}:${port}`;
  logger.info("beacon api listening", { url });

  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    close() {
      closed ??= new Promise<void>((resolve) => {
        hub.close();
        for (const stream of streams) stream.end();
        streams.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closed;
    },
  };
}

/** The host clients should dial: wildcard addresses become loopback; IPv6 gets brackets. */
function clientHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}
