/**
 * The Beacon API routes the devnet serves, each defined once: method, path template, the media types
 * it can answer with, and its handler. Shapes follow the beacon-APIs spec; SSZ containers are
 * rendered with Lodestar's types (`toJson`), so field names and number/byte encodings are the spec's.
 */

import { epochOfSlot } from "@baton/protocol";
import type { ChainForkConfig } from "@lodestar/config";
import { chainConfigToJson } from "@lodestar/config";
import { activePreset, type ForkName, presetToJson } from "@lodestar/params";
import { ssz } from "@lodestar/types";
import type { BeaconChain, StoredBlock } from "../chain.ts";
import { type BlobProvider, blobsOfBlock } from "./blobs.ts";
import {
  dutyDependentRootV1,
  findValidators,
  fromHex,
  isFinalizedSlot,
  parseRoot,
  parseStatusFilter,
  parseUint,
  parseVersionedHashes,
  queryList,
  resolveBlock,
  resolveState,
  stateEpoch,
  toHex,
  validatorStatus,
} from "./chainView.ts";
import { ApiError, HttpStatus } from "./errors.ts";
import { type EmittedTopic, parseTopics } from "./events.ts";

export const MediaType = {
  json: "application/json",
  ssz: "application/octet-stream",
  eventStream: "text/event-stream",
} as const;
export type MediaType = (typeof MediaType)[keyof typeof MediaType];

export interface RouteContext {
  readonly params: Readonly<Record<string, string>>;
  readonly query: URLSearchParams;
  /** The media type negotiated from `Accept` among the route's `produces`. */
  readonly mediaType: MediaType;
}

export type RouteResult =
  | { readonly kind: "json"; readonly body: unknown; readonly headers?: Readonly<Record<string, string>> }
  | { readonly kind: "ssz"; readonly body: Uint8Array; readonly headers: Readonly<Record<string, string>> }
  | { readonly kind: "status"; readonly status: number }
  | { readonly kind: "events"; readonly topics: ReadonlySet<EmittedTopic> };

export interface Route {
  readonly method: "GET";
  /** Path template with `{param}` segments, as written in the spec. */
  readonly path: string;
  readonly operationId: string;
  /** Media types the route answers with, preferred first; empty: no body to negotiate. */
  readonly produces: readonly MediaType[];
  /** May answer asynchronously (a route that reads the execution node); errors are answered alike. */
  handle(ctx: RouteContext): RouteResult | Promise<RouteResult>;
}

export interface RouteDeps {
  readonly chain: BeaconChain;
  readonly config: ChainForkConfig;
  /** `/eth/v1/node/version`. */
  readonly version: string;
  /**
   * `/eth/v1/beacon/blobs/{block_id}`'s source. Without one, blocks without blobs still answer (an
   * empty list) and blocks with blobs answer 500: the block exists, this server cannot serve its blobs.
   */
  readonly blobs?: BlobProvider;
}

const JSON_ONLY = [MediaType.json] as const;
const JSON_OR_SSZ = [MediaType.json, MediaType.ssz] as const;

/** Spec rule: the `Eth-Consensus-Version` header. Lodestar-style meta headers let SSZ readers see the rest. */
const VERSION_HEADER = "Eth-Consensus-Version";
const OPTIMISTIC_HEADER = "Eth-Execution-Optimistic";
const FINALIZED_HEADER = "Eth-Consensus-Finalized";

interface SszJsonType<T> {
  toJson(value: T): unknown;
  serialize(value: T): Uint8Array;
}

/** A `{version, execution_optimistic, finalized, data}` answer, as JSON or SSZ by `Accept`. */
function versioned<T>(
  ctx: RouteContext,
  version: ForkName,
  finalized: boolean,
  type: SszJsonType<T>,
  value: T,
): RouteResult {
  const headers = { [VERSION_HEADER]: version };
  if (ctx.mediaType === MediaType.ssz) {
    return {
      kind: "ssz",
      body: type.serialize(value),
      headers: { ...headers, [OPTIMISTIC_HEADER]: "false", [FINALIZED_HEADER]: String(finalized) },
    };
  }
  const body = { version, execution_optimistic: false, finalized, data: type.toJson(value) };
  return { kind: "json", body, headers };
}

/** A `{execution_optimistic, finalized, data}` answer. */
function withFinality(finalized: boolean, data: unknown): RouteResult {
  return { kind: "json", body: { execution_optimistic: false, finalized, data } };
}

const json = (body: unknown): RouteResult => ({ kind: "json", body });

function headerData(block: StoredBlock) {
  return {
    root: toHex(block.root),
    canonical: true,
    header: ssz.phase0.SignedBeaconBlockHeader.toJson({
      message: block.header,
      signature: block.signedBlock.signature,
    }),
  };
}

/** Blocks matching the `/eth/v1/beacon/headers` query (default: the head). */
function matchingHeaders(chain: BeaconChain, query: URLSearchParams): StoredBlock[] {
  const slotParam = query.get("slot");
  const parentParam = query.get("parent_root");
  const slot = slotParam === null ? undefined : parseUint(slotParam, "slot");
  const parentRoot = parentParam === null ? undefined : parseRoot(parentParam, "parent_root");
  let candidates: StoredBlock[];
  if (slot !== undefined) {
    const block = chain.blockAtSlot(slot);
    candidates = block ? [block] : [];
  } else if (parentRoot !== undefined) {
    // The chain keeps one canonical block per slot: the parent's child is the next block after it.
    const parent = chain.blockByRoot(parentRoot);
    candidates = [];
    for (let s = (parent?.header.slot ?? Number.POSITIVE_INFINITY) + 1; s <= chain.headSlot; s++) {
      const child = chain.blockAtSlot(s);
      if (child) {
        candidates.push(child);
        break;
      }
    }
  } else {
    candidates = [chain.head];
  }
  return parentRoot === undefined
    ? candidates
    : candidates.filter((b) => Buffer.from(b.header.parentRoot).equals(Buffer.from(parentRoot)));
}

/** Proposer duties of `epoch`; the two versions differ in their dependent root only. */
function proposerDuties(chain: BeaconChain, epochParam: string, version: 1 | 2): RouteResult {
  const epoch = parseUint(epochParam, "epoch");
  const currentEpoch = epochOfSlot(chain.currentSlot);
  if (epoch > currentEpoch + 1) {
    throw ApiError.badRequest(`Invalid epoch: ${epoch} is more than one epoch past the current epoch`);
  }
  const duties = chain.proposerDuties(epoch);
  if (!duties) throw ApiError.unavailable(`Proposer duties of epoch ${epoch} are no longer kept`);
  const dependentRoot = version === 1 ? dutyDependentRootV1(chain, epoch) : duties.dependentRoot;
  return json({
    dependent_root: toHex(dependentRoot),
    execution_optimistic: false,
    data: duties.duties.map((d) => ({
      pubkey: toHex(d.pubkey),
      validator_index: String(d.validatorIndex),
      slot: String(d.slot),
    })),
  });
}

const MAX_VALIDATOR_IDS = 64;

function validatorJson(state: ReturnType<typeof resolveState>["state"], index: number) {
  const validator = state.validators.getReadonly(index).toValue();
  const balance = state.balances.get(index);
  return {
    index: String(index),
    balance: String(balance),
    status: validatorStatus(validator, balance, stateEpoch(state)),
    validator: ssz.phase0.Validator.toJson(validator),
  };
}

export function beaconApiRoutes({ chain, config, version, blobs }: RouteDeps): readonly Route[] {
  const forkOf = (slot: number) => config.getForkName(slot);
  return [
    {
      method: "GET",
      path: "/eth/v1/beacon/genesis",
      operationId: "getGenesis",
      produces: JSON_ONLY,
      handle: () =>
        json({
          data: {
            genesis_time: String(chain.genesisTime),
            genesis_validators_root: toHex(chain.genesisValidatorsRoot),
            genesis_fork_version: toHex(config.GENESIS_FORK_VERSION),
          },
        }),
    },
    {
      method: "GET",
      path: "/eth/v1/config/spec",
      operationId: "getSpec",
      produces: JSON_ONLY,
      handle: () => json({ data: { ...presetToJson(activePreset), ...chainConfigToJson(config) } }),
    },
    {
      method: "GET",
      path: "/eth/v1/config/fork_schedule",
      operationId: "getForkSchedule",
      produces: JSON_ONLY,
      handle: () =>
        json({
          // Forks without an epoch (FAR_FUTURE_EPOCH) are not scheduled: left out, as real nodes do.
          data: config.forksAscendingEpochOrder
            .filter((fork) => Number.isFinite(fork.epoch))
            .map((fork) =>
              ssz.phase0.Fork.toJson({
                previousVersion: fork.prevVersion,
                currentVersion: fork.version,
                epoch: fork.epoch,
              }),
            ),
        }),
    },
    {
      method: "GET",
      path: "/eth/v1/node/version",
      operationId: "getNodeVersion",
      produces: JSON_ONLY,
      handle: () => json({ data: { version } }),
    },
    {
      method: "GET",
      path: "/eth/v1/node/syncing",
      operationId: "getSyncingStatus",
      produces: JSON_ONLY,
      handle: () =>
        json({
          data: {
            head_slot: String(chain.headSlot),
            sync_distance: String(chain.currentSlot - chain.headSlot),
            is_syncing: false,
            is_optimistic: false,
            el_offline: false,
          },
        }),
    },
    {
      method: "GET",
      path: "/eth/v1/node/health",
      operationId: "getHealth",
      produces: [],
      handle: ({ query }) => {
        const syncingStatus = query.get("syncing_status");
        if (syncingStatus !== null) {
          const code = parseUint(syncingStatus, "syncing status code");
          if (code < 100 || code > 599) throw ApiError.badRequest(`Invalid syncing status code: ${code}`);
        }
        // Never syncing: the simulated chain is always at its head.
        return { kind: "status", status: HttpStatus.ok };
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/headers",
      operationId: "getBlockHeaders",
      produces: JSON_ONLY,
      handle: ({ query }) => {
        const blocks = matchingHeaders(chain, query);
        const finalized = blocks.length > 0 && blocks.every((b) => isFinalizedSlot(chain, b.header.slot));
        return withFinality(finalized, blocks.map(headerData));
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/headers/{block_id}",
      operationId: "getBlockHeader",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { block, finalized } = resolveBlock(chain, params.block_id!);
        return withFinality(finalized, headerData(block));
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/blocks/{block_id}/root",
      operationId: "getBlockRoot",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { block, finalized } = resolveBlock(chain, params.block_id!);
        return withFinality(finalized, { root: toHex(block.root) });
      },
    },
    {
      method: "GET",
      path: "/eth/v2/beacon/blocks/{block_id}",
      operationId: "getBlockV2",
      produces: JSON_OR_SSZ,
      handle: (ctx) => {
        const { block, finalized } = resolveBlock(chain, ctx.params.block_id!);
        const fork = forkOf(block.header.slot);
        return versioned(ctx, fork, finalized, ssz.fulu.SignedBeaconBlock, block.signedBlock);
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/blobs/{block_id}",
      operationId: "getBlobs",
      produces: JSON_OR_SSZ,
      handle: async (ctx) => {
        const versionedHashes = parseVersionedHashes(queryList(ctx.query, "versioned_hashes"));
        const { block, finalized } = resolveBlock(chain, ctx.params.block_id!);
        const selected = await blobsOfBlock(block, versionedHashes, blobs);
        if (ctx.mediaType === MediaType.ssz) {
          const body = ssz.deneb.Blobs.serialize(selected.map(fromHex));
          const headers = { [OPTIMISTIC_HEADER]: "false", [FINALIZED_HEADER]: String(finalized) };
          return { kind: "ssz", body, headers };
        }
        return withFinality(finalized, selected);
      },
    },
    {
      method: "GET",
      path: "/eth/v1/validator/duties/proposer/{epoch}",
      operationId: "getProposerDuties",
      produces: JSON_ONLY,
      handle: ({ params }) => proposerDuties(chain, params.epoch!, 1),
    },
    {
      method: "GET",
      path: "/eth/v2/validator/duties/proposer/{epoch}",
      operationId: "getProposerDutiesV2",
      produces: JSON_ONLY,
      handle: ({ params }) => proposerDuties(chain, params.epoch!, 2),
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/root",
      operationId: "getStateRoot",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { state, finalized } = resolveState(chain, params.state_id!);
        return withFinality(finalized, { root: toHex(state.hashTreeRoot()) });
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/fork",
      operationId: "getStateFork",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { state, finalized } = resolveState(chain, params.state_id!);
        return withFinality(finalized, ssz.phase0.Fork.toJson(state.fork.toValue()));
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/finality_checkpoints",
      operationId: "getStateFinalityCheckpoints",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { state, finalized } = resolveState(chain, params.state_id!);
        const checkpoint = ssz.phase0.Checkpoint;
        return withFinality(finalized, {
          previous_justified: checkpoint.toJson(state.previousJustifiedCheckpoint.toValue()),
          current_justified: checkpoint.toJson(state.currentJustifiedCheckpoint.toValue()),
          finalized: checkpoint.toJson(state.finalizedCheckpoint.toValue()),
        });
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/proposer_lookahead",
      operationId: "getProposerLookahead",
      produces: JSON_OR_SSZ,
      handle: (ctx) => {
        const { state, finalized } = resolveState(chain, ctx.params.state_id!);
        const lookahead = state.proposerLookahead.getAll();
        return versioned(ctx, forkOf(state.slot), finalized, ssz.fulu.ProposerLookahead, lookahead);
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/validators",
      operationId: "getStateValidators",
      produces: JSON_ONLY,
      handle: ({ params, query }) => {
        const ids = queryList(query, "id");
        if (ids.length > MAX_VALIDATOR_IDS) {
          throw new ApiError(HttpStatus.uriTooLong, "Too many validator IDs in request");
        }
        const statusFilter = parseStatusFilter(queryList(query, "status"));
        const { state, finalized } = resolveState(chain, params.state_id!);
        const indices =
          ids.length > 0
            ? findValidators(state, ids)
            : Array.from({ length: state.validators.length }, (_, i) => i);
        const data = indices.map((i) => validatorJson(state, i)).filter((v) => statusFilter(v.status));
        return withFinality(finalized, data);
      },
    },
    {
      method: "GET",
      path: "/eth/v1/beacon/states/{state_id}/validators/{validator_id}",
      operationId: "getStateValidator",
      produces: JSON_ONLY,
      handle: ({ params }) => {
        const { state, finalized } = resolveState(chain, params.state_id!);
        const [index] = findValidators(state, [params.validator_id!]);
        if (index === undefined) throw ApiError.notFound("Validator not found");
        return withFinality(finalized, validatorJson(state, index));
      },
    },
    {
      method: "GET",
      path: "/eth/v2/debug/beacon/states/{state_id}",
      operationId: "getStateV2",
      produces: JSON_OR_SSZ,
      handle: (ctx) => {
        const { state, finalized } = resolveState(chain, ctx.params.state_id!);
        const fork = forkOf(state.slot);
        if (ctx.mediaType === MediaType.ssz) {
          // Serialize the view directly: no detour through a value object.
          const headers = {
            [VERSION_HEADER]: fork,
            [OPTIMISTIC_HEADER]: "false",
            [FINALIZED_HEADER]: String(finalized),
          };
          return { kind: "ssz", body: state.serialize(), headers };
        }
        return versioned(ctx, fork, finalized, ssz.fulu.BeaconState, state.toValue());
      },
    },
    {
      method: "GET",
      path: "/eth/v1/events",
      operationId: "eventstream",
      produces: [MediaType.eventStream],
      handle: ({ query }) => ({ kind: "events", topics: parseTopics(queryList(query, "topics")) }),
    },
  ];
}
