/**
 * What the gateway needs of L1, over Ethereum JSON-RPC: the head (number, timestamp, base fee),
 * accounts at the head, the forced-inclusion queue (with the bridge's deposits), and sending
 * transactions. The head is polled so
 * that account reads can be cached per block.
 */
import { bridgeAbi, inboxAbi } from "@baton/contracts";
import { type Deposit, type DepositQueuedEvent, isGenuineDeposit, type Logger } from "@baton/protocol";
import { type Address, createPublicClient, type Hex, http, type PublicClient } from "viem";
import { JsonRpcBatcher } from "./rpc.ts";

export interface L1Head {
  readonly number: bigint;
  readonly timestamp: bigint;
  readonly baseFeePerGas: bigint;
  readonly gasLimit: bigint;
}

export interface ForcedEntry {
  readonly index: bigint;
  readonly txHash: Hex;
  readonly dueAt: bigint;
  readonly rawTx: Hex;
  /**
   * The deposit, when the entry is a genuine one (`docs/rollup.md`, "Deposits": the rollup's bridge
   * emitted `DepositQueued` for this index and the bytes are the encoding of its fields); else null.
   */
  readonly deposit: Deposit | null;
}

export interface L1Access {
  readonly chainId: bigint;
  head(): L1Head;
  account(address: Address, blockNumber: bigint): Promise<{ nonce: bigint; balance: bigint }>;
  sendRawTransaction(raw: Hex): Promise<Hex>;
  /**
   * Forced inclusions of a rollup from queue index `from` on (queued in blocks up to the head), each
   * with its deposit if it is a genuine one of `bridge` (none is without a bridge).
   */
  forcedInclusions(chainId: bigint, from: bigint, bridge?: Address): Promise<ForcedEntry[]>;
  readonly client: PublicClient;
  close(): void;
}

export async function createL1Access(
  rpcUrl: string,
  inbox: Address,
  logger: Logger,
  pollMs = 100,
): Promise<L1Access> {
  const client = createPublicClient({
    transport: http(rpcUrl, { batch: false, retryCount: 1 }),
  }) as PublicClient;
  const chainId = BigInt(await client.getChainId());
  const read = async (): Promise<L1Head> => {
    const block = await client.getBlock({ blockTag: "latest" });
    return {
      number: block.number,
      timestamp: block.timestamp,
      baseFeePerGas: block.baseFeePerGas ?? 0n,
      gasLimit: block.gasLimit,
    };
  };
  let head = await read();
  let stopped = false;
  let failures = 0;
  const poll = async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      if (stopped) break;
      try {
        const next = await read();
        if (next.number !== head.number || next.timestamp !== head.timestamp) head = next;
        failures = 0;
      } catch (error) {
        if (failures++ % 50 === 0) logger.warn("L1 head poll failed", { error: String(error).slice(0, 200) });
      }
    }
  };
  void poll();
  // The request path's calls (account reads, forwarding) go through a batching JSON-RPC client:
  // account reads made in one turn of the event loop share one HTTP request, and promised
  // transactions are forwarded every few milliseconds in one batch, not one request per commitment.
  const rpc = new JsonRpcBatcher(rpcUrl);
  let outbox: { raw: Hex; resolve: (hash: Hex) => void; reject: (error: Error) => void }[] = [];
  let flushing: NodeJS.Timeout | null = null;
  const flush = () => {
    flushing = null;
    const batch = outbox;
    outbox = [];
    for (const item of batch)
      rpc.call<Hex>("eth_sendRawTransaction", [item.raw]).then(item.resolve, item.reject);
  };
  return {
    chainId,
    client,
    head: () => head,
    async account(address, blockNumber) {
      const block = `0x${blockNumber.toString(16)}`;
      const [nonce, balance] = await Promise.all([
        rpc.call<Hex>("eth_getTransactionCount", [address, block]),
        rpc.call<Hex>("eth_getBalance", [address, block]),
      ]);
      return { nonce: BigInt(nonce), balance: BigInt(balance) };
    },
    sendRawTransaction: (raw) =>
      new Promise<Hex>((resolve, reject) => {
        outbox.push({ raw, resolve, reject });
        if (flushing === null) flushing = setTimeout(flush, 5);
      }),
    async forcedInclusions(rollup, from, bridge) {
      // Both lists up to one block: a deposit's two events come from one transaction, so an entry
      // read without its DepositQueued (a later head for the inbox) would be wrongly skipped.
      const range = { fromBlock: 0n, toBlock: await client.getBlockNumber({ cacheTime: 0 }) };
      const [logs, deposits] = await Promise.all([
        client.getContractEvents({
          address: inbox,
          abi: inboxAbi,
          eventName: "ForcedInclusionQueued",
          args: { chainId: rollup },
          ...range,
        }),
        bridge === undefined
          ? []
          : client.getContractEvents({
              address: bridge,
              abi: bridgeAbi,
              eventName: "DepositQueued",
              ...range,
            }),
      ]);
      const events = new Map<bigint, DepositQueuedEvent>();
      for (const log of deposits) {
        const args = log.args as DepositQueuedEvent;
        events.set(args.forcedIndex, args);
      }
      const entries: ForcedEntry[] = logs
        .map((log) => log.args as { index: bigint; txHash: Hex; dueAt: bigint; rawTx: Hex })
        .filter((args) => args.index >= from)
        .map((args) => ({
          index: args.index,
          txHash: args.txHash,
          dueAt: args.dueAt,
          rawTx: args.rawTx,
          deposit: isGenuineDeposit(args.rawTx, args.index, events, rollup),
        }))
        .sort((a, b) => (a.index < b.index ? -1 : 1));
      return entries;
    },
    close() {
      stopped = true;
      if (flushing !== null) {
        clearTimeout(flushing);
        flush();
      }
      // Calls already queued or sent finish; new ones are refused.
      rpc.close();
    },
  };
}
