/**
 * The protocol's bootstrap on the devnet, before the beacon chain's genesis: deploy the contracts
 * (with one deposit bridge per rollup),
 * register the sequencers' validator keys (BLS proofs of possession signed with blst), opt them in
 * naming the committer, and register the rollups — all in L1 blocks whose timestamps are before
 * genesis, so every sequencer counts from epoch 0 (`isActiveAt(r, referenceTime(0) = genesis)`).
 */

import {
  deployProtocol,
  g1ToEip2537,
  g2ToEip2537,
  inboxAbi,
  type ProtocolAddresses,
  type ProtocolParameters,
  protocolParameters,
  registryAbi,
} from "@baton/contracts";
import { BatonError, type Logger, pubkeyRoot } from "@baton/protocol";
import {
  type Address,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeFunctionData,
  type Hex,
  http,
  type PublicClient,
  parseEther,
  parseGwei,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import type { ValidatorKeys } from "../beacon/keys.ts";
import type { ExecutionNode } from "../l1/executionNode.ts";

/** Collateral each devnet sequencer locks (the devnet's minimum is 1 ETH). */
export const SEQUENCER_COLLATERAL = parseEther("10");

/** Protocol parameters of a devnet: mainnet's, scaled to the slot time, with 1 ETH minimum collateral. */
export function devnetProtocolParameters(genesisTime: number, secondsPerSlot: number): ProtocolParameters {
  return protocolParameters(BigInt(genesisTime), BigInt(secondsPerSlot), { minCollateral: parseEther("1") });
}

/** Seconds before genesis reserved for bootstrap blocks (one block per second) for `sequencers` keys. */
export function bootstrapSpanSeconds(sequencers: number): number {
  // Two blocks of setup, and at least 32 registrations (about 10M gas with opt-in) per block.
  return 8 + Math.ceil(sequencers / 32);
}

export interface ProtocolBootstrapOptions {
  readonly chainId: number;
  readonly genesisTime: number;
  readonly secondsPerSlot: number;
  /** Timestamp of the L1 genesis block: bootstrap blocks follow it, one second apart, before genesis. */
  readonly l1GenesisTime: number;
  /** Validator indices to register and opt in. */
  readonly sequencers: readonly number[];
  readonly committer: Address;
  readonly rollups: readonly bigint[];
  /** Key that deploys the contracts and owns the registrations (never logged). */
  readonly deployerKey: Hex;
}

export interface ProtocolBootstrapDeps {
  readonly l1: ExecutionNode;
  readonly keys: ValidatorKeys;
  readonly logger: Logger;
}

/** What the bootstrap put on L1. */
export interface ProtocolBootstrap {
  readonly addresses: ProtocolAddresses;
  readonly parameters: ProtocolParameters;
  /** Registered and opted-in validators, with their registration ids. */
  readonly sequencers: readonly { readonly validatorIndex: number; readonly registration: Hex }[];
  readonly committer: Address;
  readonly rollups: readonly bigint[];
  /** L1 blocks the bootstrap mined, all before genesis. */
  readonly blocks: number;
  readonly durationMs: number;
}

export class BootstrapError extends BatonError {
  override readonly name = "BootstrapError";
}

/** Generous fee cap: bootstrap blocks are full, the base fee grows 12.5% per block. */
const MAX_FEE_PER_GAS = parseGwei("1000");
const MAX_PRIORITY_FEE_PER_GAS = parseGwei("1");
/** Transactions sent before mining them: a few full blocks' worth. */
const CHUNK = 256;

interface Call {
  readonly to: Address;
  readonly data: Hex;
  readonly value?: bigint;
}

/** Deploy and set up the protocol in blocks before `genesisTime`. The L1 node must not automine. */
export async function bootstrapProtocol(
  options: ProtocolBootstrapOptions,
  deps: ProtocolBootstrapDeps,
): Promise<ProtocolBootstrap> {
  const started = performance.now();
  const { l1, logger } = deps;
  const account = privateKeyToAccount(options.deployerKey);
  const chain = defineChain({
    id: options.chainId,
    name: "baton-devnet",
    nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
    rpcUrls: { default: { http: [l1.url] } },
  });
  const client = createPublicClient({ chain, transport: http(l1.url, { batch: true }) }) as PublicClient;
  const wallet = createWalletClient({ account, chain, transport: http(l1.url) });
  let timestamp = options.l1GenesisTime;
  let blocks = 0;
  const mine = async () => {
    timestamp++;
    if (timestamp >= options.genesisTime) {
      throw new BootstrapError("Bootstrap blocks would reach genesis", {
        details: { genesisTime: options.genesisTime, blocks },
        hint: "Reserve more seconds before genesis (bootstrapSpanSeconds).",
      });
    }
    await l1.mine(timestamp);
    blocks++;
  };
  /** Mine until the pool is empty. */
  const mineAll = async () => {
    while ((await l1.poolStatus()).pending > 0) await mine();
    const { queued } = await l1.poolStatus();
    if (queued > 0) throw new BootstrapError("Transactions stuck in the pool", { details: { queued } });
  };
  /** Send `calls` in chunks (anvil's pool holds about a thousand transactions per sender), mining each. */
  const sendAndMine = async (calls: readonly Call[]) => {
    for (let i = 0; i < calls.length; i += CHUNK) {
      await sendAll(client, account, chain.id, calls.slice(i, i + CHUNK));
      await mineAll();
    }
  };

  // 1. Deploy: deployProtocol sends four transactions and one bridge per rollup, then waits for
  // them; mine once they are in.
  const parameters = devnetProtocolParameters(options.genesisTime, options.secondsPerSlot);
  const deployments = 4 + options.rollups.length;
  let settled = false;
  const deploying = deployProtocol(wallet, client, parameters, options.rollups).finally(() => {
    settled = true;
  });
  deploying.catch(() => {}); // awaited below; a failure must not go unhandled meanwhile
  while (!settled && (await l1.poolStatus()).pending < deployments) {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  if (!settled) await mineAll();
  const addresses = await deploying;

  // 2. Register the sequencers' keys and the rollups, then 3. opt in (each after its registration).
  const message = await client.readContract({
    address: addresses.registry,
    abi: registryAbi,
    functionName: "registrationMessage",
    args: [account.address],
  });
  const messageBytes = Buffer.from(message.slice(2), "hex");
  const sequencers = options.sequencers.map((validatorIndex) => {
    const pubkey = deps.keys.pubkeys[validatorIndex];
    const secretKey = deps.keys.secretKeys[validatorIndex];
    if (!pubkey || !secretKey) throw new RangeError(`no key for validator ${validatorIndex}`);
    return { validatorIndex, pubkey, registration: toHex(pubkeyRoot(pubkey)), secretKey };
  });
  const registrations: Call[] = sequencers.map((s) => ({
    to: addresses.registry,
    value: SEQUENCER_COLLATERAL,
    data: encodeFunctionData({
      abi: registryAbi,
      functionName: "register",
      args: [
        toHex(g1ToEip2537(s.pubkey)),
        toHex(g2ToEip2537(s.secretKey.sign(messageBytes).toBytes())),
        account.address,
      ],
    }),
  }));
  const rollups: Call[] = options.rollups.map((chainId) => ({
    to: addresses.inbox,
    data: encodeFunctionData({ abi: inboxAbi, functionName: "registerRollup", args: [chainId] }),
  }));
  await sendAndMine([...registrations, ...rollups]);
  const optIns: Call[] = sequencers.map((s) => ({
    to: addresses.registry,
    data: encodeFunctionData({
      abi: registryAbi,
      functionName: "optIn",
      args: [s.registration, options.committer],
    }),
  }));
  await sendAndMine(optIns);

  // Every call succeeded: one event each.
  const all = { fromBlock: 0n, toBlock: "latest" } as const;
  const [registered, optedIn, rollupsRegistered] = await Promise.all([
    client.getContractEvents({
      ...all,
      address: addresses.registry,
      abi: registryAbi,
      eventName: "Registered",
    }),
    client.getContractEvents({ ...all, address: addresses.registry, abi: registryAbi, eventName: "OptedIn" }),
    client.getContractEvents({
      ...all,
      address: addresses.inbox,
      abi: inboxAbi,
      eventName: "RollupRegistered",
    }),
  ]);
  const counts = {
    registered: registered.length,
    optedIn: optedIn.length,
    rollups: rollupsRegistered.length,
  };
  if (
    counts.registered !== sequencers.length ||
    counts.optedIn !== sequencers.length ||
    counts.rollups !== options.rollups.length
  ) {
    throw new BootstrapError("Bootstrap transactions failed", {
      details: { ...counts, sequencers: sequencers.length, expectedRollups: options.rollups.length },
    });
  }
  const durationMs = Math.round(performance.now() - started);
  logger.info("protocol bootstrapped", {
    ...addresses,
    sequencers: sequencers.length,
    rollups: options.rollups.map(String).join(","),
    committer: options.committer,
    blocks,
    durationMs,
  });
  return {
    addresses,
    parameters,
    sequencers: sequencers.map(({ validatorIndex, registration }) => ({ validatorIndex, registration })),
    committer: options.committer,
    rollups: [...options.rollups],
    blocks,
    durationMs,
  };
}

/**
 * Sign `calls` from `account` with consecutive nonces, and send them. One gas estimate per kind of
 * call (same target and selector), taken from the first of its kind, plus a quarter.
 */
async function sendAll(
  client: PublicClient,
  account: ReturnType<typeof privateKeyToAccount>,
  chainId: number,
  calls: readonly Call[],
): Promise<Hex[]> {
  let nonce = await client.getTransactionCount({ address: account.address, blockTag: "pending" });
  const gasOf = new Map<string, bigint>();
  const signed: Hex[] = [];
  for (const call of calls) {
    const kind = `${call.to}:${call.data.slice(0, 10)}`;
    let gas = gasOf.get(kind);
    if (gas === undefined) {
      gas = ((await client.estimateGas({ account: account.address, ...call })) * 5n) / 4n;
      gasOf.set(kind, gas);
    }
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId,
      nonce: nonce++,
      to: call.to,
      data: call.data,
      value: call.value ?? 0n,
      gas,
      maxFeePerGas: MAX_FEE_PER_GAS,
      maxPriorityFeePerGas: MAX_PRIORITY_FEE_PER_GAS,
    });
    signed.push(raw);
  }
  // Sent concurrently: the client batches them into few JSON-RPC requests; nonces keep their order.
  return Promise.all(signed.map((raw) => client.sendRawTransaction({ serializedTransaction: raw })));
}
