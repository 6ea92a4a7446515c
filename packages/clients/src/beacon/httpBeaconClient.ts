import { type ApiClient, getClient, routes } from "@lodestar/api";
import { type ChainForkConfig, chainConfigFromJson, createChainForkConfig } from "@lodestar/config";
import { type Hex, toHex } from "viem";
import {
  type BeaconClient,
  BeaconClientError,
  type BeaconGenesis,
  type BeaconHeader,
  type BeaconSpec,
  type BlockId,
  type HeadSubscription,
  type StateId,
} from "./beaconClient.ts";

export interface HttpBeaconClientOptions {
  /** The beacon node's base URL, e.g. `http://127.0.0.1:5052`. */
  readonly baseUrl: string;
  /** Per-request timeout. */
  readonly timeoutMs: number;
}

export const defaultHttpBeaconClientOptions: Omit<HttpBeaconClientOptions, "baseUrl"> = { timeoutMs: 10_000 };

/** The Beacon API serves at most this many validator ids per request (spec guidance, devnet limit). */
const MAX_VALIDATOR_IDS = 64;

type Response = { ok: boolean; status: number; error(): Error | null };

/**
 * {@link BeaconClient} over HTTP with `@lodestar/api`. The chain config the client needs to decode
 * fork-dependent types is read once from the node's own `/eth/v1/config/spec`, so the same client
 * works against the devnet and any real network.
 */
export class HttpBeaconClient implements BeaconClient {
  private readonly options: HttpBeaconClientOptions;
  private api: Promise<ApiClient> | undefined;

  constructor(options: Pick<HttpBeaconClientOptions, "baseUrl"> & Partial<HttpBeaconClientOptions>) {
    this.options = { ...defaultHttpBeaconClientOptions, ...options };
  }

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  async getGenesis(): Promise<BeaconGenesis> {
    const res = await (await this.client()).beacon.getGenesis();
    const genesis = this.value(res, "getGenesis", () => res.value());
    return {
      genesisTime: genesis.genesisTime,
      genesisValidatorsRoot: toHex(genesis.genesisValidatorsRoot),
      genesisForkVersion: toHex(genesis.genesisForkVersion),
    };
  }

  async getSpec(): Promise<BeaconSpec> {
    const res = await (await this.client()).config.getSpec();
    return specOf(this.value(res, "getSpec", () => res.value()));
  }

  async getHeader(blockId: BlockId): Promise<BeaconHeader | undefined> {
    const res = await (await this.client()).beacon.getBlockHeader({ blockId });
    if (res.status === 404) return undefined;
    const { root, header } = this.value(res, "getBlockHeader", () => res.value());
    const message = header.message;
    return {
      root: toHex(root),
      slot: message.slot,
      proposerIndex: message.proposerIndex,
      parentRoot: toHex(message.parentRoot),
      stateRoot: toHex(message.stateRoot),
      bodyRoot: toHex(message.bodyRoot),
    };
  }

  async getProposerLookahead(stateId: StateId): Promise<number[]> {
    const res = await (await this.client()).beacon.getProposerLookahead({ stateId });
    return [...this.value(res, "getProposerLookahead", () => res.value())];
  }

  async getValidatorPubkeys(stateId: StateId, indices: readonly number[]): Promise<Map<number, Uint8Array>> {
    const api = await this.client();
    const unique = [...new Set(indices)];
    const pubkeys = new Map<number, Uint8Array>();
    for (let i = 0; i < unique.length; i += MAX_VALIDATOR_IDS) {
      const validatorIds = unique.slice(i, i + MAX_VALIDATOR_IDS);
      const res = await api.beacon.getStateValidators({ stateId, validatorIds });
      for (const v of this.value(res, "getStateValidators", () => res.value())) {
        pubkeys.set(v.index, v.validator.pubkey);
      }
    }
    const missing = unique.filter((index) => !pubkeys.has(index));
    if (missing.length > 0) {
      throw new BeaconClientError("Validators not found in the state", {
        details: { stateId, missing: missing.join(",") },
      });
    }
    return pubkeys;
  }

  async subscribeHeads({ onHead, onError, signal }: HeadSubscription): Promise<void> {
    const api = await this.client();
    await api.events.eventstream({
      topics: [routes.events.EventType.head],
      signal,
      onEvent: (event) => {
        if (event.type !== routes.events.EventType.head) return;
        const head = event.message;
        onHead({
          slot: head.slot,
          block: head.block as Hex,
          state: head.state as Hex,
          epochTransition: head.epochTransition,
        });
      },
      onError: (error) => onError?.(error),
    });
  }

  /** The API client, built once the node's chain config is known. */
  private client(): Promise<ApiClient> {
    this.api ??= this.connect().catch((error: unknown) => {
      this.api = undefined; // a node that was down may come up: try again next time
      throw error;
    });
    return this.api;
  }

  private async connect(): Promise<ApiClient> {
    const init = { baseUrl: this.options.baseUrl, globalInit: { timeoutMs: this.options.timeoutMs } };
    // The spec route does not depend on the chain config: any config reads it.
    const bootstrap = getClient(init, { config: createChainForkConfig({}) });
    const res = await bootstrap.config.getSpec();
    const spec = this.value(res, "getSpec", () => res.value());
    const config: ChainForkConfig = createChainForkConfig(chainConfigFromJson(spec));
    return getClient(init, { config });
  }

  private value<T>(res: Response, route: string, read: () => T): T {
    if (!res.ok) {
      throw new BeaconClientError("Beacon API request failed", {
        details: { route, status: res.status, baseUrl: this.options.baseUrl, error: res.error()?.message },
        hint: "Check that the beacon node serves the route (Fulu for the proposer lookahead).",
      });
    }
    return read();
  }
}

function specOf(values: Readonly<Record<string, unknown>>): BeaconSpec {
  const number = (key: string): number => {
    const value = Number(values[key]);
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new BeaconClientError("Beacon spec value missing or invalid", {
        details: { key, value: values[key] },
      });
    }
    return value;
  };
  return {
    secondsPerSlot: number("SECONDS_PER_SLOT"),
    slotsPerEpoch: number("SLOTS_PER_EPOCH"),
    values: { ...values },
  };
}
