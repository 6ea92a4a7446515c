/**
 * System contracts the protocol reads on L1, with their exact mainnet runtime code so that a devnet
 * (anvil) can install them with `anvil_setCode`.
 */

/** Addresses and sizes are protocol constants, defined once in @baton/protocol. */
export {
  BEACON_ROOTS_ADDRESS,
  BEACON_ROOTS_HISTORY_BUFFER_LENGTH,
  HISTORY_STORAGE_ADDRESS,
} from "@baton/protocol";

/**
 * EIP-4788 runtime code: the deployment input from the EIP minus its 9-byte constructor
 * (`60618060095f395ff3`). Storage: timestamp at slot `t % 8191`, root at slot `t % 8191 + 8191`.
 */
export const BEACON_ROOTS_CODE =
  "0x3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500" as const;

/**
 * EIP-2935 runtime code (final spec): the deployment input minus its 9-byte constructor
 * (`60538060095f395ff3`). Storage: hash of block `n` at slot `n % 8191`.
 */
export const HISTORY_STORAGE_CODE =
  "0x3373fffffffffffffffffffffffffffffffffffffffe14604657602036036042575f35600143038111604257611fff81430311604257611fff9006545f5260205ff35b5f5ffd5b5f35611fff60014303065500" as const;

/** EIP-2935 `HISTORY_SERVE_WINDOW`: block hashes served. */
export const HISTORY_SERVE_WINDOW = 8191;

/** `SYSTEM_ADDRESS` of EIP-4788 and EIP-2935: the caller whose calls write to these contracts. */
export const SYSTEM_ADDRESS = "0xfffffffffffffffffffffffffffffffffffffffe" as const;
