/**
 * The lookahead lists the `LookaheadStore` holds, seen from outside L1: the list an epoch should have
 * (from the Beacon API and the registry), the list that was posted (from the store's events, checked
 * against its stored hash), and the sequencing window of a slot from the lists (DESIGN.md section 3).
 */

import { lookaheadStoreAbi, registryAbi } from "@baton/contracts";
import {
  epochOfSlot,
  LookaheadError,
  PROPOSER_LOOKAHEAD_SLOTS,
  pubkeyRoot,
  SLOTS_PER_EPOCH,
  sequencingWindow,
} from "@baton/protocol";
import {
  type Address,
  encodeAbiParameters,
  type Hex,
  keccak256,
  type PublicClient,
  toHex,
  zeroHash,
} from "viem";
import type { BeaconClient, StateId } from "./beacon/beaconClient.ts";

/**
 * One slot of an epoch whose beacon proposer is an active sequencer, exactly as `LookaheadStore`
 * takes it in calldata. A type alias, not an interface: viem's ABI inference accepts only closed types.
 */
export type LookaheadEntry = { slot: bigint; registration: Hex; committer: Address };

/** The list of one epoch: its sequencer slots in ascending order. */
export interface EpochLookahead {
  readonly epoch: number;
  readonly entries: readonly LookaheadEntry[];
}

/** The window holding a slot, as `LookaheadStore.windowAt` decides it. */
export type LookaheadWindow =
  | {
      readonly kind: "sequencer";
      /** First slot of the window known from the lists given: `t_prev + 1`, or the first listed epoch's start. */
      readonly firstSlot: number;
      /** `t`: the sequencer's slot, the target slot of every batch and promise of the window. */
      readonly lastSlot: number;
      readonly registration: Hex;
      readonly committer: Address;
    }
  | {
      /** No sequencer at or after the slot in its epoch and the next: batches are unsigned. */
      readonly kind: "fallback";
      readonly firstSlot: number;
      /** Last slot the lists cover (the end of the next epoch). */
      readonly lastKnownSlot: number;
    };

const ENTRY_LIST = [
  {
    type: "tuple[]",
    components: [
      { name: "slot", type: "uint64" },
      { name: "registration", type: "bytes32" },
      { name: "committer", type: "address" },
    ],
  },
] as const;

/** `keccak256(abi.encode(entries))`: what `LookaheadStore` stores for a list. */
export function lookaheadHash(entries: readonly LookaheadEntry[]): Hex {
  return keccak256(encodeAbiParameters(ENTRY_LIST, [entries]));
}

/** Throws unless the entries are strictly ascending and inside the epoch (the store's `_checkShape`). */
export function checkEpochLookahead(list: EpochLookahead): void {
  const first = BigInt(list.epoch * SLOTS_PER_EPOCH);
  list.entries.forEach((entry, i) => {
    const outside = entry.slot < first || entry.slot >= first + BigInt(SLOTS_PER_EPOCH);
    const unsorted = i > 0 && entry.slot <= list.entries[i - 1]!.slot;
    if (outside || unsorted) {
      throw new LookaheadError("Lookahead list is not sorted inside its epoch", {
        details: { epoch: list.epoch, index: i, slot: entry.slot },
      });
    }
  });
}

export interface ExpectedLookaheadDeps {
  readonly beacon: BeaconClient;
  /** An L1 JSON-RPC client. */
  readonly client: PublicClient;
  readonly registry: Address;
}

export interface ExpectedLookaheadOptions {
  /**
   * The slot of the state whose `proposer_lookahead` is read: in `epoch - 1` or `epoch`. Default: the
   * first slot of `epoch - 1`, or the genesis state for epochs 0 and 1.
   */
  readonly stateSlot?: number;
  /** Read the registry at this L1 block (default: the latest). */
  readonly blockNumber?: bigint;
}

/**
 * The list `LookaheadStore` should hold for `epoch`: every slot of the epoch whose beacon proposer's
 * registration (the SSZ root of its compressed key, as the registry computes it) is active in the
 * registry at `referenceTime(epoch)`, with its committer at that time. The proposers come from the
 * EIP-7917 lookahead of a state in `epoch - 1` (the genesis state for epochs 0 and 1).
 */
export async function expectedLookahead(
  epoch: number,
  deps: ExpectedLookaheadDeps,
  options: ExpectedLookaheadOptions = {},
): Promise<EpochLookahead> {
  if (!Number.isSafeInteger(epoch) || epoch < 0) throw new RangeError(`invalid epoch ${epoch}`);
  const stateSlot = options.stateSlot ?? (epoch <= 1 ? 0 : (epoch - 1) * SLOTS_PER_EPOCH);
  const offset = epoch * SLOTS_PER_EPOCH - epochOfSlot(stateSlot) * SLOTS_PER_EPOCH;
  if (offset < 0 || offset > PROPOSER_LOOKAHEAD_SLOTS - SLOTS_PER_EPOCH) {
    throw new LookaheadError("State does not hold the epoch's proposers", {
      details: { epoch, stateSlot },
      hint: "Use a state of the epoch or of the epoch before it.",
    });
  }
  const stateId: StateId = stateSlot === 0 ? "genesis" : stateSlot;
  const lookahead = await deps.beacon.getProposerLookahead(stateId);
  if (lookahead.length !== PROPOSER_LOOKAHEAD_SLOTS) {
    throw new LookaheadError("Proposer lookahead has the wrong length", {
      details: { stateId, length: lookahead.length },
    });
  }
  const proposers = lookahead.slice(offset, offset + SLOTS_PER_EPOCH);
  const pubkeys = await deps.beacon.getValidatorPubkeys(stateId, proposers);
  const registrationOf = new Map<number, Hex>();
  for (const [index, pubkey] of pubkeys) registrationOf.set(index, toHex(pubkeyRoot(pubkey)));

  const blockNumber = options.blockNumber ?? (await deps.client.getBlockNumber());
  const read = { address: deps.registry, abi: registryAbi, blockNumber } as const;
  const referenceTime = await deps.client.readContract({
    ...read,
    functionName: "referenceTime",
    args: [BigInt(epoch)],
  });
  const registrations = [...new Set(registrationOf.values())];
  const sequencers = new Map<Hex, Address>();
  await Promise.all(
    registrations.map(async (registration) => {
      const active = await deps.client.readContract({
        ...read,
        functionName: "isActiveAt",
        args: [registration, referenceTime],
      });
      if (!active) return;
      const committer = await deps.client.readContract({
        ...read,
        functionName: "committerAt",
        args: [registration, referenceTime],
      });
      sequencers.set(registration, committer);
    }),
  );
  const entries: LookaheadEntry[] = [];
  proposers.forEach((validatorIndex, i) => {
    const registration = registrationOf.get(validatorIndex)!;
    const committer = sequencers.get(registration);
    if (committer !== undefined) {
      entries.push({ slot: BigInt(epoch * SLOTS_PER_EPOCH + i), registration, committer });
    }
  });
  return { epoch, entries };
}

export interface PostedLookaheadDeps {
  readonly client: PublicClient;
  /** The `LookaheadStore`. */
  readonly lookahead: Address;
}

export interface PostedLookaheadOptions {
  /** First L1 block searched for the list's events (default: the first block). */
  readonly fromBlock?: bigint;
  /** Read at this L1 block (default: the latest). */
  readonly blockNumber?: bigint;
}

/**
 * The list `LookaheadStore` holds for `epoch` (undefined when none was posted): the entries of the
 * latest `LookaheadPosted` or `LookaheadCorrected` event of the epoch whose hash is the stored hash.
 */
export async function postedLookahead(
  epoch: number,
  deps: PostedLookaheadDeps,
  options: PostedLookaheadOptions = {},
): Promise<EpochLookahead | undefined> {
  const blockNumber = options.blockNumber ?? (await deps.client.getBlockNumber());
  const record = await deps.client.readContract({
    address: deps.lookahead,
    abi: lookaheadStoreAbi,
    functionName: "epochRecord",
    args: [BigInt(epoch)],
    blockNumber,
  });
  if (record.hash === zeroHash) return undefined;
  const range = {
    address: deps.lookahead,
    abi: lookaheadStoreAbi,
    args: { epoch: BigInt(epoch) },
    fromBlock: options.fromBlock ?? 0n,
    toBlock: blockNumber,
    strict: true,
  } as const;
  const [posted, corrected] = await Promise.all([
    deps.client.getContractEvents({ ...range, eventName: "LookaheadPosted" }),
    deps.client.getContractEvents({ ...range, eventName: "LookaheadCorrected" }),
  ]);
  const events = [...posted, ...corrected].sort((a, b) =>
    a.blockNumber === b.blockNumber ? b.logIndex - a.logIndex : Number(b.blockNumber - a.blockNumber),
  );
  for (const event of events) {
    const entries = event.args.entries.map((e) => ({
      slot: e.slot,
      registration: e.registration,
      committer: e.committer,
    }));
    if (lookaheadHash(entries) === record.hash) return { epoch, entries };
  }
  throw new LookaheadError("No event holds the stored lookahead list", {
    details: { epoch, hash: record.hash, events: events.length, fromBlock: range.fromBlock },
    hint: "Search from an earlier block (the list was posted after the epoch's reference time).",
  });
}

/**
 * The window holding `slot` from the lists of its epoch (`current`) and the next, exactly as
 * `LookaheadStore.windowAt(slot, current, next)` decides it: the first listed slot at or after `slot`,
 * in `current`, else the first of `next`, else fallback. `next` is needed only when `current` has no
 * entry at or after `slot` (as on L1). With `previous` (the list of the epoch before), `firstSlot`
 * reaches back into it; otherwise it is at least the start of `current`'s epoch.
 */
export function lookaheadWindow(
  slot: number,
  lists: {
    readonly current: EpochLookahead;
    readonly next?: EpochLookahead;
    readonly previous?: EpochLookahead;
  },
): LookaheadWindow {
  const { previous, current, next } = lists;
  if (epochOfSlot(slot) !== current.epoch) {
    throw new LookaheadError("Slot is not in the current list's epoch", {
      details: { slot, epoch: current.epoch },
    });
  }
  if (next && next.epoch !== current.epoch + 1) {
    throw new LookaheadError("Next list is not of the next epoch", { details: { epoch: next.epoch } });
  }
  if (previous && previous.epoch !== current.epoch - 1) {
    throw new LookaheadError("Previous list is not of the previous epoch", {
      details: { epoch: previous.epoch },
    });
  }
  const known = [previous, current, next].filter((l): l is EpochLookahead => l !== undefined);
  for (const list of known) checkEpochLookahead(list);
  const entries = known.flatMap((l) => l.entries);
  // The schedule's "proposers" are positions in `entries` (-1: no sequencer at that slot).
  const startSlot = known[0]!.epoch * SLOTS_PER_EPOCH;
  const position = new Map(entries.map((e, i) => [Number(e.slot), i]));
  const proposers = Array.from({ length: known.length * SLOTS_PER_EPOCH }, (_, i) => {
    return position.get(startSlot + i) ?? -1;
  });
  const window = sequencingWindow({ startSlot, proposers }, slot, (i) => i >= 0);
  if (window.kind === "sequencer") {
    const entry = entries[window.validatorIndex]!;
    return {
      kind: "sequencer",
      firstSlot: window.firstSlot,
      lastSlot: window.sequencerSlot,
      registration: entry.registration,
      committer: entry.committer,
    };
  }
  if (!next) {
    throw new LookaheadError("The next epoch's list is needed", {
      details: { slot, epoch: current.epoch },
      hint: "No sequencer follows the slot in its epoch: the window is in the next epoch's list.",
    });
  }
  return { kind: "fallback", firstSlot: window.firstSlot, lastKnownSlot: window.lastKnownSlot };
}
