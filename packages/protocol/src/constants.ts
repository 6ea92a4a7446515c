/**
 * Consensus-layer constants Baton depends on (mainnet preset, Fulu).
 * Values are facts of the Ethereum specifications, not tunables.
 */
export const SLOTS_PER_EPOCH = 32;
export const MIN_SEED_LOOKAHEAD = 1;
/** Length of the EIP-7917 `proposer_lookahead` vector: current and next epoch. */
export const PROPOSER_LOOKAHEAD_SLOTS = (MIN_SEED_LOOKAHEAD + 1) * SLOTS_PER_EPOCH;
export const EPOCHS_PER_HISTORICAL_VECTOR = 65_536;
export const SLOTS_PER_HISTORICAL_ROOT = 8_192;
export const SHUFFLE_ROUND_COUNT = 90;
export const MAX_EFFECTIVE_BALANCE_ELECTRA = 2_048_000_000_000n; // Gwei
export const MIN_ACTIVATION_BALANCE = 32_000_000_000n; // Gwei
export const EFFECTIVE_BALANCE_INCREMENT = 1_000_000_000n; // Gwei
export const FAR_FUTURE_EPOCH = 2n ** 64n - 1n;

/** Domain types (4 bytes) used by Baton's simulated beacon chain. */
export const DOMAIN_BEACON_PROPOSER = Uint8Array.of(0, 0, 0, 0);
export const DOMAIN_RANDAO = Uint8Array.of(2, 0, 0, 0);

/** The Ethereum BLS ciphersuite (proof-of-possession scheme, G2 signatures). */
export const BLS_DST = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/** EIP-4788 beacon-roots contract. */
export const BEACON_ROOTS_ADDRESS = "0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02" as const;
export const BEACON_ROOTS_HISTORY_BUFFER_LENGTH = 8_191;
/** EIP-2935 block-hash history contract. */
export const HISTORY_STORAGE_ADDRESS = "0x0000F90827F1C53a10cb7A02335B175320002935" as const;

/**
 * Generalized indices (SSZ Merkle tree positions), DESIGN.md section 3.
 * `BeaconBlockHeader` has 5 fields (8 leaves): state_root is field 3 → 8 + 3 = 11.
 * Fulu `BeaconState` has 38 fields (64 leaves): validators is field 11 → 75,
 * proposer_lookahead is field 37 → 101.
 */
export const GINDEX_HEADER_STATE_ROOT = 11n;
export const GINDEX_STATE_VALIDATORS = 75n;
export const GINDEX_STATE_PROPOSER_LOOKAHEAD = 101n;
/** Validator container: 8 fields, pubkey is field 0. */
export const VALIDATOR_FIELDS_DEPTH = 3;
/** `validators` is a List[Validator, 2**40]. */
export const VALIDATOR_REGISTRY_LIMIT_DEPTH = 40;
