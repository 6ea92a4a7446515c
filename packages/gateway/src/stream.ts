/**
 * The public stream: every commitment and batch, in sequence order, over WebSocket. A subscriber
 * connects with `?from=<sequence>`; everything from there is replayed from the store, then live
 * messages follow, with no gap and no duplicate, so a reconnecting subscriber misses nothing.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Logger } from "@baton/protocol";
import { WebSocket, WebSocketServer } from "ws";
import type { GatewayMetrics } from "./metrics.ts";
import type { GatewayStore } from "./store.ts";

interface Subscriber {
  socket: WebSocket;
  /** Next sequence this subscriber must receive. */
  next: bigint;
  /** True while it is being caught up from the store. */
  replaying: boolean;
}

const REPLAY_PAGE = 500;

export class StreamHub {
  readonly #server = new WebSocketServer({ noServer: true, maxPayload: 1024 });
  readonly #subscribers = new Set<Subscriber>();
  /** Live messages not yet in `published` order, by sequence. */
  #lastPublished = 0n;

  constructor(
    private readonly store: GatewayStore,
    private readonly metrics: GatewayMetrics,
    private readonly logger: Logger,
  ) {
    this.#lastPublished = store.lastSequence();
  }

  /** Handles an HTTP upgrade on the stream path. */
  upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, from: bigint): void {
    this.#server.handleUpgrade(request, socket, head, (ws) => {
      const subscriber: Subscriber = { socket: ws, next: from, replaying: true };
      this.#subscribers.add(subscriber);
      this.metrics.streamSubscribers.set(this.#subscribers.size);
      ws.on("close", () => {
        this.#subscribers.delete(subscriber);
        this.metrics.streamSubscribers.set(this.#subscribers.size);
      });
      ws.on("error", () => ws.terminate());
      ws.on("message", () => {
        // The stream is one-way; anything sent to it is ignored.
      });
      this.#catchUp(subscriber);
    });
  }

  /** Replays from the store until the subscriber is at the live edge. */
  #catchUp(subscriber: Subscriber): void {
    while (subscriber.socket.readyState === WebSocket.OPEN) {
      const page = this.store.streamFrom(subscriber.next, REPLAY_PAGE);
      for (const record of page) {
        this.#send(subscriber, record.sequence, record.type, record.json);
      }
      if (page.length < REPLAY_PAGE) break;
    }
    subscriber.replaying = false;
  }

  #send(subscriber: Subscriber, sequence: bigint, type: string, json: string): void {
    if (sequence < subscriber.next) return;
    subscriber.socket.send(`{"type":"${type}","sequence":"${sequence}","data":${json}}`);
    subscriber.next = sequence + 1n;
  }

  /** Publishes a durable record (call in sequence order, after the store committed it). */
  publish(sequence: bigint, type: "commitment" | "batch", json: string): void {
    if (sequence > this.#lastPublished) this.#lastPublished = sequence;
    this.metrics.published.inc({ type });
    for (const subscriber of this.#subscribers) {
      if (subscriber.replaying || subscriber.socket.readyState !== WebSocket.OPEN) continue;
      if (sequence !== subscriber.next) {
        // Out of order (a later record was committed first): catch up from the store instead.
        if (sequence > subscriber.next) this.#catchUp(subscriber);
        continue;
      }
      this.#send(subscriber, sequence, type, json);
    }
  }

  close(): void {
    for (const subscriber of this.#subscribers) subscriber.socket.close(1001, "gateway stopping");
    this.#server.close();
    this.logger.debug("stream closed", { subscribers: this.#subscribers.size });
  }
}
