/**
 * The gateway, wired in one place: store (and its process lock), L1 access, windows, rollup lanes,
 * pricing, sequencer, settlement, stream and HTTP server, built in order and closed in reverse.
 */
import { type FeeQuoteJson, GatewayApiError, type HealthJson, type SignedBatchJson } from "@baton/clients";
import { createEthereumjsEngine, type ExecutionEngine } from "@baton/execution";
import {
  batchDataHash,
  batonDomain,
  blobBatchDataHash,
  CommitmentKind,
  type Logger,
  parseBatch,
} from "@baton/protocol";
import { bytesToHex, type Hex, stringToBytes } from "viem";
import { DigestSigner } from "./crypto.ts";
import { KzgWorker } from "./kzg.ts";
import { createL1Access, type L1Access } from "./l1.ts";
import { DEPOSIT_KIND, FORCED_KIND, RollupLane } from "./lanes.ts";
import { L1Ledger } from "./ledger.ts";
import { createGatewayMetrics, type GatewayMetrics } from "./metrics.ts";
import { type GatewayOptions, validateGatewayOptions } from "./options.ts";
import { CurvePricing, type PricingPolicy } from "./pricing.ts";
import { inlineRecovery, RecoveryPool, type SenderRecovery } from "./recovery.ts";
import { Sequencer, storedText } from "./sequencer.ts";
import { type GatewayServer, JsonText, startGatewayServer } from "./server.ts";
import { Settlement, type SignedBatch } from "./settlement.ts";
import { GatewayStore } from "./store.ts";
import { StreamHub } from "./stream.ts";
import { type LookaheadSource, WindowTracker } from "./windows.ts";

export interface GatewayDeps {
  readonly logger: Logger;
  /** Lists posted to the LookaheadStore. */
  readonly lookahead: LookaheadSource;
  readonly pricing?: PricingPolicy;
  readonly now?: () => number;
  /** L1 access (default: JSON-RPC at `l1RpcUrl`); tests pass a double. */
  readonly l1?: L1Access;
}

export class Gateway {
  #accepting = true;
  #closed = false;

  private constructor(
    readonly options: Readonly<GatewayOptions>,
    readonly committer: `0x${string}`,
    readonly url: string,
    readonly metrics: GatewayMetrics,
    readonly store: GatewayStore,
    readonly sequencer: Sequencer,
    readonly windows: WindowTracker,
    private readonly parts: {
      server: GatewayServer;
      settlement: Settlement;
      stream: StreamHub;
      l1: L1Access;
      engines: ExecutionEngine[];
      recovery: SenderRecovery;
      kzg: KzgWorker;
      logger: Logger;
      refresher: NodeJS.Timeout;
    },
  ) {}

  static async start(input: GatewayOptions, deps: GatewayDeps): Promise<Gateway> {
    const options = validateGatewayOptions(input);
    const logger = deps.logger.child({ module: "gateway" });
    const now = deps.now ?? Date.now;
    const signer = new DigestSigner(options.committerKey);
    const store = GatewayStore.open(options.dataDir, signer.address, options.durability);
    const cleanup: (() => unknown)[] = [() => store.close()];
    try {
      const metrics = createGatewayMetrics();
      const l1 =
        deps.l1 ??
        (await createL1Access(options.l1RpcUrl, options.contracts.inbox, logger.child({ module: "l1" })));
      cleanup.push(() => l1.close());
      const domain = batonDomain(l1.chainId, options.contracts.slasher);
      const windows = new WindowTracker(
        deps.lookahead,
        { genesisTime: options.genesisTime, secondsPerSlot: options.secondsPerSlot },
        signer.address,
        options.closeMarginMs,
      );
      const slotStart = (slot: bigint) => BigInt(options.genesisTime) + slot * BigInt(options.secondsPerSlot);
      // Blob batches' KZG work runs on a worker. With blobs on it starts now and loads the trusted
      // setup (about 2 s) in the background; otherwise on first use (an unsent blob batch of an
      // earlier run with blobs on).
      const kzg = new KzgWorker();
      if (options.blobThresholdBytes !== null) kzg.start();
      cleanup.push(() => kzg.close());
      const blobs =
        options.blobThresholdBytes === null
          ? null
          : { thresholdBytes: options.blobThresholdBytes, carry: (data: Hex) => kzg.carry(data) };
      const engines: ExecutionEngine[] = [];
      const lanes = new Map<bigint, RollupLane>();
      for (const rollup of options.rollups) {
        const engine = await createEthereumjsEngine(rollup.genesis);
        engines.push(engine);
        lanes.set(rollup.genesis.chainId, new RollupLane(rollup, engine, signer.address, slotStart, blobs));
      }
      cleanup.push(() => Promise.all(engines.map((engine) => engine.close())));
      const stream = new StreamHub(store, metrics, logger.child({ module: "stream" }));
      const ledger = new L1Ledger((address, block) => l1.account(address, block));
      let sequencer: Sequencer | undefined;
      const settlement = new Settlement({
        options,
        domain,
        signer,
        store,
        stream,
        windows,
        lanes,
        sequencer: () => sequencer as Sequencer,
        l1,
        metrics,
        logger: logger.child({ module: "settlement" }),
        now,
        kzg,
      });
      const recovery =
        options.recoveryThreads > 0 ? new RecoveryPool(options.recoveryThreads) : inlineRecovery;
      cleanup.push(() => recovery.close());
      sequencer = new Sequencer({
        options,
        domain,
        signer,
        recovery,
        store,
        windows,
        l1,
        ledger,
        lanes,
        pricing: deps.pricing ?? new CurvePricing(),
        metrics,
        stream,
        logger: logger.child({ module: "sequencer" }),
        now,
        cutStale: (target) => settlement.cutStale(target),
      });
      const restored = await restore(store, sequencer, lanes, kzg);
      settlement.requeue(restored.unsent);
      logger.info("gateway state loaded", {
        commitments: restored.commitments,
        transactions: restored.transactions,
        batches: restored.batches,
        sequence: sequencer.sequence.toString(),
      });
      await windows
        .refresh(windows.reachableSlot(now(), 0))
        .catch((error: unknown) =>
          logger.warn("lookahead not readable yet", { error: String(error).slice(0, 200) }),
        );

      let gateway: Gateway | undefined;
      const seq = sequencer;
      const server = await startGatewayServer(options.host, options.port, {
        metrics,
        stream,
        logger: logger.child({ module: "http" }),
        maxBodyBytes: options.maxBodyBytes,
        accepting: () => gateway?.accepting ?? false,
        handlers: {
          commitmentRequest: async (body) => {
            const started = performance.now();
            const reply = await seq.request(body);
            metrics.latency.observe(
              { kind: String(reply.commitment.commitment_type) },
              (performance.now() - started) / 1000,
            );
            const text = storedText(reply);
            return text === undefined ? reply : new JsonText(text);
          },
          commitmentResult: async (requestHash) => {
            const json = store.commitment(requestHash);
            if (json === null) throw new GatewayApiError("COMMITMENT_NOT_FOUND", undefined, { requestHash });
            return new JsonText(json);
          },
          slots: async () => {
            const offerings = [
              { chain_id: Number(l1.chainId), commitment_types: [CommitmentKind.inclusion] },
              ...[...lanes.keys()].map((chainId) => ({
                chain_id: Number(chainId),
                commitment_types: [
                  CommitmentKind.inclusion,
                  CommitmentKind.ordering,
                  CommitmentKind.state,
                  CommitmentKind.bundle,
                ],
              })),
            ];
            const current = windows.reachableSlot(now(), 0);
            return {
              slots: windows
                .servedSlots()
                .filter((slot) => slot >= current)
                .map((slot) => ({ slot: Number(slot), offerings })),
            };
          },
          fee: async (body) => {
            const quote = await seq.quote(body);
            const payload: FeeQuoteJson = {
              minTip: quote.price.minTip.toString(),
              offeredTip: quote.tip.toString(),
              targetSlot: quote.window.targetSlot.toString(),
              gas: quote.gas.toString(),
              breakdown: Object.fromEntries(
                Object.entries(quote.price.breakdown).map(([k, v]) => [k, v.toString()]),
              ),
            };
            return {
              commitment_type: quote.kind,
              payload: bytesToHex(stringToBytes(JSON.stringify(payload))),
            };
          },
          batches: async ({ chainId, from }) => ({
            batches: store
              .batches()
              .filter((b) => (chainId === 0n || b.chainId === chainId) && b.number >= from)
              .slice(0, 256)
              .map((b) => ({ ...(JSON.parse(b.json) as SignedBatchJson), l1Transaction: b.l1Transaction })),
          }),
          health: async (): Promise<HealthJson> => {
            let servingWindow: HealthJson["servingWindow"] = null;
            try {
              const window = windows.servingWindow(now());
              servingWindow = { targetSlot: Number(window.targetSlot), firstSlot: Number(window.firstSlot) };
            } catch {
              servingWindow = null;
            }
            return {
              // A store whose sync failed refuses every write: the gateway promises nothing more.
              status: gateway?.accepting === false ? "stopping" : store.failure !== null ? "degraded" : "ok",
              committer: signer.address,
              headSlot: Number(windows.reachableSlot(now(), 0)) - 1,
              servingWindow,
              sequence: seq.sequence.toString(),
            };
          },
        },
      });
      if (options.settle) settlement.start();
      // Lists are re-read every slot (the settlement loop also does): a challenge can correct one.
      const refresher = setInterval(
        () => {
          windows
            .refresh(windows.reachableSlot(now(), 0))
            .catch((error: unknown) =>
              logger.warn("reading the lookahead failed", { error: String(error).slice(0, 200) }),
            );
        },
        Math.max(100, (options.secondsPerSlot * 1000) / 4),
      );
      refresher.unref();
      gateway = new Gateway(options, signer.address, server.url, metrics, store, sequencer, windows, {
        server,
        settlement,
        stream,
        l1,
        engines,
        recovery,
        kzg,
        logger,
        refresher,
      });
      logger.info("gateway started", {
        url: server.url,
        committer: signer.address,
        submitter: settlement.submitter,
      });
      return gateway;
    } catch (error) {
      for (const step of cleanup.reverse()) await step();
      throw error;
    }
  }

  get accepting(): boolean {
    return this.#accepting;
  }

  /**
   * Graceful shutdown: refuses new requests (SHUTTING_DOWN), lets decisions under way finish and
   * become durable, sends the batches already cut, then closes everything in reverse order.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#accepting = false;
    const { server, settlement, stream, l1, engines, recovery, kzg, logger, refresher } = this.parts;
    clearInterval(refresher);
    // The timer is cleared once drained: left pending, it would keep the process alive for the timeout.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.sequencer.drain(),
      new Promise((resolve) => {
        timer = setTimeout(resolve, this.options.shutdownTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // Cut every open batch so that what was promised is sent before the process goes.
    await this.sequencer.exclusive(async () => settlement.cutStale(-1n));
    await settlement.stop(this.options.shutdownTimeoutMs);
    stream.close();
    await server.close();
    l1.close();
    await this.store.close();
    await recovery.close();
    await kzg.close();
    await Promise.all(engines.map((engine) => engine.close()));
    logger.info("gateway stopped", { sequence: this.sequencer.sequence.toString() });
  }
}

/** Rebuilds lanes (batch chain, pending state, open batch, parents), ledger and usage from the store. */
async function restore(
  store: GatewayStore,
  sequencer: Sequencer,
  lanes: Map<bigint, RollupLane>,
  kzg: KzgWorker,
): Promise<{ commitments: number; transactions: number; batches: number; unsent: SignedBatch[] }> {
  const counts = store.check();
  const batches = store.batches();
  const unsent: SignedBatch[] = [];
  const ranges = new Map<bigint, { first: bigint; end: bigint; number: bigint }[]>();
  for (const stored of batches) {
    const lane = lanes.get(stored.chainId);
    if (lane === undefined) continue;
    const json = JSON.parse(stored.json) as SignedBatchJson;
    const batch = parseBatch(json.batch);
    lane.lastBatchHash = stored.hash;
    lane.nextBatchNumber = batch.number + 1n;
    lane.nextPosition = batch.firstPosition + BigInt(batch.txCount);
    lane.forcedNext = batch.forcedUpTo;
    const list = ranges.get(stored.chainId) ?? [];
    list.push({
      first: batch.firstPosition,
      end: batch.firstPosition + BigInt(batch.txCount),
      number: batch.number,
    });
    ranges.set(stored.chainId, list);
    if (stored.l1Transaction === null) {
      // A blob batch is stored with its data; its blobs are laid out again (the same, by construction).
      const blobs = batch.dataHash === batchDataHash(json.data) ? undefined : await kzg.carry(json.data);
      if (blobs !== undefined && blobBatchDataHash(blobs.versionedHashes) !== batch.dataHash) {
        throw new Error(
          `stored batch ${stored.chainId}/${batch.number} matches neither its calldata nor its blobs`,
        );
      }
      unsent.push({
        batch,
        hash: stored.hash,
        data: json.data,
        signature: json.signature,
        sequence: stored.sequence,
        ...(blobs === undefined ? {} : { blobs }),
      });
    }
  }
  const txs = store.transactions();
  const rollupTxs = txs.filter((tx) => lanes.has(tx.chainId)).sort((a, b) => Number(a.position - b.position));
  for (const tx of txs) sequencer.restoreTransaction(tx);
  for (const tx of rollupTxs) {
    const lane = lanes.get(tx.chainId) as RollupLane;
    const range = (ranges.get(tx.chainId) ?? []).find((r) => tx.position >= r.first && tx.position < r.end);
    const forced = tx.kind === FORCED_KIND || tx.kind === DEPOSIT_KIND;
    if (range !== undefined) {
      const env = lane.env(range.number, tx.targetSlot);
      if (forced) await lane.applyForced(tx.raw, tx.kind, env);
      else await lane.engine.execute(tx.raw, env).catch(() => {});
    } else {
      // Promised after the last cut batch: back into the open batch, in order.
      const open = lane.ensureOpen(tx.targetSlot, Date.now());
      if (forced) await lane.applyForced(tx.raw, tx.kind, lane.env(open.number, open.targetSlot));
      else await lane.execute(tx.raw).catch(() => {});
      lane.append(tx.raw, tx.txHash, tx.bundle);
      if (forced) {
        lane.forcedNext = tx.nonce + 1n;
        if (lane.open !== null) lane.open.forcedUpTo = lane.forcedNext;
      }
    }
    if (
      tx.commitmentHash !== null &&
      (tx.kind === CommitmentKind.ordering || tx.kind === CommitmentKind.state)
    ) {
      lane.parents.set(tx.targetSlot, tx.commitmentHash);
    }
  }
  return {
    commitments: counts.commitments,
    transactions: counts.transactions,
    batches: counts.batches,
    unsent,
  };
}
