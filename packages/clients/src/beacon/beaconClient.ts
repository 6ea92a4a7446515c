import { BatonError } from "@baton/protocol";
import type { Hex } from "viem";

/** A state: `head`, `genesis`, `finalized`, `justified`, a slot, or a 0x state root (Beacon API `state_id`). */
export type StateId = "head" | "genesis" | "finalized" | "justified" | number | Hex;

/** A block: `head`, `genesis`, `finalized`, `justified`, a slot, or a 0x block root (Beacon API `block_id`). */
export type BlockId = StateId;

/** `/eth/v1/beacon/genesis`. */
export interface BeaconGenesis {
  /** Unix seconds at which slot 0 starts. */
  readonly genesisTime: number;
  readonly genesisValidatorsRoot: Hex;
  readonly genesisForkVersion: Hex;
}

/** What Baton reads of `/eth/v1/config/spec`; `values` holds every entry as served (JSON). */
export interface BeaconSpec {
  readonly secondsPerSlot: number;
  readonly slotsPerEpoch: number;
  readonly values: Readonly<Record<string, unknown>>;
}

/** A beacon block header and its root (`/eth/v1/beacon/headers/{block_id}`). */
export interface BeaconHeader {
  readonly root: Hex;
  readonly slot: number;
  readonly proposerIndex: number;
  readonly parentRoot: Hex;
  readonly stateRoot: Hex;
  readonly bodyRoot: Hex;
}

/** A `head` event of `/eth/v1/events`. */
export interface BeaconHeadEvent {
  readonly slot: number;
  readonly block: Hex;
  readonly state: Hex;
  readonly epochTransition: boolean;
}

export interface HeadSubscription {
  /** Called for each new head, in order. */
  readonly onHead: (event: BeaconHeadEvent) => void;
  /** Called on a stream error; the stream reconnects by itself unless the error is final. */
  readonly onError?: (error: Error) => void;
  /** Aborting it closes the stream. */
  readonly signal: AbortSignal;
}

/**
 * The Beacon API subset Baton's services read (DESIGN.md section 7): genesis, spec, block headers,
 * the EIP-7917 proposer lookahead of a state, validators' public keys, and head events. A real
 * beacon node and the devnet serve the same routes, so a service works unchanged against either.
 */
export interface BeaconClient {
  getGenesis(): Promise<BeaconGenesis>;
  getSpec(): Promise<BeaconSpec>;
  /** The header of a block; undefined when there is none (a missed slot, an unknown root). */
  getHeader(blockId: BlockId): Promise<BeaconHeader | undefined>;
  /**
   * The state's `proposer_lookahead` (Fulu, EIP-7917): 64 validator indices, the proposers of the
   * state's epoch and of the next one, from the first slot of the state's epoch.
   */
  getProposerLookahead(stateId: StateId): Promise<number[]>;
  /** The 48-byte compressed BLS public keys of validators `indices` in the state. */
  getValidatorPubkeys(stateId: StateId, indices: readonly number[]): Promise<Map<number, Uint8Array>>;
  /**
   * Stream `head` events until `signal` aborts. Resolves once the stream is requested; events follow
   * once it is connected, and it reconnects by itself after a node restart.
   */
  subscribeHeads(subscription: HeadSubscription): Promise<void>;
}

/** A Beacon API request failed or answered something unexpected. */
export class BeaconClientError extends BatonError {
  override readonly name = "BeaconClientError";
}
