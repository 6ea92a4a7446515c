/**
 * `/eth/v1/events`: the chain's events as the Beacon API's Server-Sent Events (apis/eventstream).
 * The hub listens to the chain once and fans each event out to the open streams that asked for it.
 */

import { epochOfSlot } from "@baton/protocol";
import type { BeaconChain, BeaconChainEvents } from "../chain.ts";
import { dutyDependentRootV1, toHex } from "./chainView.ts";
import { ApiError } from "./errors.ts";

/** The topics the chain emits. */
export const EMITTED_TOPICS = ["head", "block", "chain_reorg", "finalized_checkpoint"] as const;
export type EmittedTopic = (typeof EMITTED_TOPICS)[number];

/**
 * The other topics of the spec's enum: accepted, as by a node that never sees such messages (the
 * simulated chain has no gossip, attestations, light client or payload events).
 */
const SILENT_TOPICS = [
  "head_v2",
  "block_gossip",
  "attestation",
  "single_attestation",
  "voluntary_exit",
  "bls_to_execution_change",
  "proposer_slashing",
  "attester_slashing",
  "contribution_and_proof",
  "light_client_finality_update",
  "light_client_optimistic_update",
  "payload_attributes",
  "data_column_sidecar",
  "execution_payload",
  "execution_payload_gossip",
  "execution_payload_available",
  "execution_payload_bid",
  "payload_attestation_message",
  "fast_confirmation",
  "proposer_preferences",
] as const;

/** Validate the `topics` query values; the ones the chain emits are returned. */
export function parseTopics(values: readonly string[]): Set<EmittedTopic> {
  if (values.length === 0) throw ApiError.badRequest("Missing topics");
  const topics = new Set<EmittedTopic>();
  for (const value of values) {
    if ((EMITTED_TOPICS as readonly string[]).includes(value)) topics.add(value as EmittedTopic);
    else if (!(SILENT_TOPICS as readonly string[]).includes(value)) {
      throw ApiError.badRequest(`Invalid topic: ${value}`);
    }
  }
  return topics;
}

/** One open event stream: receives already-serialized SSE messages. */
export interface EventSink {
  readonly topics: ReadonlySet<EmittedTopic>;
  write(message: string): void;
}

/** `event: <topic>\ndata: <json>\n\n`. */
export function sseMessage(topic: string, data: unknown): string {
  return `event: ${topic}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** Spec JSON of each emitted event (numbers as decimal strings, bytes as 0x hex). */
function eventJson<T extends EmittedTopic>(
  chain: BeaconChain,
  topic: T,
  event: BeaconChainEvents[T][0],
): Record<string, unknown> {
  switch (topic) {
    case "head": {
      const e = event as BeaconChainEvents["head"][0];
      const epoch = epochOfSlot(e.slot);
      return {
        slot: String(e.slot),
        block: toHex(e.block),
        state: toHex(e.state),
        epoch_transition: e.epochTransition,
        previous_duty_dependent_root: toHex(dutyDependentRootV1(chain, Math.max(epoch - 1, 0))),
        current_duty_dependent_root: toHex(dutyDependentRootV1(chain, epoch)),
        execution_optimistic: false,
      };
    }
    case "block": {
      const e = event as BeaconChainEvents["block"][0];
      return { slot: String(e.slot), block: toHex(e.block), execution_optimistic: false };
    }
    case "chain_reorg": {
      const e = event as BeaconChainEvents["chain_reorg"][0];
      return {
        slot: String(e.slot),
        depth: String(e.depth),
        old_head_block: toHex(e.oldHeadBlock),
        new_head_block: toHex(e.newHeadBlock),
        old_head_state: toHex(e.oldHeadState),
        new_head_state: toHex(e.newHeadState),
        epoch: String(e.epoch),
        execution_optimistic: false,
      };
    }
    default: {
      const e = event as BeaconChainEvents["finalized_checkpoint"][0];
      return {
        block: toHex(e.block),
        state: toHex(e.state),
        epoch: String(e.epoch),
        execution_optimistic: false,
      };
    }
  }
}

export interface EventHub {
  add(sink: EventSink): () => void;
  /** Stop listening to the chain and forget every sink. */
  close(): void;
}

export function createEventHub(chain: BeaconChain): EventHub {
  const sinks = new Set<EventSink>();
  const listeners = EMITTED_TOPICS.map((topic) => {
    const listener = (event: BeaconChainEvents[typeof topic][0]) => {
      let message: string | undefined;
      for (const sink of sinks) {
        if (!sink.topics.has(topic)) continue;
        message ??= sseMessage(topic, eventJson(chain, topic, event));
        sink.write(message);
      }
    };
    chain.on(topic, listener);
    return () => chain.off(topic, listener);
  });
  return {
    add(sink) {
      sinks.add(sink);
      return () => sinks.delete(sink);
    },
    close() {
      for (const off of listeners) off();
      sinks.clear();
    },
  };
}
