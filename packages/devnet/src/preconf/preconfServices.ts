/**
 * The devnet's preconfirmation services: the gateway (holding the committer key every devnet
 * sequencer named), the load generator that sends it requests, and the tracker that judges every
 * published commitment from L1. Started once the protocol is bootstrapped; stopped before the L1.
 */
import { join } from "node:path";
import { createGatewayClient, postedLookahead } from "@baton/clients";
import type { ProtocolAddresses } from "@baton/contracts";
import { defaultGatewayOptions, Gateway } from "@baton/gateway";
import type { ChainTime, Logger } from "@baton/protocol";
import { createBeaconBlobSource } from "@baton/rollup";
import { createPublicClient, type Hex, http, type PublicClient, toHex } from "viem";
import { type CommitmentCounts, CommitmentTracker } from "./commitmentTracker.ts";
import {
  DEVNET_LOAD_ACCOUNTS,
  DEVNET_ROLLUP_BASE_FEE,
  DEVNET_ROLLUP_BLOCK_GAS_LIMIT,
  devnetRollupGenesis,
  LOAD_ACCOUNT_BALANCE,
  loadAccounts,
} from "./loadAccounts.ts";
import { LoadGenerator, type LoadStats } from "./loadGenerator.ts";

export interface PreconfServicesOptions {
  readonly l1Url: string;
  readonly l1ChainId: bigint;
  readonly protocol: ProtocolAddresses;
  readonly rollups: readonly bigint[];
  readonly time: ChainTime;
  readonly committerKey: Hex;
  readonly dataDir: string;
  readonly host: string;
  readonly gatewayPort: number;
  /** Load generator rate (requests/s); 0 turns it off. */
  readonly loadRps: number;
  /** With a fixed run length, the last slot: no request targets a window ending after it. */
  readonly lastSlot: number | undefined;
  /** The gateway's `blobThresholdBytes`. */
  readonly blobThresholdBytes: number | null;
  /** The devnet's Beacon API, where the tracker reads blob batches' data. */
  readonly beaconUrl: string;
}

export interface PreconfSummary {
  readonly gateway: string;
  readonly commitments: CommitmentCounts;
  readonly load: LoadStats & { rps: number };
}

export class PreconfServices {
  #checking: Promise<void> = Promise.resolve();

  private constructor(
    readonly gateway: Gateway,
    readonly load: LoadGenerator,
    readonly tracker: CommitmentTracker,
    private readonly options: PreconfServicesOptions,
    private readonly logger: Logger,
  ) {}

  static async start(options: PreconfServicesOptions, logger: Logger): Promise<PreconfServices> {
    const accounts = loadAccounts(DEVNET_LOAD_ACCOUNTS);
    const client = createPublicClient({ transport: http(options.l1Url) }) as PublicClient;
    for (const account of accounts) {
      await client.request({
        method: "anvil_setBalance" as never,
        params: [account.address, toHex(LOAD_ACCOUNT_BALANCE)] as never,
      });
    }
    const gateway = await Gateway.start(
      {
        ...defaultGatewayOptions,
        committerKey: options.committerKey,
        l1RpcUrl: options.l1Url,
        contracts: options.protocol,
        genesisTime: options.time.genesisTime,
        secondsPerSlot: options.time.secondsPerSlot,
        rollups: options.rollups.map((chainId) => ({
          genesis: devnetRollupGenesis(chainId, accounts),
          blockGasLimit: DEVNET_ROLLUP_BLOCK_GAS_LIMIT,
          baseFeePerGas: DEVNET_ROLLUP_BASE_FEE,
          gasPerSlot: 15_000_000n,
          bridge: options.protocol.bridges[chainId.toString()],
        })),
        host: options.host,
        port: options.gatewayPort,
        dataDir: join(options.dataDir, "gateway"),
        closeMarginMs: Math.min(
          defaultGatewayOptions.closeMarginMs,
          (options.time.secondsPerSlot * 1000) / 4,
        ),
        batchIntervalMs: Math.min(
          defaultGatewayOptions.batchIntervalMs,
          (options.time.secondsPerSlot * 1000) / 4,
        ),
        blobThresholdBytes: options.blobThresholdBytes,
      },
      {
        logger: logger.child({ module: "gateway" }),
        lookahead: {
          postedList: async (epoch) =>
            (await postedLookahead(Number(epoch), { client, lookahead: options.protocol.lookahead }))
              ?.entries ?? null,
        },
      },
    );
    const gatewayClient = createGatewayClient(gateway.url);
    const tracker = new CommitmentTracker(
      client,
      gatewayClient,
      options.protocol.inbox,
      options.l1ChainId,
      options.time,
      logger.child({ module: "tracker" }),
      createBeaconBlobSource({ beaconUrl: options.beaconUrl }),
    );
    tracker.start();
    const load = new LoadGenerator(
      gatewayClient,
      accounts,
      {
        rps: options.loadRps,
        l1ChainId: options.l1ChainId,
        rollups: options.rollups,
        slasher: options.protocol.slasher,
        lastTargetSlot: options.lastSlot === undefined ? Number.MAX_SAFE_INTEGER : options.lastSlot + 1,
      },
      logger.child({ module: "load" }),
    );
    load.start();
    logger.info("preconf services started", { gateway: gateway.url, loadRps: options.loadRps });
    return new PreconfServices(gateway, load, tracker, options, logger);
  }

  /** Judges the commitments whose target slot is before `slot` (serialized; never blocks the slot loop). */
  onSlot(slot: number): void {
    this.#checking = this.#checking
      .then(() => this.tracker.check(slot))
      .catch((error: unknown) =>
        this.logger.warn("commitment check failed", { error: String(error).slice(0, 200) }),
      );
  }

  summary(): PreconfSummary {
    return {
      gateway: this.gateway.url,
      commitments: { ...this.tracker.counts },
      load: { ...this.load.stats, refused: { ...this.load.stats.refused }, rps: this.options.loadRps },
    };
  }

  #stopping: Promise<void> | null = null;

  /**
   * Stops the load, makes a last check at `slot`, then stops the tracker and the gateway. Once: a
   * second call waits for the first (the L1 may be gone by then, and the counts are final).
   */
  stop(slot: number): Promise<void> {
    this.#stopping ??= this.#stop(slot);
    return this.#stopping;
  }

  async #stop(slot: number): Promise<void> {
    await this.load.stop();
    await this.#checking;
    await this.tracker
      .check(slot)
      .catch((error: unknown) =>
        this.logger.warn("final commitment check failed", { error: String(error).slice(0, 200) }),
      );
    this.tracker.stop();
    await this.gateway.close();
  }
}
