/**
 * Test helpers (not product code): crafted L1 inputs, as the inbox would emit them, for derivation
 * tests and the benchmark. Batches are signed for real and carried in real `propose` calldata.
 */
import { inboxAbi } from "@baton/contracts";
import {
  type Batch,
  type BatchEntry,
  batonDomain,
  blobBatchDataHash,
  blobVersionedHash,
  decodeBlobData,
  encodeBatchData,
  encodeBlobData,
  fastKeccak256,
  hashBatch,
  signBatch,
  txRoot,
  ZERO_HASH,
} from "@baton/protocol";
import { type Address, encodeFunctionData, type Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { DerivationConfig } from "./deriver.ts";
import type { L1BlockInputs, ProposedBatch, QueuedDeposit, QueuedForced } from "./inputs.ts";

export const TEST_INBOX: Address = "0x00000000000000000000000000000000000000b0";
export const TEST_SLASHER: Address = "0x00000000000000000000000000000000000000c0";
/** Anvil's key 1: the committer in these tests. */
export const TEST_COMMITTER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const TEST_COMMITTER: Address = privateKeyToAccount(TEST_COMMITTER_KEY).address;
/** Anvil's key 0: the rollup sender in these tests (fund it in the genesis). */
export const ALICE = privateKeyToAccount(
  "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80",
);
export const CAROL: Address = "0x000000000000000000000000000000000000ca01";

/** A signed EIP-1559 transfer of `value` wei from ALICE to CAROL on `chainId`. */
export function transfer(chainId: bigint, nonce: number, value = 1n): Promise<Hex> {
  return ALICE.signTransaction({
    type: "eip1559",
    chainId: Number(chainId),
    nonce,
    to: CAROL,
    value,
    gas: 21_000n,
    maxFeePerGas: 2_000_000_000n,
    maxPriorityFeePerGas: 1_000_000_000n,
  });
}

export function testConfig(chainId: bigint, overrides: Partial<DerivationConfig> = {}): DerivationConfig {
  return {
    chainId,
    inbox: TEST_INBOX,
    l1ChainId: 31_337n,
    slasher: TEST_SLASHER,
    genesisTime: 1_700_000_000n,
    secondsPerSlot: 12n,
    maxInactivity: 10_000n,
    ...overrides,
  };
}

export interface CutBatch {
  readonly batch: Batch;
  readonly hash: Hex;
  readonly data: Hex;
  signature: Hex;
  /** A blob batch's blobs and their versioned hashes (absent: calldata batch). */
  readonly blobs?: readonly Uint8Array[];
  readonly blobHashes?: readonly Hex[];
}

/** Cuts a rollup's batches in chain order, as a gateway would. */
export class BatchMaker {
  number = 0n;
  parent: Hex = ZERO_HASH;
  position = 0n;
  forcedUpTo = 0n;

  constructor(
    readonly chainId: bigint,
    readonly l1ChainId = 31_337n,
  ) {}

  async cut(
    entries: readonly BatchEntry[],
    targetSlot: bigint,
    options: {
      forced?: number;
      key?: Hex | null;
      txCount?: number;
      blobs?: readonly Uint8Array[] | true;
    } = {},
  ): Promise<CutBatch> {
    const data = encodeBatchData(entries);
    const blobs = options.blobs === true ? encodeBlobData(data) : options.blobs;
    const blobHashes = blobs?.map(blobVersionedHash);
    this.forcedUpTo += BigInt(options.forced ?? 0);
    const batch: Batch = {
      chainId: this.chainId,
      number: this.number,
      parentHash: this.parent,
      targetSlot,
      firstPosition: this.position,
      txCount: options.txCount ?? entries.length,
      txRoot: txRoot(entries.map((e) => fastKeccak256(e.tx))),
      dataHash: blobHashes === undefined ? fastKeccak256(data) : blobBatchDataHash(blobHashes),
      forcedUpTo: this.forcedUpTo,
    };
    const hash = hashBatch(batch);
    const key = options.key === undefined ? TEST_COMMITTER_KEY : options.key;
    const signature =
      key === null ? "0x" : await signBatch(key, batonDomain(this.l1ChainId, TEST_SLASHER), batch);
    this.number += 1n;
    this.parent = hash;
    this.position += BigInt(batch.txCount);
    return blobs === undefined
      ? { batch, hash, data, signature }
      : { batch, hash, data, signature, blobs, blobHashes };
  }
}

/** A lookahead list naming `committer` at `slot`. */
export function lookahead(slot: bigint, committer: Address = TEST_COMMITTER) {
  return [{ slot, registration: `0x${"11".repeat(32)}` as Hex, committer }];
}

/** The `BatchProposed` events of one `propose` transaction carrying `batches`. */
export function proposeEvents(
  batches: readonly CutBatch[],
  options: { windowSlot: bigint | null; sequenced?: boolean; proposer?: Address; txHash?: Hex; to?: Address },
): ProposedBatch[] {
  const current = options.windowSlot === null ? [] : lookahead(options.windowSlot);
  let nextBlob = 0;
  const inputs = batches.map((b) => {
    if (b.blobs === undefined)
      return { batch: b.batch, signature: b.signature, data: b.data, blobIndices: [] };
    const blobIndices = b.blobs.map(() => nextBlob++);
    return { batch: b.batch, signature: b.signature, data: "0x" as Hex, blobIndices };
  });
  const input = encodeFunctionData({ abi: inboxAbi, functionName: "propose", args: [inputs, current, []] });
  return batches.map((b, i) => ({
    chainId: b.batch.chainId,
    batchHash: b.hash,
    batch: b.batch,
    sequenced: options.sequenced ?? options.windowSlot !== null,
    proposer: options.proposer ?? "0x00000000000000000000000000000000000000d0",
    logIndex: i,
    txHash: options.txHash ?? fastKeccak256(input),
    txTo: options.to ?? TEST_INBOX,
    txInput: input,
    blobHashes: b.blobHashes ?? [],
    ...(b.blobs === undefined ? {} : { blobData: decodeBlobDataOrNull(b.blobs) }),
  }));
}

function decodeBlobDataOrNull(blobs: readonly Uint8Array[]): Hex | null {
  try {
    return decodeBlobData(blobs);
  } catch {
    return null;
  }
}

/** An L1 block at `slot` with the given inputs. */
export function l1Block(
  config: DerivationConfig,
  number: bigint,
  slot: bigint,
  inputs: { batches?: ProposedBatch[]; forced?: QueuedForced[]; deposits?: QueuedDeposit[] } = {},
): L1BlockInputs {
  return {
    number,
    hash: fastKeccak256(`0x${number.toString(16).padStart(64, "0")}`),
    parentHash: fastKeccak256(`0x${(number - 1n).toString(16).padStart(64, "0")}`),
    timestamp: config.genesisTime + slot * config.secondsPerSlot,
    batches: inputs.batches ?? [],
    forced: inputs.forced ?? [],
    deposits: inputs.deposits ?? [],
  };
}
