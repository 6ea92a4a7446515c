/** The gateway's Prometheus metrics, one typed object built per gateway (no global registry). */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

export function createGatewayMetrics() {
  const registry = new Registry();
  const make = {
    requests: new Counter({
      name: "baton_gateway_requests_total",
      help: "Requests by route, outcome (ok or error) and code",
      labelNames: ["route", "outcome", "code"] as const,
      registers: [registry],
    }),
    latency: new Histogram({
      name: "baton_gateway_commitment_latency_seconds",
      help: "Time from request received to signed commitment sent, by kind",
      labelNames: ["kind"] as const,
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    persistLatency: new Histogram({
      name: "baton_gateway_persist_seconds",
      help: "Time to make a commitment durable (group commit)",
      buckets: [0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.1],
      registers: [registry],
    }),
    commitments: new Counter({
      name: "baton_gateway_commitments_total",
      help: "Signed commitments by kind and chain",
      labelNames: ["kind", "chain"] as const,
      registers: [registry],
    }),
    published: new Counter({
      name: "baton_gateway_stream_published_total",
      help: "Messages published on the public stream, by type",
      labelNames: ["type"] as const,
      registers: [registry],
    }),
    streamSubscribers: new Gauge({
      name: "baton_gateway_stream_subscribers",
      help: "Open stream connections",
      registers: [registry],
    }),
    gasPromised: new Gauge({
      name: "baton_gateway_window_gas_promised",
      help: "Gas promised in the current window, by chain",
      labelNames: ["chain"] as const,
      registers: [registry],
    }),
    gasAvailable: new Gauge({
      name: "baton_gateway_window_gas_capacity",
      help: "Gas the current window can hold, by chain",
      labelNames: ["chain"] as const,
      registers: [registry],
    }),
    batches: new Counter({
      name: "baton_gateway_batches_total",
      help: "Batches cut, by chain",
      labelNames: ["chain"] as const,
      registers: [registry],
    }),
    proposals: new Counter({
      name: "baton_gateway_inbox_proposals_total",
      help: "Inbox propose transactions by outcome (sent, mined, reverted, failed)",
      labelNames: ["outcome"] as const,
      registers: [registry],
    }),
  };
  return { registry, ...make };
}
