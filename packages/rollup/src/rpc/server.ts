/**
 * The rollup node's Ethereum JSON-RPC 2.0 server over HTTP (node:http), reading through a
 * {@link ChainReader}: single and batch requests, a body size limit, a batch size limit, and an
 * answer for every input (nothing a caller sends can throw out of a handler).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Logger } from "@baton/protocol";
import type { ChainReader } from "../chain/types.ts";
import { type JsonRpcErrorObject, RpcError, type RpcErrorCode, RpcErrorCodes, toRpcError } from "./errors.ts";
import { TipOracle } from "./fees.ts";
import { type MethodContext, methods } from "./methods.ts";
import { positional } from "./params.ts";

export interface RpcServerOptions {
  readonly host: string;
  /** 0: any free port. */
  readonly port: number;
  /** Largest request body read (bytes); a larger one is answered 413. */
  readonly maxBodyBytes: number;
  /** Most requests in one batch. */
  readonly maxBatch: number;
  /** Floor of the suggested tip (`eth_maxPriorityFeePerGas`), in wei. */
  readonly minPriorityFeePerGas: bigint;
  /** After `close()`, how long requests in flight may take before their sockets are destroyed. */
  readonly closeTimeoutMs: number;
  readonly clientVersion: string;
}

export const defaultRpcServerOptions: RpcServerOptions = Object.freeze({
  host: "127.0.0.1",
  port: 8545,
  maxBodyBytes: 5 * 1024 * 1024,
  maxBatch: 100,
  minPriorityFeePerGas: 0n,
  closeTimeoutMs: 5_000,
  clientVersion: `baton-rollup/v0.1.0/node-${process.version}`,
});

export interface RpcServerDeps {
  readonly reader: ChainReader;
  readonly logger: Logger;
}

export interface RpcServer {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections, ends idle keep-alive sockets, lets requests in flight finish. */
  close(): Promise<void>;
}

type Id = string | number | null;
interface Response {
  readonly jsonrpc: "2.0";
  readonly id: Id;
  readonly result?: unknown;
  readonly error?: JsonRpcErrorObject;
}

function errorResponse(id: Id, error: RpcError): Response {
  return { jsonrpc: "2.0", id, error: error.toObject() };
}

class BodyTooLarge extends Error {}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"] ?? "0");
    if (declared > limit) {
      reject(new BodyTooLarge());
      request.resume();
      return;
    }
    let chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      if (size > limit) return;
      size += chunk.length;
      if (size > limit) {
        // Drain the rest rather than destroy: the 413 must reach the caller.
        chunks = [];
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}

/** Lenient: JSON, `+json` types, text/plain (some tools), or none. */
function acceptableContentType(header: string | undefined): boolean {
  if (header === undefined || header === "") return true;
  const type = header.split(";")[0]?.trim().toLowerCase() ?? "";
  return type === "application/json" || type.endsWith("+json") || type === "text/plain" || type === "*/*";
}

function validId(id: unknown): id is Id {
  return id === null || typeof id === "string" || (typeof id === "number" && Number.isFinite(id));
}

/** Starts the server; resolves once it listens. */
export async function startRpcServer(options: Partial<RpcServerOptions> & RpcServerDeps): Promise<RpcServer> {
  const { reader, logger: parentLogger, ...rest } = options;
  const config: RpcServerOptions = Object.freeze({ ...defaultRpcServerOptions, ...rest });
  if (!Number.isInteger(config.maxBodyBytes) || config.maxBodyBytes <= 0)
    throw new RangeError(`maxBodyBytes must be a positive integer, got ${config.maxBodyBytes}`);
  if (!Number.isInteger(config.maxBatch) || config.maxBatch <= 0)
    throw new RangeError(`maxBatch must be a positive integer, got ${config.maxBatch}`);
  const logger = parentLogger.child({ module: "rpc" });
  const context: MethodContext = {
    reader,
    tips: new TipOracle(reader, config.minPriorityFeePerGas),
    clientVersion: config.clientVersion,
  };
  let accepting = true;

  /** One request object of a single or batch request; null for a notification (no answer). */
  const answer = async (item: unknown): Promise<Response | null> => {
    if (typeof item !== "object" || item === null || Array.isArray(item))
      return errorResponse(
        null,
        new RpcError("INVALID_REQUEST", "Invalid request: not a JSON-RPC request object"),
      );
    const request = item as Record<string, unknown>;
    const isNotification = !("id" in request);
    const id = isNotification ? null : request.id;
    if (!validId(id))
      return errorResponse(
        null,
        new RpcError("INVALID_REQUEST", "Invalid request: id must be a string, a number or null"),
      );
    if (request.jsonrpc !== "2.0")
      return errorResponse(id, new RpcError("INVALID_REQUEST", 'Invalid request: jsonrpc must be "2.0"'));
    if (typeof request.method !== "string")
      return errorResponse(id, new RpcError("INVALID_REQUEST", "Invalid request: method must be a string"));
    const method = Object.hasOwn(methods, request.method) ? methods[request.method] : undefined;
    let response: Response;
    if (method === undefined) {
      response = errorResponse(
        id,
        new RpcError(
          "METHOD_NOT_FOUND",
          `the method ${request.method.slice(0, 64)} does not exist/is not available`,
        ),
      );
    } else {
      try {
        const params = positional(request.params, method.maxParams);
        response = { jsonrpc: "2.0", id, result: await method.handler(params, context) };
      } catch (thrown) {
        const { error, internal } = toRpcError(thrown);
        if (internal)
          logger.error("request failed", {
            method: request.method,
            error: String(thrown).split("\n")[0]?.slice(0, 300),
          });
        response = errorResponse(id, error);
      }
    }
    return isNotification ? null : response;
  };

  const send = (response: ServerResponse, status: number, body: string | null) => {
    if (response.headersSent) return;
    const headers: Record<string, string | number> = {
      "access-control-allow-origin": "*",
      ...(accepting ? {} : { connection: "close" }),
    };
    if (body === null) {
      response.writeHead(status === 200 ? 204 : status, headers);
      response.end();
      return;
    }
    response.writeHead(status, {
      ...headers,
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  };
  const sendError = (response: ServerResponse, code: RpcErrorCode, message?: string) =>
    send(
      response,
      RpcErrorCodes[code].http,
      JSON.stringify(errorResponse(null, new RpcError(code, message))),
    );

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    if (request.method === "OPTIONS") {
      response.writeHead(204, {
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "POST, OPTIONS",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "86400",
      });
      response.end();
      return;
    }
    if (request.method !== "POST") {
      request.resume();
      sendError(response, "HTTP_METHOD_NOT_ALLOWED");
      return;
    }
    if (!acceptableContentType(request.headers["content-type"])) {
      request.resume();
      sendError(response, "UNSUPPORTED_MEDIA_TYPE");
      return;
    }
    let body: unknown;
    try {
      const bytes = await readBody(request, config.maxBodyBytes);
      body = JSON.parse(bytes.toString("utf8"));
    } catch (error) {
      if (error instanceof BodyTooLarge)
        sendError(response, "BODY_TOO_LARGE", `Request body too large (limit ${config.maxBodyBytes} bytes)`);
      else sendError(response, "PARSE_ERROR");
      return;
    }
    if (Array.isArray(body)) {
      if (body.length === 0) return sendError(response, "EMPTY_BATCH");
      if (body.length > config.maxBatch)
        return sendError(response, "BATCH_TOO_LARGE", `Batch too large (limit ${config.maxBatch} requests)`);
      const answers = (await Promise.all(body.map(answer))).filter((a): a is Response => a !== null);
      send(response, 200, answers.length === 0 ? null : JSON.stringify(answers));
      return;
    }
    const single = await answer(body);
    send(response, 200, single === null ? null : JSON.stringify(single));
  };

  const sockets = new Set<Socket>();
  const server: Server = createServer({ keepAliveTimeout: 30_000 }, (request, response) => {
    handle(request, response).catch((error) => {
      logger.error("request failed", { error: String(error).split("\n")[0]?.slice(0, 300) });
      sendError(response, "INTERNAL");
    });
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("clientError", (_error, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(config.port, config.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  logger.info("JSON-RPC listening", { url });

  let closing: Promise<void> | null = null;
  return {
    url,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        accepting = false;
        const timer = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, config.closeTimeoutMs);
        server.close(() => {
          clearTimeout(timer);
          resolve();
        });
        // Answers written from now on say `connection: close`; idle keep-alive sockets end now.
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
