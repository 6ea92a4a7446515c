import { EventEmitter } from "node:events";
import {
  DOMAIN_BEACON_PROPOSER,
  DOMAIN_RANDAO,
  EPOCHS_PER_HISTORICAL_VECTOR,
  epochOfSlot,
  GAS_PER_BLOB,
  initialProposerLookahead,
  SLOTS_PER_EPOCH,
} from "@baton/protocol";
import type { SecretKey } from "@chainsafe/blst";
import { ssz } from "@lodestar/types";
import type { ValidatorKeys } from "./keys.ts";
import {
  type BeaconBlock,
  type BeaconStateView,
  beaconProposerIndex,
  blockRootAtSlot,
  type ExecutionPayload,
  processBlock,
  processSlots,
  selectionState,
} from "./stateTransition.ts";

export type SignedBeaconBlock = ReturnType<typeof ssz.fulu.SignedBeaconBlock.defaultValue>;
export type BeaconBlockHeader = ReturnType<typeof ssz.phase0.BeaconBlockHeader.defaultValue>;

/** A block of the chain with its post-state. */
export interface StoredBlock {
  readonly root: Uint8Array;
  readonly header: BeaconBlockHeader;
  readonly signedBlock: SignedBeaconBlock;
  /** Post-state of the block (its `state_root`). */
  readonly state: BeaconStateView;
}

export interface HeadEvent {
  readonly slot: number;
  readonly block: Uint8Array;
  readonly state: Uint8Array;
  readonly epochTransition: boolean;
}

export interface ChainReorgEvent {
  readonly slot: number;
  readonly depth: number;
  readonly oldHeadBlock: Uint8Array;
  readonly newHeadBlock: Uint8Array;
  readonly oldHeadState: Uint8Array;
  readonly newHeadState: Uint8Array;
  readonly epoch: number;
}

export interface FinalizedCheckpointEvent {
  readonly block: Uint8Array;
  readonly state: Uint8Array;
  readonly epoch: number;
}

export interface BeaconChainEvents {
  head: [HeadEvent];
  block: [{ slot: number; block: Uint8Array }];
  chain_reorg: [ChainReorgEvent];
  finalized_checkpoint: [FinalizedCheckpointEvent];
}

export interface BeaconChainOptions {
  readonly genesisTime: number;
  readonly keys: ValidatorKeys;
  /** Effective balance of each validator in Gwei (default 32 ETH each). */
  readonly effectiveBalances?: readonly bigint[];
  /** The execution genesis block: its hash seeds randao, its header is the genesis payload header. */
  readonly executionGenesis: ExecutionPayload;
  readonly forkVersion: Uint8Array;
  /** How many slots of states are kept for the Beacon API and provers. */
  readonly stateHistorySlots: number;
}

const ZERO_ROOT = new Uint8Array(32);

/**
 * A simulated Fulu beacon chain: real SSZ states and blocks, real proposer selection and randao,
 * signed with the validators' BLS keys. One block per slot unless the slot is missed.
 */
export class BeaconChain extends EventEmitter<BeaconChainEvents> {
  readonly genesisTime: number;
  readonly genesisValidatorsRoot: Uint8Array;
  readonly forkVersion: Uint8Array;
  private readonly secretKeys: readonly SecretKey[];
  private readonly stateHistorySlots: number;
  /** The state at the current slot: the head block's post-state advanced through later empty slots. */
  private state: BeaconStateView;
  private readonly blocksBySlot = new Map<number, StoredBlock>();
  private readonly blocksByRoot = new Map<string, StoredBlock>();
  private readonly statesBySlot = new Map<number, BeaconStateView>();
  private headBlock: StoredBlock;
  private lastFinalizedEpoch = 0;

  constructor(options: BeaconChainOptions) {
    super();
    this.genesisTime = options.genesisTime;
    this.forkVersion = options.forkVersion;
    this.secretKeys = options.keys.secretKeys;
    this.stateHistorySlots = options.stateHistorySlots;
    const state = genesisState(options);
    this.genesisValidatorsRoot = state.genesisValidatorsRoot;
    // The genesis block: the header of the genesis state with its state root filled in.
    const stateRoot = state.hashTreeRoot();
    const body = ssz.fulu.BeaconBlockBody.defaultValue();
    body.executionPayload = options.executionGenesis;
    const header = { ...state.latestBlockHeader.toValue(), stateRoot };
    const signedBlock = ssz.fulu.SignedBeaconBlock.defaultValue();
    signedBlock.message = { slot: 0, proposerIndex: 0, parentRoot: ZERO_ROOT, stateRoot, body };
    this.state = state;
    this.headBlock = this.store({ header, signedBlock, state: state.clone() });
    this.statesBySlot.set(0, state.clone());
  }

  get headSlot(): number {
    return this.headBlock.header.slot;
  }

  get currentSlot(): number {
    return this.state.slot;
  }

  get head(): StoredBlock {
    return this.headBlock;
  }

  get genesisBlock(): StoredBlock {
    return this.blocksBySlot.get(0)!;
  }

  /** The proposer of `slot`, from the EIP-7917 lookahead (current or next epoch of the current state). */
  proposerOf(slot: number): number {
    const startSlot = epochOfSlot(this.state.slot) * SLOTS_PER_EPOCH;
    const index = slot - startSlot;
    if (index < 0 || index >= this.state.proposerLookahead.length) {
      throw new RangeError(`slot ${slot} is outside the lookahead of slot ${this.state.slot}`);
    }
    return this.state.proposerLookahead.get(index);
  }

  /** Advance through slots without a block (missed slots) up to and including `slot`. */
  advanceTo(slot: number): void {
    if (slot < this.state.slot) throw new RangeError(`slot ${slot} is in the past (at ${this.state.slot})`);
    for (let s = this.state.slot + 1; s <= slot; s++) {
      processSlots(this.state, s);
      this.keepState(s, this.state.clone());
      this.maybeFinalize();
    }
  }

  /**
   * Produce, sign and import the block of `slot` carrying `payload` and, when the payload has blobs,
   * their KZG commitments (`blob_kzg_commitments`, in block order: one per `GAS_PER_BLOB` of blob gas).
   */
  produceBlock(
    slot: number,
    payload: ExecutionPayload,
    blobKzgCommitments: readonly Uint8Array[] = [],
  ): StoredBlock {
    if (slot <= this.headSlot)
      throw new RangeError(`slot ${slot} is not after the head slot ${this.headSlot}`);
    checkBlobCount(payload, blobKzgCommitments);
    this.advanceTo(slot);
    const stored = this.importBlockAt(slot, this.state, payload, blobKzgCommitments);
    this.state = stored.state.clone();
    this.keepState(slot, stored.state);
    const previousHead = this.headBlock;
    this.headBlock = stored;
    this.emitHead(stored, previousHead);
    return stored;
  }

  /**
   * Replace the head block by another block at the same slot with `payload` and its blobs'
   * commitments (an L1 reorg of depth 1). Emits `chain_reorg` then `head`.
   */
  replaceHead(payload: ExecutionPayload, blobKzgCommitments: readonly Uint8Array[] = []): StoredBlock {
    const old = this.headBlock;
    const slot = old.header.slot;
    if (slot === 0) throw new RangeError("the genesis block cannot be replaced");
    checkBlobCount(payload, blobKzgCommitments);
    const parent = this.blocksByRoot.get(Buffer.from(old.header.parentRoot).toString("hex"));
    if (!parent) throw new RangeError("the head's parent is no longer stored");
    const pre = parent.state.clone();
    processSlots(pre, slot);
    const stored = this.importBlockAt(slot, pre, payload, blobKzgCommitments);
    this.blocksByRoot.delete(Buffer.from(old.root).toString("hex"));
    this.blocksBySlot.set(slot, stored);
    // The current state follows the new head through any empty slots since.
    const current = stored.state.clone();
    processSlots(current, this.state.slot);
    this.state = current;
    this.keepState(slot, stored.state);
    for (let s = slot + 1; s <= current.slot; s++) {
      const view = stored.state.clone();
      processSlots(view, s);
      this.keepState(s, view);
    }
    this.headBlock = stored;
    this.emit("chain_reorg", {
      slot,
      depth: 1,
      oldHeadBlock: old.root,
      newHeadBlock: stored.root,
      oldHeadState: old.header.stateRoot,
      newHeadState: stored.header.stateRoot,
      epoch: epochOfSlot(slot),
    });
    this.emitHead(stored, parent);
    return stored;
  }

  blockAtSlot(slot: number): StoredBlock | undefined {
    return this.blocksBySlot.get(slot);
  }

  blockByRoot(root: Uint8Array): StoredBlock | undefined {
    return this.blocksByRoot.get(Buffer.from(root).toString("hex"));
  }

  /** The state at `slot` (after its block if any), while kept. */
  stateAtSlot(slot: number): BeaconStateView | undefined {
    return this.statesBySlot.get(slot);
  }

  /** The state whose root is `root`, among the kept states. */
  stateByRoot(root: Uint8Array): BeaconStateView | undefined {
    for (const state of this.statesBySlot.values()) {
      if (Buffer.from(state.hashTreeRoot()).equals(Buffer.from(root))) return state;
    }
    return undefined;
  }

  /** The current state (read-only use). */
  get currentState(): BeaconStateView {
    return this.state;
  }

  get finalizedCheckpoint(): { epoch: number; root: Uint8Array } {
    return this.state.finalizedCheckpoint.toValue();
  }

  /** Proposer duties of `epoch`: available for epochs whose lookahead a kept state holds. */
  proposerDuties(
    epoch: number,
  ):
    | { dependentRoot: Uint8Array; duties: { pubkey: Uint8Array; validatorIndex: number; slot: number }[] }
    | undefined {
    const currentEpoch = epochOfSlot(this.state.slot);
    let state: BeaconStateView | undefined;
    let offset: number;
    if (epoch === currentEpoch || epoch === currentEpoch + 1) {
      state = this.state;
      offset = (epoch - currentEpoch) * SLOTS_PER_EPOCH;
    } else if (epoch < currentEpoch) {
      state = this.statesBySlot.get(epoch * SLOTS_PER_EPOCH);
      offset = 0;
    } else {
      return undefined;
    }
    if (!state) return undefined;
    const startSlot = epoch * SLOTS_PER_EPOCH;
    const duties = [];
    for (let i = 0; i < SLOTS_PER_EPOCH; i++) {
      const validatorIndex = state.proposerLookahead.get(offset + i);
      duties.push({
        pubkey: state.validators.getReadonly(validatorIndex).pubkey,
        validatorIndex,
        slot: startSlot + i,
      });
    }
    return { dependentRoot: this.dutyDependentRoot(epoch), duties };
  }

  /**
   * The block root proposer duties of `epoch` depend on (Fulu: the last block of epoch - 2, since the
   * lookahead fixes an epoch's proposers one epoch ahead).
   */
  dutyDependentRoot(epoch: number): Uint8Array {
    const slot = (epoch - 1) * SLOTS_PER_EPOCH - 1;
    if (slot < 0) return this.genesisBlock.root;
    if (slot >= this.state.slot) return this.headBlock.root;
    return blockRootAtSlot(this.state, slot);
  }

  private importBlockAt(
    slot: number,
    pre: BeaconStateView,
    payload: ExecutionPayload,
    blobKzgCommitments: readonly Uint8Array[],
  ): StoredBlock {
    const state = pre.clone();
    const proposerIndex = beaconProposerIndex(state);
    const secretKey = this.secretKeys[proposerIndex];
    if (!secretKey) throw new RangeError(`no key for validator ${proposerIndex}`);
    const epoch = epochOfSlot(slot);
    const body = ssz.fulu.BeaconBlockBody.defaultValue();
    body.randaoReveal = secretKey
      .sign(this.signingRoot(ssz.Epoch.hashTreeRoot(epoch), DOMAIN_RANDAO))
      .toBytes();
    body.eth1Data = state.eth1Data.toValue();
    body.graffiti = Buffer.from("baton devnet".padEnd(32, "\0"));
    body.executionPayload = payload;
    body.blobKzgCommitments = [...blobKzgCommitments];
    body.syncAggregate.syncCommitteeSignature = G2_POINT_AT_INFINITY;
    const block: BeaconBlock = {
      slot,
      proposerIndex,
      parentRoot: state.latestBlockHeader.hashTreeRoot(),
      stateRoot: ZERO_ROOT,
      body,
    };
    processBlock(state, block);
    block.stateRoot = state.hashTreeRoot();
    const blockRoot = ssz.fulu.BeaconBlock.hashTreeRoot(block);
    const signature = secretKey.sign(this.signingRoot(blockRoot, DOMAIN_BEACON_PROPOSER)).toBytes();
    const header: BeaconBlockHeader = {
      slot,
      proposerIndex,
      parentRoot: block.parentRoot,
      stateRoot: block.stateRoot,
      bodyRoot: ssz.fulu.BeaconBlockBody.hashTreeRoot(body),
    };
    return this.store({ header, signedBlock: { message: block, signature }, state });
  }

  private store(block: Omit<StoredBlock, "root">): StoredBlock {
    const stored = { ...block, root: ssz.phase0.BeaconBlockHeader.hashTreeRoot(block.header) };
    this.blocksBySlot.set(stored.header.slot, stored);
    this.blocksByRoot.set(Buffer.from(stored.root).toString("hex"), stored);
    return stored;
  }

  private keepState(slot: number, state: BeaconStateView): void {
    this.statesBySlot.set(slot, state);
    const oldest = slot - this.stateHistorySlots;
    // Blocks stay (headers are small); states go with the history window, genesis excepted.
    if (oldest > 0) this.statesBySlot.delete(oldest);
  }

  private maybeFinalize(): void {
    const finalized = this.state.finalizedCheckpoint;
    if (finalized.epoch > this.lastFinalizedEpoch) {
      this.lastFinalizedEpoch = finalized.epoch;
      const block = this.blockByRoot(finalized.root);
      this.emit("finalized_checkpoint", {
        block: finalized.root,
        state: block?.header.stateRoot ?? ZERO_ROOT,
        epoch: finalized.epoch,
      });
    }
  }

  private emitHead(block: StoredBlock, previous: StoredBlock): void {
    const epoch = epochOfSlot(block.header.slot);
    this.emit("block", { slot: block.header.slot, block: block.root });
    this.emit("head", {
      slot: block.header.slot,
      block: block.root,
      state: block.header.stateRoot,
      epochTransition: epochOfSlot(previous.header.slot) !== epoch,
    });
  }

  private signingRoot(objectRoot: Uint8Array, domainType: Uint8Array): Uint8Array {
    const forkDataRoot = ssz.phase0.ForkData.hashTreeRoot({
      currentVersion: this.forkVersion,
      genesisValidatorsRoot: this.genesisValidatorsRoot,
    });
    const domain = new Uint8Array(32);
    domain.set(domainType);
    domain.set(forkDataRoot.subarray(0, 28), 4);
    return ssz.phase0.SigningData.hashTreeRoot({ objectRoot, domain });
  }
}

/**
 * A block's commitments are one per blob its payload paid blob gas for (the execution layer checks
 * their versioned hashes against its transactions; this catches a caller that forgot them).
 */
function checkBlobCount(payload: ExecutionPayload, blobKzgCommitments: readonly Uint8Array[]): void {
  if (BigInt(blobKzgCommitments.length) * GAS_PER_BLOB !== payload.blobGasUsed) {
    throw new RangeError(
      `${blobKzgCommitments.length} blob commitments for blob gas ${payload.blobGasUsed} (block ${payload.blockNumber})`,
    );
  }
}

const G2_POINT_AT_INFINITY = Uint8Array.from([0xc0, ...new Array<number>(95).fill(0)]);

/** `initialize_beacon_state_from_eth1`, reduced to what the devnet needs, at Fulu. */
function genesisState(options: BeaconChainOptions): BeaconStateView {
  const state = ssz.fulu.BeaconState.defaultViewDU();
  const payload = options.executionGenesis;
  state.genesisTime = options.genesisTime;
  state.fork = ssz.phase0.Fork.toViewDU({
    previousVersion: options.forkVersion,
    currentVersion: options.forkVersion,
    epoch: 0,
  });
  state.eth1Data = ssz.phase0.Eth1Data.toViewDU({
    depositRoot: new Uint8Array(32),
    depositCount: 0n,
    blockHash: payload.blockHash,
  });
  options.keys.pubkeys.forEach((pubkey, i) => {
    const effectiveBalance = Number(options.effectiveBalances?.[i] ?? 32_000_000_000n);
    const credentials = new Uint8Array(32);
    credentials[0] = effectiveBalance > 32_000_000_000 ? 0x02 : 0x01;
    credentials.set(payload.feeRecipient, 12);
    state.validators.push(
      ssz.phase0.Validator.toViewDU({
        pubkey,
        withdrawalCredentials: credentials,
        effectiveBalance,
        slashed: false,
        activationEligibilityEpoch: 0,
        activationEpoch: 0,
        exitEpoch: Number.POSITIVE_INFINITY,
        withdrawableEpoch: Number.POSITIVE_INFINITY,
      }),
    );
    state.balances.push(effectiveBalance);
    state.previousEpochParticipation.push(0);
    state.currentEpochParticipation.push(0);
    state.inactivityScores.push(0);
  });
  for (let i = 0; i < EPOCHS_PER_HISTORICAL_VECTOR; i++) state.randaoMixes.set(i, payload.blockHash);
  state.latestBlockHeader = ssz.phase0.BeaconBlockHeader.toViewDU({
    slot: 0,
    proposerIndex: 0,
    parentRoot: ZERO_ROOT,
    stateRoot: ZERO_ROOT,
    bodyRoot: ssz.fulu.BeaconBlockBody.hashTreeRoot({
      ...ssz.fulu.BeaconBlockBody.defaultValue(),
      executionPayload: payload,
    }),
  });
  state.latestExecutionPayloadHeader = ssz.fulu.ExecutionPayloadHeader.toViewDU({
    ...payload,
    transactionsRoot: ssz.bellatrix.Transactions.hashTreeRoot(payload.transactions),
    withdrawalsRoot: ssz.capella.Withdrawals.hashTreeRoot(payload.withdrawals),
  });
  state.commit();
  state.genesisValidatorsRoot = state.validators.hashTreeRoot();
  initialProposerLookahead(selectionState(state), 0).forEach((validatorIndex, i) => {
    state.proposerLookahead.set(i, validatorIndex);
  });
  state.commit();
  return state;
}
