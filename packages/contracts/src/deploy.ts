import {
  type Account,
  type Address,
  type Chain,
  getContractAddress,
  type PublicClient,
  parseEther,
  type Transport,
  type WalletClient,
} from "viem";
import {
  bridgeAbi,
  bridgeBytecode,
  inboxAbi,
  inboxBytecode,
  lookaheadStoreAbi,
  lookaheadStoreBytecode,
  registryAbi,
  registryBytecode,
  slasherAbi,
  slasherBytecode,
} from "../generated/index.ts";

/** Every deployment parameter of the protocol contracts. Durations are in seconds, amounts in wei. */
export interface ProtocolParameters {
  genesisTime: bigint;
  secondsPerSlot: bigint;
  /** Minimum collateral of a registration. */
  minCollateral: bigint;
  /** Delay before a committer change takes effect (> 2 epochs). */
  committerDelay: bigint;
  /** Delay between unregistering and claiming (> every slashing window). */
  claimDelay: bigint;
  /** Bond posted with each epoch's lookahead list. */
  postingBond: bigint;
  /** How long after its epoch a lookahead list stays challengeable. */
  lookaheadChallengeWindow: bigint;
  /** Delay before a forced inclusion is due (> 2 epochs). */
  forcedDelay: bigint;
  minForcedFee: bigint;
  /** After this long without a batch, a rollup accepts unsigned batches (> forcedDelay). */
  maxInactivity: bigint;
  /** How long after a window's lookahead is final evidence about it is accepted. */
  evidenceWindow: bigint;
  /** How long a challenged committer has to prove inclusion. */
  responseWindow: bigint;
  challengeBond: bigint;
  /** Share of a safety slash, after insurance, paid to the challenger (basis points). */
  challengerRewardBps: bigint;
}

export interface ProtocolAddresses {
  registry: Address;
  lookahead: Address;
  inbox: Address;
  slasher: Address;
  /** One `Bridge` per rollup, by chain id in decimal (JSON-friendly). */
  bridges: Readonly<Record<string, Address>>;
}

/**
 * Parameters for a deployment whose slots last `secondsPerSlot`, scaled in epochs so that every
 * delay keeps its meaning at any slot time: mainnet-sized collateral unless `minCollateral` is given.
 */
export function protocolParameters(
  genesisTime: bigint,
  secondsPerSlot: bigint,
  overrides: Partial<ProtocolParameters> = {},
): ProtocolParameters {
  const epoch = 32n * secondsPerSlot;
  return {
    genesisTime,
    secondsPerSlot,
    minCollateral: parseEther("1000"),
    committerDelay: 3n * epoch,
    claimDelay: 10n * epoch,
    postingBond: parseEther("1"),
    lookaheadChallengeWindow: epoch,
    forcedDelay: 2n * epoch + 4n * secondsPerSlot,
    minForcedFee: parseEther("0.001"),
    maxInactivity: 8n * epoch,
    evidenceWindow: 2n * epoch,
    responseWindow: epoch,
    challengeBond: parseEther("0.1"),
    challengerRewardBps: 1000n,
    ...overrides,
  };
}

/**
 * Deploys the registry, lookahead store, inbox and slasher from `wallet`, wired together: the
 * slasher's address is known in advance from the deployer's nonce (it is the registry's only
 * slasher and the EIP-712 verifying contract); then one `Bridge` per rollup of `rollups` (the
 * rollups are registered in the inbox separately, before the first deposit). Sends the
 * `4 + rollups.length` transactions at once and waits for them.
 */
export async function deployProtocol(
  wallet: WalletClient<Transport, Chain | undefined, Account>,
  client: PublicClient,
  p: ProtocolParameters,
  rollups: readonly bigint[] = [],
): Promise<ProtocolAddresses> {
  const from = wallet.account.address;
  const nonce = BigInt(await client.getTransactionCount({ address: from, blockTag: "pending" }));
  const at = (offset: bigint) => getContractAddress({ from, nonce: nonce + offset });
  const addresses: ProtocolAddresses = {
    registry: at(0n),
    lookahead: at(1n),
    inbox: at(2n),
    slasher: at(3n),
    bridges: Object.fromEntries(rollups.map((chainId, i) => [chainId.toString(), at(4n + BigInt(i))])),
  };
  const common = { account: wallet.account, chain: wallet.chain ?? null } as const;
  const hashes = [
    await wallet.deployContract({
      ...common,
      abi: registryAbi,
      bytecode: registryBytecode,
      nonce: Number(nonce),
      args: [
        p.genesisTime,
        p.secondsPerSlot,
        p.minCollateral,
        p.committerDelay,
        p.claimDelay,
        addresses.slasher,
      ],
    }),
    await wallet.deployContract({
      ...common,
      abi: lookaheadStoreAbi,
      bytecode: lookaheadStoreBytecode,
      nonce: Number(nonce + 1n),
      args: [p.genesisTime, p.secondsPerSlot, addresses.registry, p.postingBond, p.lookaheadChallengeWindow],
    }),
    await wallet.deployContract({
      ...common,
      abi: inboxAbi,
      bytecode: inboxBytecode,
      nonce: Number(nonce + 2n),
      args: [
        p.genesisTime,
        p.secondsPerSlot,
        addresses.lookahead,
        addresses.slasher,
        p.forcedDelay,
        p.minForcedFee,
        p.maxInactivity,
      ],
    }),
    await wallet.deployContract({
      ...common,
      abi: slasherAbi,
      bytecode: slasherBytecode,
      nonce: Number(nonce + 3n),
      args: [
        p.genesisTime,
        p.secondsPerSlot,
        addresses.registry,
        addresses.lookahead,
        addresses.inbox,
        p.evidenceWindow,
        p.responseWindow,
        p.challengeBond,
        p.challengerRewardBps,
      ],
    }),
  ];
  for (const [i, chainId] of rollups.entries()) {
    hashes.push(
      await wallet.deployContract({
        ...common,
        abi: bridgeAbi,
        bytecode: bridgeBytecode,
        nonce: Number(nonce + 4n + BigInt(i)),
        args: [addresses.inbox, chainId],
      }),
    );
  }
  for (const hash of hashes) {
    const receipt = await client.waitForTransactionReceipt({ hash, pollingInterval: 100 });
    if (receipt.status !== "success") throw new Error(`deployment transaction ${hash} reverted`);
  }
  return addresses;
}
