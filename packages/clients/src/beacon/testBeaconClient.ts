import { PROPOSER_LOOKAHEAD_SLOTS, SLOTS_PER_EPOCH } from "@baton/protocol";
import { toHex } from "viem";
import {
  type BeaconClient,
  BeaconClientError,
  type BeaconGenesis,
  type BeaconHeadEvent,
  type BeaconHeader,
  type BeaconSpec,
  type BlockId,
  type HeadSubscription,
  type StateId,
} from "./beaconClient.ts";

export interface TestBeaconClientOptions {
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
  /** Compressed public key of each validator, by index. */
  readonly pubkeys: readonly Uint8Array[];
}

/**
 * An in-memory {@link BeaconClient} for tests: what it serves is set by the test (lookaheads per
 * state, headers), and head events are pushed with {@link TestBeaconClient.emitHead}. State and block
 * ids are matched literally (`"genesis"`, a slot, a root), as a real node would resolve them.
 */
export class TestBeaconClient implements BeaconClient {
  private readonly lookaheads = new Map<string, number[]>();
  private readonly headers = new Map<string, BeaconHeader>();
  private readonly subscriptions = new Set<HeadSubscription>();
  /** Number of calls per method, for tests that check what a component asked. */
  readonly calls = new Map<string, number>();

  constructor(readonly options: TestBeaconClientOptions) {}

  /** Serve `lookahead` (64 validator indices) as the proposer lookahead of `stateId`. */
  setProposerLookahead(stateId: StateId, lookahead: readonly number[]): void {
    if (lookahead.length !== PROPOSER_LOOKAHEAD_SLOTS) {
      throw new RangeError(`a proposer lookahead has ${PROPOSER_LOOKAHEAD_SLOTS} entries`);
    }
    this.lookaheads.set(String(stateId), [...lookahead]);
  }

  /** Serve `header` by its slot and its root; the highest slot set is the head. */
  setHeader(header: BeaconHeader): void {
    this.headers.set(String(header.slot), header);
    this.headers.set(header.root, header);
    const head = this.headers.get("head");
    if (!head || head.slot <= header.slot) this.headers.set("head", header);
  }

  /** Deliver a head event to every open subscription. */
  emitHead(event: BeaconHeadEvent): void {
    for (const subscription of this.subscriptions) subscription.onHead(event);
  }

  async getGenesis(): Promise<BeaconGenesis> {
    this.count("getGenesis");
    return {
      genesisTime: this.options.genesisTime,
      genesisValidatorsRoot: toHex(new Uint8Array(32)),
      genesisForkVersion: "0x00000000",
    };
  }

  async getSpec(): Promise<BeaconSpec> {
    this.count("getSpec");
    const values = {
      SECONDS_PER_SLOT: String(this.options.secondsPerSlot),
      SLOTS_PER_EPOCH: String(SLOTS_PER_EPOCH),
    };
    return { secondsPerSlot: this.options.secondsPerSlot, slotsPerEpoch: SLOTS_PER_EPOCH, values };
  }

  async getHeader(blockId: BlockId): Promise<BeaconHeader | undefined> {
    this.count("getHeader");
    return this.headers.get(String(blockId));
  }

  async getProposerLookahead(stateId: StateId): Promise<number[]> {
    this.count("getProposerLookahead");
    const lookahead = this.lookaheads.get(String(stateId));
    if (!lookahead) {
      throw new BeaconClientError("Beacon API request failed", {
        details: { route: "getProposerLookahead", status: 404, stateId },
      });
    }
    return [...lookahead];
  }

  async getValidatorPubkeys(stateId: StateId, indices: readonly number[]): Promise<Map<number, Uint8Array>> {
    this.count("getValidatorPubkeys");
    const pubkeys = new Map<number, Uint8Array>();
    for (const index of indices) {
      const pubkey = this.options.pubkeys[index];
      if (!pubkey) {
        throw new BeaconClientError("Validators not found in the state", {
          details: { stateId, missing: index },
        });
      }
      pubkeys.set(index, pubkey);
    }
    return pubkeys;
  }

  async subscribeHeads(subscription: HeadSubscription): Promise<void> {
    this.count("subscribeHeads");
    if (subscription.signal.aborted) return;
    this.subscriptions.add(subscription);
    subscription.signal.addEventListener("abort", () => this.subscriptions.delete(subscription), {
      once: true,
    });
  }

  private count(method: string): void {
    this.calls.set(method, (this.calls.get(method) ?? 0) + 1);
  }
}
