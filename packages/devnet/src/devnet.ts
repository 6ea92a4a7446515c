import { EventEmitter } from "node:events";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ProtocolAddresses } from "@baton/contracts";
import { type ChainTime, type Logger, slotStartTime } from "@baton/protocol";
import type { ChainForkConfig } from "@lodestar/config";
import { type Address, toHex } from "viem";
import type { BlobProvider } from "./beacon/api/blobs.ts";
import { type BeaconApiServer, createBeaconApiServer } from "./beacon/api/server.ts";
import { BeaconChain } from "./beacon/chain.ts";
import { DEVNET_FORK_VERSIONS, devnetChainConfig } from "./beacon/config.ts";
import { interopKeys } from "./beacon/keys.ts";
import { type Anvil, defaultAnvilOptions, startAnvil } from "./l1/anvil.ts";
import { ExecutionNode, ExecutionNodeError, ExecutionNodeErrorCode } from "./l1/executionNode.ts";
import { type DevnetOptions, devnetCommitter, devnetSequencers, validateDevnetOptions } from "./options.ts";
import { PreconfServices, type PreconfSummary } from "./preconf/preconfServices.ts";
import { ANVIL_DEV_KEYS, DEPLOYER_KEY, type DevnetAccounts, devnetAccounts } from "./protocol/accounts.ts";

/** Signs the refused blob transaction that warms anvil's KZG check (a dev key the devnet leaves alone). */
const BLOB_WARM_KEY = ANVIL_DEV_KEYS[4];

import { bootstrapProtocol, bootstrapSpanSeconds, type ProtocolBootstrap } from "./protocol/bootstrap.ts";
import { createLookaheadPoster, type LookaheadPoster } from "./protocol/lookaheadPoster.ts";
import { RollupNodes, type RollupSummary } from "./rollups/rollupNodes.ts";

/** Components that fault injection can stop and restart by name. */
export type DevnetComponent = "l1" | "beacon-api";
export const DEVNET_COMPONENTS: readonly DevnetComponent[] = ["l1", "beacon-api"];

export interface SlotEvent {
  readonly slot: number;
  /** Why no block was produced, or null when one was. */
  readonly missed: null | "injected" | "l1-down" | "late";
  readonly blockNumber?: number;
  readonly beaconRoot?: Uint8Array;
}

export interface DevnetSummary {
  slots: number;
  blocks: number;
  missedSlots: number;
  reorgs: number;
  headSlot: number;
  l1BlockNumber: number;
  genesisTime: number;
  secondsPerSlot: number;
  validators: number;
  /** The protocol the devnet bootstrapped (null with `contracts: false`). */
  protocol: DevnetProtocolSummary | null;
  /** Every commitment the gateway published, judged from L1 (null without the gateway). */
  commitments: PreconfSummary["commitments"] | null;
  /** The load generator's requests (null without the gateway). */
  load: PreconfSummary["load"] | null;
  /** Each rollup node's derived chain (null without rollup nodes). */
  rollups: RollupSummary[] | null;
}

/** The `protocol` part of the summary: addresses, rollups (chain ids) and what was posted. */
export interface DevnetProtocolSummary extends ProtocolAddresses {
  rollups: number[];
  committer: Address;
  sequencers: number;
  bootstrapBlocks: number;
  bootstrapMs: number;
  postedEpochs: number;
}

/** What a devnet with contracts was started with, beside its components. */
interface DevnetProtocol {
  readonly bootstrap: ProtocolBootstrap;
  readonly poster: LookaheadPoster;
}

export interface DevnetEvents {
  slot: [SlotEvent];
  stopped: [];
}

/**
 * One whole local Ethereum: anvil as the L1 execution node, a simulated Fulu beacon chain serving the
 * Beacon API, one L1 block per slot at the slot's timestamp, the parent beacon root of each block
 * written where EIP-4788 keeps it and its parent's hash where EIP-2935 keeps it. Faults can be
 * injected: missed slots, a reorg of the last block, a component stopped and restarted.
 */
export class Devnet extends EventEmitter<DevnetEvents> {
  readonly chain: BeaconChain;
  readonly time: ChainTime;
  readonly config: ChainForkConfig;
  private readonly missSlots: Set<number>;
  private readonly counters = { slots: 0, blocks: 0, missedSlots: 0, reorgs: 0 };
  private nextSlot = 1;
  private stopping = false;
  private queue: Promise<unknown> = Promise.resolve();
  private loopDone: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** The Beacon API's port, kept so a restart listens where clients expect it. */
  private readonly beaconPort: number;
  /** Timestamp of the L1 genesis block (before the beacon genesis when the protocol is bootstrapped). */
  private readonly l1GenesisTime: number;
  private readonly protocolSetup: DevnetProtocol | undefined;
  /** The L1 accounts the devnet uses (dev keys: never log them). */
  readonly accounts: DevnetAccounts;

  private constructor(
    readonly options: Readonly<DevnetOptions>,
    private readonly logger: Logger,
    private anvil: Anvil | undefined,
    private beaconApi: BeaconApiServer | undefined,
    readonly l1: ExecutionNode,
    chain: BeaconChain,
    config: ChainForkConfig,
    private readonly dataDir: { path: string; temporary: boolean },
    setup: { l1GenesisTime: number; protocol: DevnetProtocol | undefined },
  ) {
    super();
    this.chain = chain;
    this.config = config;
    this.time = { genesisTime: chain.genesisTime, secondsPerSlot: options.secondsPerSlot };
    this.missSlots = new Set(options.missSlots);
    this.beaconPort = beaconApi?.port ?? options.beaconPort;
    this.l1GenesisTime = setup.l1GenesisTime;
    this.protocolSetup = setup.protocol;
    this.accounts = devnetAccounts(devnetCommitter(options), options.committerKey);
  }

  static async start(input: Partial<DevnetOptions>, deps: { logger: Logger }): Promise<Devnet> {
    const options = validateDevnetOptions(input);
    const logger = deps.logger.child({ module: "devnet" });
    const dataDir = options.dataDir
      ? { path: options.dataDir, temporary: false }
      : { path: mkdtempSync(join(tmpdir(), "baton-devnet-")), temporary: true };
    const sequencers = options.contracts ? devnetSequencers(options) : [];
    // With contracts, the L1 starts earlier: the bootstrap's blocks come before the beacon genesis.
    const span = options.contracts ? bootstrapSpanSeconds(sequencers.length) : 0;
    const genesisTime =
      Math.ceil(Date.now() / 1000) + 1 + (options.contracts ? startupAllowance(sequencers.length) : 0);
    const l1GenesisTime = genesisTime - span;
    // Every start is a new world: an L1 state left in the data dir belongs to an earlier genesis.
    rmSync(join(dataDir.path, "l1-state.json"), { force: true });
    const anvil = await startAnvil(
      {
        ...defaultAnvilOptions,
        host: options.host,
        port: options.l1Port,
        chainId: options.chainId,
        genesisTime: l1GenesisTime,
        stateFile: join(dataDir.path, "l1-state.json"),
      },
      { logger: logger.child({ module: "anvil" }) },
    );
    let beaconApi: BeaconApiServer | undefined;
    try {
      const l1 = new ExecutionNode(anvil.url);
      // Blob batches must not wait on anvil's first KZG check: loaded while the bootstrap runs.
      const warmBlobs =
        options.gateway && options.blobThresholdBytes !== null
          ? l1.warmBlobVerification(BLOB_WARM_KEY)
          : null;
      warmBlobs?.catch(() => {});
      await l1.installBeaconRootsContract();
      await l1.installHistoryStorageContract();
      const keys = interopKeys(options.validators);
      const bootstrap = options.contracts
        ? await bootstrapProtocol(
            {
              chainId: options.chainId,
              genesisTime,
              secondsPerSlot: options.secondsPerSlot,
              l1GenesisTime,
              sequencers,
              committer: devnetCommitter(options),
              rollups: options.rollups,
              deployerKey: DEPLOYER_KEY,
            },
            { l1, keys, logger: logger.child({ module: "bootstrap" }) },
          )
        : undefined;
      // The beacon chain starts on the L1 head at genesis: the bootstrap's last block, if any.
      const executionGenesis = await l1.latestPayload();
      const chain = new BeaconChain({
        genesisTime,
        keys,
        executionGenesis,
        forkVersion: Buffer.from(DEVNET_FORK_VERSIONS.FULU_FORK_VERSION.slice(2), "hex"),
        stateHistorySlots: options.stateHistorySlots,
      });
      const config = devnetChainConfig({
        secondsPerSlot: options.secondsPerSlot,
        depositChainId: options.chainId,
      });
      beaconApi = await createBeaconApiServer(
        { host: options.host, port: options.beaconPort },
        { chain, config, blobs: blobSource(l1), logger: logger.child({ module: "beacon-api" }) },
      );
      if (warmBlobs !== null) {
        const ms = await warmBlobs.catch((error: unknown) => {
          logger.warn("warming anvil's blob verification failed", { error: String(error).split("\n")[0] });
          return null;
        });
        if (ms !== null) logger.debug("anvil's blob verification warmed", { ms: Math.round(ms) });
      }
      let protocol: DevnetProtocol | undefined;
      if (bootstrap) {
        const poster = createLookaheadPoster(bootstrap, {
          l1Url: anvil.url,
          beaconApiUrl: beaconApi.url,
          chainId: options.chainId,
          logger: logger.child({ module: "lookahead-poster" }),
        });
        // Epochs 0 and 1: in the pool before anything else, so first in slot 1's block.
        await poster.start();
        protocol = { bootstrap, poster };
      }
      const devnet = new Devnet(options, logger, anvil, beaconApi, l1, chain, config, dataDir, {
        l1GenesisTime,
        protocol,
      });
      if (protocol) devnet.on("slot", (event) => protocol.poster.onSlot(event.slot));
      if (bootstrap && options.gateway) {
        try {
          devnet.preconf = await PreconfServices.start(
            {
              l1Url: anvil.url,
              l1ChainId: BigInt(options.chainId),
              protocol: bootstrap.addresses,
              rollups: bootstrap.rollups,
              time: devnet.time,
              committerKey: options.committerKey,
              dataDir: dataDir.path,
              host: options.host,
              gatewayPort: options.gatewayPort,
              loadRps: options.load,
              lastSlot: options.slots,
              blobThresholdBytes: options.blobThresholdBytes,
              beaconUrl: devnet.beaconApiUrl,
            },
            logger.child({ module: "preconf" }),
          );
        } catch (error) {
          await protocol?.poster.close();
          throw error;
        }
        const preconf = devnet.preconf;
        devnet.on("slot", (event) => preconf.onSlot(event.slot + 1));
      }
      if (bootstrap && options.rollupNodes) {
        try {
          devnet.rollupNodes = await RollupNodes.start(
            {
              l1Url: anvil.url,
              protocol: bootstrap.addresses,
              rollups: bootstrap.rollups,
              time: devnet.time,
              maxInactivity: bootstrap.parameters.maxInactivity,
              dataDir: dataDir.path,
              host: options.host,
              gatewayUrl: devnet.preconf?.gateway.url ?? null,
              beaconUrl: devnet.beaconApiUrl,
            },
            logger.child({ module: "rollups" }),
          );
        } catch (error) {
          await devnet.preconf?.stop(0);
          await protocol?.poster.close();
          throw error;
        }
      }
      logger.info("devnet started", {
        l1: anvil.url,
        beaconApi: beaconApi.url,
        genesisTime,
        validators: options.validators,
        secondsPerSlot: options.secondsPerSlot,
        contracts: options.contracts,
      });
      devnet.loopDone = devnet.loop();
      return devnet;
    } catch (error) {
      await beaconApi?.close();
      await anvil.stop();
      if (dataDir.temporary) rmSync(dataDir.path, { recursive: true, force: true });
      throw error;
    }
  }

  get l1Url(): string {
    return this.l1.url;
  }

  get beaconApiUrl(): string {
    if (!this.beaconApi) throw new Error("the Beacon API is stopped");
    return this.beaconApi.url;
  }

  /** The protocol contracts, deployed before genesis (undefined with `contracts: false`). */
  get protocol(): ProtocolAddresses | undefined {
    return this.protocolSetup?.bootstrap.addresses;
  }

  /** What the bootstrap put on L1: parameters, sequencers, rollups, committer. */
  get bootstrap(): ProtocolBootstrap | undefined {
    return this.protocolSetup?.bootstrap;
  }

  /** Chain ids of the rollups registered in the inbox (none without contracts). */
  get rollups(): readonly bigint[] {
    return this.protocolSetup?.bootstrap.rollups ?? [];
  }

  /** The committer the devnet's sequencers named (undefined without contracts). */
  get committer(): Address | undefined {
    return this.protocolSetup?.bootstrap.committer;
  }

  /** The L1 chain id. */
  get l1ChainId(): number {
    return this.options.chainId;
  }

  /** Pids of the child processes the devnet runs now. */
  get childPids(): number[] {
    return this.anvil ? [this.anvil.process.pid] : [];
  }

  /** Resolves when the run ends: after `--slots` slots, or on `stop()`. */
  get done(): Promise<void> {
    return this.loopDone ?? Promise.resolve();
  }

  /** The gateway, load generator and commitment tracker (undefined without contracts or gateway). */
  preconf: PreconfServices | undefined;

  /** One rollup node per rollup (undefined without contracts or with `rollupNodes: false`). */
  rollupNodes: RollupNodes | undefined;
  private finalRollups: RollupSummary[] | null = null;

  /** The gateway's URL (undefined without it). */
  get gatewayUrl(): string | undefined {
    return this.preconf?.gateway.url;
  }

  summary(): DevnetSummary {
    const preconf = this.preconf?.summary();
    return {
      commitments: preconf?.commitments ?? null,
      load: preconf?.load ?? null,
      rollups: this.rollupNodes?.summary() ?? this.finalRollups,
      ...this.counters,
      headSlot: this.chain.headSlot,
      l1BlockNumber: this.chain.head.signedBlock.message.body.executionPayload.blockNumber,
      genesisTime: this.time.genesisTime,
      secondsPerSlot: this.time.secondsPerSlot,
      validators: this.options.validators,
      protocol: this.protocolSummary(),
    };
  }

  private protocolSummary(): DevnetProtocolSummary | null {
    if (!this.protocolSetup) return null;
    const { bootstrap, poster } = this.protocolSetup;
    return {
      ...bootstrap.addresses,
      rollups: bootstrap.rollups.map(Number),
      committer: bootstrap.committer,
      sequencers: bootstrap.sequencers.length,
      bootstrapBlocks: bootstrap.blocks,
      bootstrapMs: bootstrap.durationMs,
      postedEpochs: poster.postedEpochs,
    };
  }

  /** Make the proposer of `slot` miss its block. */
  missSlot(slot: number): void {
    if (slot < this.nextSlot) throw new RangeError(`slot ${slot} has already been processed`);
    this.missSlots.add(slot);
  }

  /** Resolves once `slot` has been processed (produced or missed); by default times out 3 slots after its start. */
  async waitForSlot(
    slot: number,
    timeoutMs = (slotStartTime(this.time, slot + 3) - Date.now() / 1000) * 1000,
  ): Promise<void> {
    if (slot < this.nextSlot) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.off("slot", onSlot);
          reject(new Error(`slot ${slot} not reached in ${timeoutMs} ms`));
        },
        Math.max(timeoutMs, 1000),
      );
      const onSlot = (event: SlotEvent) => {
        if (event.slot >= slot) {
          clearTimeout(timer);
          this.off("slot", onSlot);
          resolve();
        }
      };
      this.on("slot", onSlot);
    });
  }

  /**
   * Reorg the last L1 block: replace it by a different block at the same slot and timestamp (another
   * fee recipient; its transactions dropped unless `keepTransactions`), and the beacon block with it.
   */
  reorgLastBlock(
    options: { keepTransactions?: boolean } = {},
  ): Promise<{ oldRoot: Uint8Array; newRoot: Uint8Array }> {
    return this.exclusive(async () => {
      if (!this.anvil) throw new Error("the L1 node is stopped");
      const old = this.chain.head;
      if (old.header.slot === 0) throw new RangeError("nothing to reorg before the first block");
      const timestamp = slotStartTime(this.time, old.header.slot);
      await this.l1.rollback(1);
      if (!options.keepTransactions) await this.l1.dropAllTransactions();
      await this.l1.setBeaconRoot(timestamp, old.header.parentRoot);
      await this.l1.setCoinbase("0x000000000000000000000000000000000000dEaD");
      const payload = await this.l1.mineBlock(timestamp);
      await this.l1.setCoinbase(toHex(old.signedBlock.message.body.executionPayload.feeRecipient));
      // Kept transactions may carry blobs: the new block lists their commitments too.
      const fresh = this.chain.replaceHead(payload, await this.l1.blobKzgCommitments(payload));
      this.counters.reorgs++;
      this.logger.info("reorged the last block", { slot: old.header.slot, blockNumber: payload.blockNumber });
      return { oldRoot: old.root, newRoot: fresh.root };
    });
  }

  /** Stop a component; slots go on (an L1 that is down misses its slots). */
  stopComponent(name: DevnetComponent): Promise<void> {
    return this.exclusive(async () => {
      if (name === "l1") {
        await this.anvil?.stop();
        this.anvil = undefined;
      } else {
        await this.beaconApi?.close();
        this.beaconApi = undefined;
      }
      this.logger.info("component stopped", { component: name });
    });
  }

  /** Restart a stopped component on its former port, with its former state. */
  startComponent(name: DevnetComponent): Promise<void> {
    return this.exclusive(async () => {
      if (name === "l1") {
        if (this.anvil) return;
        const port = Number(new URL(this.l1.url).port);
        this.anvil = await startAnvil(
          {
            ...defaultAnvilOptions,
            host: this.options.host,
            port,
            chainId: this.options.chainId,
            genesisTime: this.l1GenesisTime,
            stateFile: join(this.dataDir.path, "l1-state.json"),
          },
          { logger: this.logger.child({ module: "anvil" }) },
        );
      } else {
        if (this.beaconApi) return;
        this.beaconApi = await createBeaconApiServer(
          { host: this.options.host, port: this.beaconPort },
          {
            chain: this.chain,
            config: this.config,
            blobs: blobSource(this.l1),
            logger: this.logger.child({ module: "beacon-api" }),
          },
        );
      }
      this.logger.info("component started", { component: name });
    });
  }

  /** Stop the slot loop and every component. Idempotent. */
  async stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = true;
      this.wake?.();
    }
    await this.loopDone;
    await this.preconf?.stop(this.nextSlot);
    const rollupNodes = this.rollupNodes;
    if (rollupNodes) {
      // Taken once (stop may be called again while this one runs).
      this.rollupNodes = undefined;
      await rollupNodes.stop();
      // The summary keeps what the nodes derived by the end.
      this.finalRollups = rollupNodes.summary();
    }
    await this.protocolSetup?.poster.close();
    await this.queue.catch(() => {});
    await this.beaconApi?.close();
    this.beaconApi = undefined;
    await this.anvil?.stop();
    this.anvil = undefined;
    if (this.dataDir.temporary) rmSync(this.dataDir.path, { recursive: true, force: true });
    this.emit("stopped");
  }

  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => {});
    return run;
  }

  private async sleepUntil(unixMs: number): Promise<void> {
    const delay = unixMs - Date.now();
    if (delay <= 0 || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, delay);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.wake = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const slot = this.nextSlot;
      if (this.options.slots !== undefined && slot > this.options.slots) break;
      await this.sleepUntil(slotStartTime(this.time, slot) * 1000);
      if (this.stopping) break;
      const event = await this.exclusive(() => this.processSlot(slot));
      this.nextSlot = slot + 1;
      this.counters.slots++;
      if (event.missed) this.counters.missedSlots++;
      else this.counters.blocks++;
      this.emit("slot", event);
    }
  }

  private async processSlot(slot: number): Promise<SlotEvent> {
    const missed = this.missSlots.has(slot) ? "injected" : this.anvil ? null : "l1-down";
    if (missed) {
      this.chain.advanceTo(slot);
      this.logger.info("slot missed", { slot, reason: missed });
      return { slot, missed };
    }
    const timestamp = slotStartTime(this.time, slot);
    try {
      await this.l1.setBeaconRoot(timestamp, this.chain.head.root);
      const payload = await this.l1.mineBlock(timestamp);
      const blobKzgCommitments = await this.l1.blobKzgCommitments(payload);
      const block = this.chain.produceBlock(slot, payload, blobKzgCommitments);
      this.logger.debug("slot produced", {
        slot,
        blockNumber: payload.blockNumber,
        blobs: blobKzgCommitments.length,
        root: block.root,
      });
      return { slot, missed: null, blockNumber: payload.blockNumber, beaconRoot: block.root };
    } catch (error) {
      // An L1 that fails mid-slot misses the slot; the devnet goes on. Blob sidecars that do not match
      // their block are no outage but a broken L1: said louder, and the slot has no (wrong) block.
      if (error instanceof ExecutionNodeError && error.code === ExecutionNodeErrorCode.blobSidecarsMismatch) {
        this.logger.error("slot failed: blob sidecars do not match the block", { slot, error });
      } else {
        this.logger.warn("slot failed", { slot, error });
      }
      this.chain.advanceTo(slot);
      return { slot, missed: "l1-down" };
    }
  }
}

/** The Beacon API's blob source: anvil's sidecars of an execution block, read when asked. */
function blobSource(l1: ExecutionNode): BlobProvider {
  return (executionBlockNumber) => l1.blobSidecars(executionBlockNumber);
}

/**
 * Wall-clock seconds reserved before genesis for the protocol bootstrap of `sequencers` keys (measured:
 * 0.5 s for 32, 4 s for 1,024) and the beacon genesis state (about 2 s), so that the devnet is up
 * before genesis. Were they slower, the first slots would run late, back to back, then on time.
 */
function startupAllowance(sequencers: number): number {
  return 3 + Math.ceil(sequencers / 250);
}
