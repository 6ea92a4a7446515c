/**
 * Reads derivation's inputs from L1 over Ethereum JSON-RPC only: the inbox's and the bridge's events
 * by block range, each batch's `propose` transaction, and block hashes (to notice reorgs).
 */
import { inboxAbi } from "@baton/contracts";
import { type Batch, BlobDataError, decodeBlobData } from "@baton/protocol";
import {
  type Address,
  BlockNotFoundError,
  createPublicClient,
  type Hex,
  http,
  type PublicClient,
  parseAbiItem,
} from "viem";
import { RollupError, RollupErrorCode } from "../errors.ts";
import type { BlobSource } from "./blobSource.ts";
import type { L1BlockInputs, ProposedBatch, QueuedDeposit, QueuedForced } from "./inputs.ts";

/** The bridge's event (packages/contracts/src/bridge). */
export const depositQueuedEvent = parseAbiItem(
  "event DepositQueued(uint64 indexed forcedIndex, uint64 indexed depositNonce, address indexed from, address to, uint256 value)",
);

export interface L1BlockRef {
  readonly number: bigint;
  readonly hash: Hex;
  readonly timestamp: bigint;
}

export interface L1Source {
  /** The L1 chain id (the EIP-712 domain of batch signatures). */
  chainId(): Promise<bigint>;
  /** The newest block (`latest`). */
  head(): Promise<L1BlockRef>;
  /** The newest finalized block's number, or null if the node has none. */
  finalized(): Promise<bigint | null>;
  /** The canonical block at `number`, or null past the head. */
  block(number: bigint): Promise<L1BlockRef | null>;
  /** The inputs of blocks `from..to` (only the blocks that have any), in order. */
  inputs(from: bigint, to: bigint): Promise<L1BlockInputs[]>;
  close(): void;
}

export interface RpcL1SourceOptions {
  readonly rpcUrl: string;
  readonly inbox: Address;
  /** The rollup whose bridge is read, and its bridge (null: no deposits). */
  readonly chainId: bigint;
  readonly bridge: Address | null;
  /** Where blob-carried batch data is read (null: none; a blob batch then stops derivation). */
  readonly blobs: BlobSource | null;
  /** The beacon chain's clock, to name an L1 block's slot. */
  readonly genesisTime: bigint;
  readonly secondsPerSlot: bigint;
}

const batchProposed = inboxAbi.find((item) => item.type === "event" && item.name === "BatchProposed");
const forcedQueued = inboxAbi.find((item) => item.type === "event" && item.name === "ForcedInclusionQueued");
const rollupRegistered = inboxAbi.find((item) => item.type === "event" && item.name === "RollupRegistered");

export function createRpcL1Source(options: RpcL1SourceOptions): L1Source {
  const client = createPublicClient({
    transport: http(options.rpcUrl, { retryCount: 3, timeout: 10_000 }),
  }) as PublicClient;
  const wrap = async <T>(what: string, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (cause) {
      if (cause instanceof RollupError) throw cause;
      throw new RollupError(RollupErrorCode.l1Unavailable, `L1 read failed: ${what}`, { cause });
    }
  };
  return {
    chainId: () => wrap("chain id", async () => BigInt(await client.getChainId())),
    head: () =>
      wrap("latest block", async () => {
        const block = await client.getBlock({ blockTag: "latest" });
        return { number: block.number, hash: block.hash, timestamp: block.timestamp };
      }),
    finalized: () =>
      wrap("finalized block", async () => {
        try {
          return (await client.getBlock({ blockTag: "finalized" })).number;
        } catch (error) {
          if (error instanceof BlockNotFoundError) return null;
          throw error;
        }
      }),
    block: (number) =>
      wrap("block", async () => {
        if (number < 0n) return null;
        try {
          const block = await client.getBlock({ blockNumber: number });
          return { number: block.number, hash: block.hash, timestamp: block.timestamp };
        } catch (error) {
          // Only "no such block" means null; a failed read must not look like a reorg.
          if (error instanceof BlockNotFoundError) return null;
          throw error;
        }
      }),
    inputs: (from, to) =>
      wrap(`inputs of blocks ${from}..${to}`, async () => {
        const addresses = options.bridge === null ? [options.inbox] : [options.inbox, options.bridge];
        const logs = await client.getLogs({
          address: addresses,
          events: [batchProposed, forcedQueued, rollupRegistered, depositQueuedEvent] as never,
          fromBlock: from,
          toBlock: to,
          strict: true,
        });
        const byBlock = new Map<
          bigint,
          {
            hash: Hex;
            batches: ProposedBatch[];
            forced: QueuedForced[];
            deposits: QueuedDeposit[];
            registrations: bigint[];
          }
        >();
        const txs = new Map<Hex, Promise<{ to: Address | null; input: Hex }>>();
        for (const log of logs as unknown as RawLog[]) {
          const entry = byBlock.get(log.blockNumber) ?? {
            hash: log.blockHash,
            batches: [],
            forced: [],
            deposits: [],
            registrations: [],
          };
          byBlock.set(log.blockNumber, entry);
          const emitter = log.address.toLowerCase();
          if (log.eventName === "BatchProposed" && emitter === options.inbox.toLowerCase()) {
            if (!txs.has(log.transactionHash)) {
              const read = client
                .getTransaction({ hash: log.transactionHash })
                .then((tx) => ({ to: tx.to ?? null, input: tx.input }));
              // Awaited below; until then a failure must not surface as an unhandled rejection.
              read.catch(() => {});
              txs.set(log.transactionHash, read);
            }
            const args = log.args as {
              chainId: bigint;
              batchHash: Hex;
              batch: Batch;
              sequenced: boolean;
              proposer: Address;
              blobHashes: readonly Hex[];
            };
            entry.batches.push({
              chainId: args.chainId,
              batchHash: args.batchHash,
              batch: args.batch,
              sequenced: args.sequenced,
              proposer: args.proposer,
              logIndex: log.logIndex,
              txHash: log.transactionHash,
              txTo: null,
              txInput: "0x",
              blobHashes: args.blobHashes,
            });
          } else if (log.eventName === "ForcedInclusionQueued" && emitter === options.inbox.toLowerCase()) {
            const args = log.args as {
              chainId: bigint;
              index: bigint;
              txHash: Hex;
              dueAt: bigint;
              rawTx: Hex;
            };
            entry.forced.push({
              chainId: args.chainId,
              index: args.index,
              txHash: args.txHash,
              dueAt: args.dueAt,
              rawTx: args.rawTx,
            });
          } else if (log.eventName === "RollupRegistered" && emitter === options.inbox.toLowerCase()) {
            entry.registrations.push((log.args as { chainId: bigint }).chainId);
          } else if (log.eventName === "DepositQueued" && emitter === options.bridge?.toLowerCase()) {
            const args = log.args as {
              forcedIndex: bigint;
              depositNonce: bigint;
              from: Address;
              to: Address;
              value: bigint;
            };
            entry.deposits.push({ chainId: options.chainId, ...args });
          }
        }
        const blocks: L1BlockInputs[] = [];
        for (const [number, entry] of [...byBlock.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
          const block = await client.getBlock({ blockNumber: number });
          // A log from a block that is no longer canonical: the caller reads again after its reorg check.
          if (block.hash !== entry.hash) throw new Error(`block ${number} changed while reading its logs`);
          const batches: ProposedBatch[] = [];
          for (const batch of entry.batches) {
            const tx = await (txs.get(batch.txHash) as Promise<{ to: Address | null; input: Hex }>);
            batches.push({ ...batch, txTo: tx.to, txInput: tx.input });
          }
          const slot = (block.timestamp - options.genesisTime) / options.secondsPerSlot;
          await readBlobData(batches, slot, options.blobs);
          blocks.push({
            number,
            hash: block.hash,
            parentHash: block.parentHash,
            timestamp: block.timestamp,
            batches,
            forced: entry.forced,
            deposits: entry.deposits,
            registrations: entry.registrations,
          });
        }
        return blocks;
      }),
    close() {},
  };
}

/**
 * Fills in each blob batch's data from its blobs: one beacon request per L1 block. A batch whose
 * blobs do not decode gets null (unusable data, the same on every node); a blob that cannot be had
 * throws `BLOB_UNAVAILABLE`.
 */
async function readBlobData(
  batches: ProposedBatch[],
  slot: bigint,
  source: BlobSource | null,
): Promise<void> {
  const hashes = batches.flatMap((batch) => batch.blobHashes);
  if (hashes.length === 0) return;
  if (source === null) {
    throw new RollupError(
      RollupErrorCode.blobUnavailable,
      "A batch carries its data in blobs and no beacon node is set",
      {
        details: { slot },
        hint: "start the node with a beacon node URL (--beacon-url)",
      },
    );
  }
  const unique = [...new Set(hashes.map((hash) => hash.toLowerCase() as Hex))];
  const blobs = await source.blobs(slot, unique);
  const byHash = new Map(unique.map((hash, i) => [hash, blobs[i] as Uint8Array]));
  for (let i = 0; i < batches.length; i++) {
    const batch = batches[i] as ProposedBatch;
    if (batch.blobHashes.length === 0) continue;
    let blobData: Hex | null;
    try {
      blobData = decodeBlobData(
        batch.blobHashes.map((hash) => byHash.get(hash.toLowerCase() as Hex) as Uint8Array),
      );
    } catch (error) {
      if (!(error instanceof BlobDataError)) throw error;
      blobData = null;
    }
    batches[i] = { ...batch, blobData };
  }
}

interface RawLog {
  address: Address;
  blockNumber: bigint;
  blockHash: Hex;
  transactionHash: Hex;
  logIndex: number;
  eventName: string;
  args: unknown;
}
