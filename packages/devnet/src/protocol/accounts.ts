import type { Address, Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

/**
 * anvil's default dev keys (public test keys of the "test test ... junk" mnemonic), by index. The
 * devnet uses 0 (deployer, sequencer owner), 1 (default committer: the gateway's key), 3
 * (lookahead poster) and 4 (signs a refused blob transaction at start, nothing else); 2 and the
 * others are left to tests and tools.
 */
export const ANVIL_DEV_KEYS = [
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
  "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d",
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
] as const satisfies readonly Hex[];

/** The dev key that deploys the protocol and owns the sequencers' registrations. */
export const DEPLOYER_KEY: Hex = ANVIL_DEV_KEYS[0];
/** The default committer key: the sequencers name its address; the devnet gateway signs with it. */
export const DEFAULT_COMMITTER_KEY: Hex = ANVIL_DEV_KEYS[1];
/** The dev key that posts each epoch's lookahead list (and its bond). */
export const POSTER_KEY: Hex = ANVIL_DEV_KEYS[3];

/** An L1 account the devnet uses; the key is known for dev keys only. */
export interface DevnetAccount {
  readonly address: Address;
  /** Never log it. Undefined when only the address was given (a committer named by address). */
  readonly privateKey: Hex | undefined;
}

/** The accounts of a devnet's protocol bootstrap. */
export interface DevnetAccounts {
  readonly deployer: DevnetAccount;
  /** The committer every devnet sequencer named at opt-in. */
  readonly committer: DevnetAccount;
  readonly poster: DevnetAccount;
}

/** The account of a private key. */
export function devAccount(privateKey: Hex): DevnetAccount {
  return { address: privateKeyToAccount(privateKey).address, privateKey };
}

/** The devnet's accounts: dev keys for the deployer and the poster; the committer as configured. */
export function devnetAccounts(committer: Address, committerKey: Hex): DevnetAccounts {
  const fromKey = devAccount(committerKey);
  return {
    deployer: devAccount(DEPLOYER_KEY),
    committer: { address: committer, privateKey: fromKey.address === committer ? committerKey : undefined },
    poster: devAccount(POSTER_KEY),
  };
}
