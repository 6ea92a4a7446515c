/**
 * The devnet's rollup nodes: one per registered rollup, each deriving its chain from the devnet's L1
 * (inbox and its own bridge), applying the gateway's published batches as pending blocks, and serving
 * the `eth_` JSON-RPC. Started after the protocol bootstrap and the gateway; stopped before the L1.
 */
import { join } from "node:path";
import type { ProtocolAddresses } from "@baton/contracts";
import type { ChainTime, Logger } from "@baton/protocol";
import {
  defaultRollupNodeOptions,
  NodeChainReader,
  RollupNode,
  type RpcServer,
  startRpcServer,
} from "@baton/rollup";
import type { Hex } from "viem";
import {
  DEVNET_LOAD_ACCOUNTS,
  DEVNET_ROLLUP_BASE_FEE,
  DEVNET_ROLLUP_BLOCK_GAS_LIMIT,
  devnetRollupGenesis,
  loadAccounts,
} from "../preconf/loadAccounts.ts";

export interface RollupNodesOptions {
  readonly l1Url: string;
  readonly protocol: ProtocolAddresses;
  readonly rollups: readonly bigint[];
  readonly time: ChainTime;
  /** The inbox's `maxInactivity` (seconds). */
  readonly maxInactivity: bigint;
  readonly dataDir: string;
  readonly host: string;
  /** The gateway the nodes follow and forward transactions to, or null. */
  readonly gatewayUrl: string | null;
  /** The devnet's Beacon API, where the nodes read blob-carried batch data. */
  readonly beaconUrl: string;
}

/** A rollup in the devnet summary: its chain, derived (safe) blocks and the head's state root. */
export interface RollupSummary {
  readonly chainId: number;
  readonly blocks: number;
  readonly stateRoot: Hex;
  readonly pendingBlocks: number;
  readonly rpc: string;
}

export class RollupNodes {
  private constructor(readonly nodes: readonly { readonly node: RollupNode; readonly rpc: RpcServer }[]) {}

  static async start(options: RollupNodesOptions, logger: Logger): Promise<RollupNodes> {
    const accounts = loadAccounts(DEVNET_LOAD_ACCOUNTS);
    const started: { node: RollupNode; rpc: RpcServer }[] = [];
    try {
      for (const chainId of options.rollups) {
        const log = logger.child({ module: "rollup", chainId: chainId.toString() });
        const node = await RollupNode.start(
          {
            ...defaultRollupNodeOptions,
            genesis: devnetRollupGenesis(chainId, accounts),
            blockGasLimit: DEVNET_ROLLUP_BLOCK_GAS_LIMIT,
            baseFeePerGas: DEVNET_ROLLUP_BASE_FEE,
            l1RpcUrl: options.l1Url,
            contracts: {
              inbox: options.protocol.inbox,
              slasher: options.protocol.slasher,
              bridge: options.protocol.bridges[chainId.toString()] ?? null,
            },
            genesisTime: options.time.genesisTime,
            secondsPerSlot: options.time.secondsPerSlot,
            maxInactivity: options.maxInactivity,
            dataDir: join(options.dataDir, `rollup-${chainId}`),
            gatewayUrl: options.gatewayUrl,
            beaconUrl: options.beaconUrl,
            pollMs: Math.min(defaultRollupNodeOptions.pollMs, (options.time.secondsPerSlot * 1000) / 4),
          },
          { logger: log },
        );
        let rpc: RpcServer;
        try {
          rpc = await startRpcServer({
            host: options.host,
            port: 0,
            reader: new NodeChainReader(node),
            logger: log,
          });
        } catch (error) {
          await node.close();
          throw error;
        }
        started.push({ node, rpc });
        log.info("rollup node serving", { rpc: rpc.url });
      }
    } catch (error) {
      for (const { node, rpc } of started) {
        await rpc.close();
        await node.close();
      }
      throw error;
    }
    return new RollupNodes(started);
  }

  /** The JSON-RPC URL of the rollup `chainId`'s node. */
  rpcUrl(chainId: bigint): string | undefined {
    return this.nodes.find(({ node }) => node.chainId === chainId)?.rpc.url;
  }

  summary(): RollupSummary[] {
    return this.nodes.map(({ node, rpc }) => ({
      chainId: Number(node.chainId),
      blocks: Number(node.head.number),
      stateRoot: node.head.stateRoot,
      pendingBlocks: Number((node.pendingHead()?.number ?? node.head.number) - node.head.number),
      rpc: rpc.url,
    }));
  }

  /** Lets every node derive what L1 holds now, then stops them. */
  async stop(): Promise<void> {
    for (const { node } of this.nodes) await node.sync().catch(() => {});
    for (const { node, rpc } of this.nodes) {
      await rpc.close();
      await node.close();
    }
  }
}
