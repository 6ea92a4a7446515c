/** The load generator's accounts: deterministic keys, funded on L1 and in every rollup's genesis. */
import { type Address, type Hex, keccak256, parseEther, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";

export interface LoadAccount {
  readonly address: Address;
  /** A devnet-only key derived from a public seed; never logged. */
  readonly privateKey: Hex;
}

export function loadAccounts(count: number): LoadAccount[] {
  return Array.from({ length: count }, (_, i) => {
    const privateKey = keccak256(toHex(`baton-devnet-load-${i}`));
    return { address: privateKeyToAccount(privateKey).address, privateKey };
  });
}

/** Balance of each load account, on L1 and on each rollup. */
export const LOAD_ACCOUNT_BALANCE = parseEther("1000");

/** Every devnet rollup's block gas limit and constant base fee (the gateway and the nodes share them). */
export const DEVNET_ROLLUP_BLOCK_GAS_LIMIT = 30_000_000n;
export const DEVNET_ROLLUP_BASE_FEE = 1_000_000_000n;
/** How many load accounts the devnet funds (on L1 and in every rollup's genesis). */
export const DEVNET_LOAD_ACCOUNTS = 32;

/** A rollup's genesis on the devnet: the load accounts funded. */
export function devnetRollupGenesis(chainId: bigint, accounts: readonly LoadAccount[]) {
  const alloc: Record<Address, { balance: bigint }> = {};
  for (const account of accounts) alloc[account.address] = { balance: LOAD_ACCOUNT_BALANCE };
  return { chainId, alloc, gasLimit: DEVNET_ROLLUP_BLOCK_GAS_LIMIT, baseFeePerGas: DEVNET_ROLLUP_BASE_FEE };
}
