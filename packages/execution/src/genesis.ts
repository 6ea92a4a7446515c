import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Account, Address } from "@ethereumjs/util";
import { type Address as AddressHex, type Hex, hexToBytes, isAddress, isHex } from "viem";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import type { RollupGenesis } from "./types.ts";

const MAX_UINT64 = 2n ** 64n - 1n;
const MAX_UINT256 = 2n ** 256n - 1n;

function invalid(reason: string, details: Record<string, unknown> = {}): ExecutionError {
  return new ExecutionError(ExecutionErrorCode.invalidGenesis, `Invalid rollup genesis: ${reason}`, {
    details,
  });
}

function inRange(value: bigint, min: bigint, max: bigint): boolean {
  return typeof value === "bigint" && value >= min && value <= max;
}

/** Checks a genesis once, before anything is written; throws `EXECUTION_INVALID_GENESIS`. */
export function validateGenesis(genesis: RollupGenesis): void {
  if (!inRange(genesis.chainId, 1n, MAX_UINT64))
    throw invalid("chainId must be an integer from 1 to 2^64-1", { chainId: genesis.chainId });
  if (!inRange(genesis.gasLimit, 1n, MAX_UINT64))
    throw invalid("gasLimit must be an integer from 1 to 2^64-1", { gasLimit: genesis.gasLimit });
  if (!inRange(genesis.baseFeePerGas, 0n, MAX_UINT256))
    throw invalid("baseFeePerGas must be a uint256", { baseFeePerGas: genesis.baseFeePerGas });
  const seen = new Set<string>();
  for (const [address, account] of Object.entries(genesis.alloc)) {
    if (!isAddress(address, { strict: false })) throw invalid("alloc key is not an address", { address });
    const key = address.toLowerCase();
    if (seen.has(key)) throw invalid("address appears twice in alloc", { address });
    seen.add(key);
    if (!inRange(account.balance, 0n, MAX_UINT256))
      throw invalid("balance must be a uint256", { address, balance: account.balance });
    if (account.nonce !== undefined && !inRange(account.nonce, 0n, MAX_UINT64 - 1n))
      throw invalid("nonce must be below 2^64-1", { address, nonce: account.nonce });
    if (account.code !== undefined && !isHex(account.code, { strict: true }))
      throw invalid("code is not hex", { address });
    if (account.code !== undefined && account.code.length % 2 !== 0)
      throw invalid("code has an odd number of hex digits", { address });
    for (const [slot, value] of Object.entries(account.storage ?? {})) {
      if (!isHex(slot, { strict: true }) || slot.length !== 66)
        throw invalid("storage key is not 32 bytes of hex", { address, slot });
      if (!isHex(value, { strict: true }) || value.length > 66)
        throw invalid("storage value is not up to 32 bytes of hex", { address, slot });
    }
  }
}

/** Strips leading zero bytes (storage values are stored minimal, as RLP integers). */
function trimLeadingZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * Writes a validated genesis' accounts, code and storage into an empty state. As geth does, every
 * listed account is written, even an empty one (no balance, nonce, code or storage); EIP-161 removes
 * such an account later only if a transaction touches it.
 */
export async function writeGenesis(state: MerkleStateManager, genesis: RollupGenesis): Promise<void> {
  for (const [address, account] of Object.entries(genesis.alloc) as [
    AddressHex,
    RollupGenesis["alloc"][AddressHex],
  ][]) {
    if (account === undefined) continue;
    const at = new Address(hexToBytes(address));
    await state.putAccount(at, new Account(account.nonce ?? 0n, account.balance));
    if (account.code !== undefined && account.code !== "0x")
      await state.putCode(at, hexToBytes(account.code));
    for (const [slot, value] of Object.entries(account.storage ?? {}) as [Hex, Hex][]) {
      const trimmed = trimLeadingZeros(hexToBytes(value));
      if (trimmed.length > 0) await state.putStorage(at, hexToBytes(slot), trimmed);
    }
  }
}
