/**
 * The devnet's lookahead poster: keeps the `LookaheadStore` list of the current and the next epoch
 * posted. The lists of epochs 0 and 1 go in slot 1's block (the first transactions: they are sent
 * before the slot loop starts); the list of epoch E + 1 is sent right after the first slot of epoch E
 * is processed (a state of epoch E holds its proposers), so it lands in the next block. A list lost
 * to a reorg or an L1 restart is sent again at the next slot.
 */

import { type BeaconClient, expectedLookahead, HttpBeaconClient } from "@baton/clients";
import { lookaheadStoreAbi, type ProtocolAddresses } from "@baton/contracts";
import { type ChainTime, epochOfSlot, type Logger, SLOTS_PER_EPOCH, slotStartTime } from "@baton/protocol";
import {
  createPublicClient,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
  parseGwei,
  zeroHash,
} from "viem";
import { type PrivateKeyAccount, privateKeyToAccount } from "viem/accounts";
import { POSTER_KEY } from "./accounts.ts";
import type { ProtocolBootstrap } from "./bootstrap.ts";

export interface LookaheadPosterOptions {
  readonly time: ChainTime;
  readonly chainId: number;
  /** `LookaheadStore.postingBond`, sent with each list. */
  readonly postingBond: bigint;
}

export interface LookaheadPosterDeps {
  readonly beacon: BeaconClient;
  readonly client: PublicClient;
  /** The poster's account (a dedicated dev key). */
  readonly account: PrivateKeyAccount;
  readonly addresses: ProtocolAddresses;
  readonly logger: Logger;
}

/** Gas of a post: fixed part and per entry (calldata, hashing, event data), with a margin. */
const POST_GAS_BASE = 120_000n;
const POST_GAS_PER_ENTRY = 12_000n;
const PRIORITY_FEE = parseGwei("1");

/** Posting of the lookahead lists, driven by the devnet's slots; never blocks the slot loop. */
export class LookaheadPoster {
  /** Epochs whose post is in flight: the transaction hash. */
  private readonly inFlight = new Map<number, Hex>();
  private readonly announced = new Set<number>();
  private readonly failed = new Set<number>();
  private pendingSlot: number | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  private sent = 0;

  constructor(
    private readonly options: LookaheadPosterOptions,
    private readonly deps: LookaheadPosterDeps,
  ) {}

  /** Lists sent so far (resent ones included). */
  get postsSent(): number {
    return this.sent;
  }

  /** Epochs whose list the poster has seen stored. */
  get postedEpochs(): number {
    return this.announced.size;
  }

  /** Send the lists of epochs 0 and 1 (before slot 1's block: call it before the slot loop starts). */
  async start(): Promise<void> {
    await this.tick(0);
  }

  /** A slot was processed (its block produced or missed): check the lists of its epoch and the next. */
  onSlot(slot: number): void {
    if (this.closed) return;
    this.pendingSlot = slot;
    this.running ??= this.drain();
  }

  /** Stop; waits for the check in progress. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }

  private async drain(): Promise<void> {
    while (this.pendingSlot !== undefined && !this.closed) {
      const slot = this.pendingSlot;
      this.pendingSlot = undefined;
      try {
        await this.tick(slot);
      } catch (error) {
        // The L1 or the Beacon API may be down (fault injection): try again at the next slot.
        this.deps.logger.warn("lookahead check failed", { slot, error });
      }
    }
    this.running = undefined;
  }

  private async tick(slot: number): Promise<void> {
    const epoch = epochOfSlot(slot);
    await this.ensurePosted(epoch, slot);
    await this.ensurePosted(epoch + 1, slot);
  }

  /** Post `epoch`'s list if it is not stored, not on its way, and can still land in time. */
  private async ensurePosted(epoch: number, slot: number): Promise<void> {
    const { addresses, client, logger } = this.deps;
    // The transaction lands in the next slot's block at the earliest; posting closes when the epoch ends.
    const landsAt = slotStartTime(this.options.time, slot + 1);
    if (landsAt >= slotStartTime(this.options.time, (epoch + 1) * SLOTS_PER_EPOCH)) return;
    const record = await client.readContract({
      address: addresses.lookahead,
      abi: lookaheadStoreAbi,
      functionName: "epochRecord",
      args: [BigInt(epoch)],
    });
    if (record.hash !== zeroHash) {
      this.inFlight.delete(epoch);
      if (!this.announced.has(epoch)) {
        this.announced.add(epoch);
        logger.info("lookahead posted", { epoch, poster: record.poster, hash: record.hash });
      }
      return;
    }
    this.announced.delete(epoch); // a reorg may have undone it
    if (this.failed.has(epoch)) return;
    const pending = this.inFlight.get(epoch);
    if (pending) {
      const tx = await client.request({ method: "eth_getTransactionByHash", params: [pending] });
      if (tx && tx.blockNumber === null) return; // still in the pool
      if (tx) {
        // Mined, yet nothing stored: it reverted. Do not resend a list the store refuses.
        this.failed.add(epoch);
        this.inFlight.delete(epoch);
        logger.error("lookahead post reverted", { epoch, tx: pending, blockNumber: tx.blockNumber });
        return;
      }
      logger.warn("lookahead post dropped: sending it again", { epoch, tx: pending });
    }
    const list = await expectedLookahead(epoch, {
      beacon: this.deps.beacon,
      client,
      registry: addresses.registry,
    });
    const hash = await this.send(list.epoch, list.entries);
    this.inFlight.set(epoch, hash);
    this.sent++;
    logger.info("lookahead sent", {
      epoch,
      sequencerSlots: list.entries.length,
      tx: hash,
      afterSlot: slot,
      // How long before the next block: the post must be in the pool by then.
      marginMs: landsAt * 1000 - Date.now(),
    });
  }

  private async send(
    epoch: number,
    entries: readonly { slot: bigint; registration: Hex; committer: Hex }[],
  ): Promise<Hex> {
    const { account, client, addresses } = this.deps;
    const [nonce, block] = await Promise.all([
      client.getTransactionCount({ address: account.address, blockTag: "pending" }),
      client.getBlock({ blockTag: "latest" }),
    ]);
    const baseFee = block.baseFeePerGas ?? 0n;
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId: this.options.chainId,
      nonce,
      to: addresses.lookahead,
      value: this.options.postingBond,
      data: encodeFunctionData({
        abi: lookaheadStoreAbi,
        functionName: "post",
        args: [BigInt(epoch), entries],
      }),
      // Explicit gas: estimation would run at the latest block's time, before posting opens.
      gas: POST_GAS_BASE + POST_GAS_PER_ENTRY * BigInt(entries.length),
      // A generous cap: a post stuck below the base fee would miss its epoch.
      maxFeePerGas: 10n * baseFee + PRIORITY_FEE,
      maxPriorityFeePerGas: PRIORITY_FEE,
    });
    return client.sendRawTransaction({ serializedTransaction: raw });
  }
}

/** The devnet's poster for a bootstrapped protocol: posts from the poster dev key, reads over HTTP. */
export function createLookaheadPoster(
  bootstrap: ProtocolBootstrap,
  endpoints: { l1Url: string; beaconApiUrl: string; chainId: number; logger: Logger },
): LookaheadPoster {
  const { genesisTime, secondsPerSlot, postingBond } = bootstrap.parameters;
  return new LookaheadPoster(
    {
      time: { genesisTime: Number(genesisTime), secondsPerSlot: Number(secondsPerSlot) },
      chainId: endpoints.chainId,
      postingBond,
    },
    {
      beacon: new HttpBeaconClient({ baseUrl: endpoints.beaconApiUrl }),
      client: createPublicClient({ transport: http(endpoints.l1Url, { batch: true }) }) as PublicClient,
      account: privateKeyToAccount(POSTER_KEY),
      addresses: bootstrap.addresses,
      logger: endpoints.logger,
    },
  );
}
