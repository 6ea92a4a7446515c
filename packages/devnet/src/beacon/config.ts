import { type ChainForkConfig, createChainForkConfig } from "@lodestar/config";
import { PresetName } from "@lodestar/params";

/** Fork versions of the Baton devnet: every fork up to Fulu active from genesis. */
export const DEVNET_FORK_VERSIONS = {
  GENESIS_FORK_VERSION: "0x10000b47",
  ALTAIR_FORK_VERSION: "0x20000b47",
  BELLATRIX_FORK_VERSION: "0x30000b47",
  CAPELLA_FORK_VERSION: "0x40000b47",
  DENEB_FORK_VERSION: "0x50000b47",
  ELECTRA_FORK_VERSION: "0x60000b47",
  FULU_FORK_VERSION: "0x70000b47",
} as const;

const hexBytes = (hex: string) => Uint8Array.from(Buffer.from(hex.slice(2), "hex"));

/** The Lodestar chain config of a devnet, for clients (e.g. `@lodestar/api`) that decode its SSZ. */
export function devnetChainConfig(options: {
  secondsPerSlot: number;
  depositChainId: number;
}): ChainForkConfig {
  return createChainForkConfig({
    CONFIG_NAME: "baton-devnet",
    PRESET_BASE: PresetName.mainnet,
    SECONDS_PER_SLOT: options.secondsPerSlot,
    SLOT_DURATION_MS: options.secondsPerSlot * 1000,
    DEPOSIT_CHAIN_ID: options.depositChainId,
    DEPOSIT_NETWORK_ID: options.depositChainId,
    MIN_GENESIS_ACTIVE_VALIDATOR_COUNT: 1,
    GENESIS_DELAY: 0,
    ALTAIR_FORK_EPOCH: 0,
    BELLATRIX_FORK_EPOCH: 0,
    CAPELLA_FORK_EPOCH: 0,
    DENEB_FORK_EPOCH: 0,
    ELECTRA_FORK_EPOCH: 0,
    FULU_FORK_EPOCH: 0,
    ...Object.fromEntries(Object.entries(DEVNET_FORK_VERSIONS).map(([k, v]) => [k, hexBytes(v)])),
  });
}
