/**
 * Test doubles for the gateway's external dependencies (L1 and the posted lookahead) and helpers
 * to build signed transactions and requests. The gateway itself, its store, its execution engine and
 * its HTTP server are real.
 */

import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type CommitmentRequestJson,
  createGatewayClient,
  GatewayApiError,
  type GatewayClient,
} from "@baton/clients";
import { CommitmentKind, encodePreconfRequest, silentLogger } from "@baton/protocol";
import { type Address, type Hex, type PublicClient, parseEther, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ForcedEntry, L1Access, L1Head } from "../src/l1.ts";
import { Gateway, type GatewayDeps } from "../src/node.ts";
import { defaultGatewayOptions, type GatewayOptions } from "../src/options.ts";
import type { LookaheadEntry, LookaheadSource } from "../src/windows.ts";

export const COMMITTER_KEY: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const COMMITTER = privateKeyToAccount(COMMITTER_KEY).address;
export const OTHER_COMMITTER: Address = "0x00000000000000000000000000000000000000c0";
export const USER_KEYS: Hex[] = [
  "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a",
  "0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6",
  "0x47e179ec197488593b187f80a00eb0da91f1b9d0b13f8733639f19c30a34926a",
];
export const USERS = USER_KEYS.map((key) => privateKeyToAccount(key));
export const L1_CHAIN_ID = 3_151_908n;
export const ROLLUP_A = 167_001n;
export const ROLLUP_B = 167_002n;
export const SLASHER: Address = "0x000000000000000000000000000000000000a11c";
export const GENESIS_TIME = 1_800_000_000;
export const SECONDS_PER_SLOT = 2;
export const GWEI = 1_000_000_000n;

/** An L1 whose head, accounts and forced queue the test sets. */
export class FakeL1 implements L1Access {
  readonly chainId = L1_CHAIN_ID;
  headValue: L1Head = { number: 10n, timestamp: 0n, baseFeePerGas: GWEI, gasLimit: 60_000_000n };
  readonly accounts = new Map<string, { nonce: bigint; balance: bigint }>();
  readonly sent: Hex[] = [];
  forced: ForcedEntry[] = [];
  readonly client = {} as PublicClient;
  head(): L1Head {
    return this.headValue;
  }
  async account(address: Address) {
    return this.accounts.get(address.toLowerCase()) ?? { nonce: 0n, balance: 0n };
  }
  async sendRawTransaction(raw: Hex): Promise<Hex> {
    this.sent.push(raw);
    return "0x";
  }
  async forcedInclusions(_chainId: bigint, from: bigint) {
    return this.forced.filter((entry) => entry.index >= from);
  }
  close(): void {}
}

/** Lists by epoch; unset epochs are "not posted". */
export class FakeLookahead implements LookaheadSource {
  readonly lists = new Map<bigint, LookaheadEntry[]>();
  async postedList(epoch: bigint) {
    return this.lists.get(epoch) ?? null;
  }
  set(epoch: bigint, slots: [number, Address][]) {
    this.lists.set(
      epoch,
      slots.map(([slot, committer]) => ({
        slot: BigInt(slot),
        registration: `0x${"11".repeat(32)}` as Hex,
        committer,
      })),
    );
  }
}

export function rollupGenesis(chainId: bigint) {
  const alloc: Record<Address, { balance: bigint }> = {};
  for (const user of USERS) alloc[user.address] = { balance: parseEther("100") };
  return { chainId, alloc, gasLimit: 30_000_000n, baseFeePerGas: GWEI };
}

export interface Harness {
  readonly gateway: Gateway;
  readonly client: GatewayClient;
  readonly l1: FakeL1;
  readonly lookahead: FakeLookahead;
  readonly clock: { now: number };
  readonly dataDir: string;
  /** Milliseconds into `slot`. */
  at(slot: number, offsetMs?: number): void;
  restart(overrides?: Partial<GatewayOptions>): Promise<Harness>;
  close(): Promise<void>;
}

export function gatewayOptions(dataDir: string, overrides: Partial<GatewayOptions> = {}): GatewayOptions {
  return {
    ...defaultGatewayOptions,
    committerKey: COMMITTER_KEY,
    l1RpcUrl: "http://127.0.0.1:1",
    contracts: { lookahead: zeroAddress, inbox: zeroAddress, slasher: SLASHER },
    genesisTime: GENESIS_TIME,
    secondsPerSlot: SECONDS_PER_SLOT,
    rollups: [ROLLUP_A, ROLLUP_B].map((chainId) => ({
      genesis: rollupGenesis(chainId),
      blockGasLimit: 30_000_000n,
      baseFeePerGas: GWEI,
      gasPerSlot: 15_000_000n,
    })),
    dataDir,
    durability: "os",
    settle: false,
    ...overrides,
  };
}

/** What a gateway sees outside itself; shared by a gateway and the one restarted after it. */
export interface World {
  readonly l1: FakeL1;
  readonly lookahead: FakeLookahead;
  readonly clock: { now: number };
  readonly dataDir: string;
}

/**
 * The default world: epoch 0 lists ours at slots 4 and 12, another committer at 8; epoch 1 ours at
 * 40; every user has 10 ETH on L1. The clock starts in slot 2. A new temporary data directory
 * unless one is given.
 */
export function defaultWorld(dataDir?: string): World {
  const l1 = new FakeL1();
  const lookahead = new FakeLookahead();
  lookahead.set(0n, [
    [4, COMMITTER],
    [8, OTHER_COMMITTER],
    [12, COMMITTER],
  ]);
  lookahead.set(1n, [[40, COMMITTER]]);
  for (const user of USERS)
    l1.accounts.set(user.address.toLowerCase(), { nonce: 0n, balance: parseEther("10") });
  return {
    l1,
    lookahead,
    clock: { now: (GENESIS_TIME + 2 * SECONDS_PER_SLOT) * 1000 },
    dataDir: dataDir ?? mkdtempSync(join(tmpdir(), "baton-gateway-")),
  };
}

/** Starts a gateway with fake L1 and lookahead, in `shared` or else in a new {@link defaultWorld}. */
export async function startHarness(
  overrides: Partial<GatewayOptions> = {},
  shared?: World,
  extra: Partial<GatewayDeps> = {},
): Promise<Harness> {
  const { l1, lookahead, clock, dataDir } = shared ?? defaultWorld();
  const gateway = await Gateway.start(gatewayOptions(dataDir, overrides), {
    logger: silentLogger,
    lookahead,
    l1,
    now: () => clock.now,
    ...extra,
  });
  await gateway.windows.refresh(0n);
  const client = createGatewayClient(gateway.url);
  const harness: Harness = {
    gateway,
    client,
    l1,
    lookahead,
    clock,
    dataDir,
    at(slot, offsetMs = 0) {
      clock.now = (GENESIS_TIME + slot * SECONDS_PER_SLOT) * 1000 + offsetMs;
    },
    async restart(next = {}) {
      await gateway.close();
      return startHarness({ ...overrides, ...next }, { l1, lookahead, clock, dataDir }, extra);
    },
    async close() {
      await gateway.close();
    },
  };
  return harness;
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface TxParams {
  readonly key?: Hex;
  readonly chainId?: bigint;
  readonly nonce?: number;
  readonly gas?: bigint;
  readonly to?: Address | null;
  readonly value?: bigint;
  readonly data?: Hex;
  readonly maxFeePerGas?: bigint;
  readonly maxPriorityFeePerGas?: bigint;
}

export async function signedTx(params: TxParams = {}): Promise<Hex> {
  const account = privateKeyToAccount(params.key ?? (USER_KEYS[0] as Hex));
  return account.signTransaction({
    type: "eip1559",
    chainId: Number(params.chainId ?? L1_CHAIN_ID),
    nonce: params.nonce ?? 0,
    gas: params.gas ?? 21_000n,
    to: params.to === undefined ? "0x000000000000000000000000000000000000beef" : (params.to ?? undefined),
    value: params.value ?? 1n,
    data: params.data,
    maxFeePerGas: params.maxFeePerGas ?? 10n * GWEI,
    maxPriorityFeePerGas: params.maxPriorityFeePerGas ?? 2n * GWEI,
  });
}

export function request(
  transactions: Hex[],
  kind: number = CommitmentKind.inclusion,
  extra: { slot?: bigint; beneficiary?: Address; slasher?: Address } = {},
): CommitmentRequestJson {
  return {
    commitment_type: kind,
    payload: encodePreconfRequest({
      transactions,
      slot: extra.slot ?? 0n,
      beneficiary: extra.beneficiary ?? zeroAddress,
    }),
    slasher: extra.slasher ?? SLASHER,
  };
}

/** Awaits a call that must be refused with `code`; returns the error. */
export async function refused(promise: Promise<unknown>, code: string): Promise<GatewayApiError> {
  const error = await promise.then(
    () => assert.fail(`expected ${code}`),
    (e: unknown) => e,
  );
  assert.ok(error instanceof GatewayApiError, String(error));
  assert.equal(error.code, code, error.message);
  return error;
}
