import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import type { Logger } from "@baton/protocol";
import { type SupervisedProcess, spawnSupervised, waitForOutput } from "../processes.ts";

export interface AnvilOptions {
  readonly host: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly chainId: number;
  /** Timestamp of the genesis block (the beacon chain's genesis time). */
  readonly genesisTime: number;
  readonly gasLimit: bigint;
  readonly hardfork: string;
  /** Dump the chain here on exit and load it on start (for restarts), if set. */
  readonly stateFile?: string;
}

export const defaultAnvilOptions: Omit<AnvilOptions, "genesisTime"> = {
  host: "127.0.0.1",
  port: 0,
  chainId: 3_151_908,
  gasLimit: 60_000_000n,
  hardfork: "prague",
};

export interface Anvil {
  readonly url: string;
  readonly port: number;
  readonly process: SupervisedProcess;
  stop(): Promise<void>;
}

/** The native anvil binary shipped by `@foundry-rs/anvil`'s platform package (no node wrapper in between). */
export function anvilBinary(): string {
  if (process.env.BATON_ANVIL_BIN) return process.env.BATON_ANVIL_BIN;
  const require = createRequire(import.meta.url);
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const pkg = `@foundry-rs/anvil-${process.platform}-${arch}`;
  const path = join(dirname(require.resolve(`${pkg}/package.json`)), "bin", "anvil");
  if (!existsSync(path)) throw new Error(`anvil binary not found at ${path}`);
  return path;
}

export async function freePort(host: string): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/**
 * Start anvil as the devnet's L1 execution node: no automine (blocks are mined per slot by the
 * devnet), FIFO transaction order (the block producer controls order), genesis at `genesisTime`.
 */
export async function startAnvil(options: AnvilOptions, deps: { logger: Logger }): Promise<Anvil> {
  const port = options.port === 0 ? await freePort(options.host) : options.port;
  const args = [
    "--host",
    options.host,
    "--port",
    String(port),
    "--chain-id",
    String(options.chainId),
    "--timestamp",
    String(options.genesisTime),
    "--gas-limit",
    String(options.gasLimit),
    "--hardfork",
    options.hardfork,
    "--no-mining",
    "--order",
    "fifo",
    "--accounts",
    "20",
    "--balance",
    "1000000",
  ];
  if (options.stateFile) {
    args.push("--dump-state", options.stateFile);
    if (existsSync(options.stateFile))
      args.push("--load-state", options.stateFile, "--preserve-historical-states");
  }
  const proc = spawnSupervised("anvil", anvilBinary(), args, { logger: deps.logger });
  try {
    await waitForOutput(proc, /Listening on \S+/, 15_000);
  } catch (error) {
    await proc.stop();
    throw error;
  }
  const url = `http://${options.host}:${port}`;
  deps.logger.info("anvil started", { url, pid: proc.pid, chainId: options.chainId });
  return { url, port, process: proc, stop: () => proc.stop() };
}
