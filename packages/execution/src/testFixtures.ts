/**
 * Fixed keys, a genesis and transaction builders shared by this package's tests and benchmark.
 * Test support only: not exported from the package.
 */
import { EMPTY_TRIE_ROOT, MerklePatriciaTrie } from "@baton/protocol";
import {
  type Address,
  concatHex,
  type Hex,
  hexToBytes,
  keccak256,
  type TransactionSerializable,
  toRlp,
} from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import type { BlockEnv, RollupGenesis } from "./types.ts";

/** anvil's first two dev keys. */
export const KEY_A: Hex = "0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
export const KEY_B: Hex = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
export const ALICE = privateKeyToAccount(KEY_A);
export const BOB = privateKeyToAccount(KEY_B);
/** Lower-case, as the engine reports addresses. */
export const ALICE_ADDRESS = ALICE.address.toLowerCase() as Address;
export const BOB_ADDRESS = BOB.address.toLowerCase() as Address;
export const COINBASE: Address = "0x00000000000000000000000000000000000c0ffe";
export const CAROL: Address = "0x000000000000000000000000000000000000ca01";

export const CHAIN_ID = 424_242n;
export const GWEI = 10n ** 9n;
export const ETHER = 10n ** 18n;

export function genesis(alloc: RollupGenesis["alloc"] = defaultAlloc()): RollupGenesis {
  return { chainId: CHAIN_ID, alloc, gasLimit: 30_000_000n, baseFeePerGas: GWEI };
}

export function defaultAlloc(): RollupGenesis["alloc"] {
  return {
    [ALICE.address]: { balance: 100n * ETHER },
    [BOB.address]: { balance: 5n * ETHER, nonce: 3n },
  };
}

export function blockEnv(overrides: Partial<BlockEnv> = {}): BlockEnv {
  return {
    number: 1n,
    timestamp: 1_700_000_000n,
    coinbase: COINBASE,
    baseFeePerGas: GWEI,
    gasLimit: 30_000_000n,
    prevRandao: `0x${"11".repeat(32)}`,
    ...overrides,
  };
}

type Signer = typeof ALICE;

/** Signs an EIP-1559 transaction for the test chain (fields may be overridden, e.g. `chainId`). */
export function sign1559(
  signer: Signer,
  tx: Partial<TransactionSerializable> & { nonce: number },
): Promise<Hex> {
  return signer.signTransaction({
    type: "eip1559",
    chainId: Number(CHAIN_ID),
    to: CAROL,
    value: 0n,
    gas: 21_000n,
    maxFeePerGas: 2n * GWEI,
    maxPriorityFeePerGas: GWEI,
    ...tx,
  } as TransactionSerializable);
}

/** A plain ETH transfer (EIP-1559) of `value` wei to `to`. */
export function transfer(signer: Signer, nonce: number, to: Address, value: bigint): Promise<Hex> {
  return sign1559(signer, { nonce, to, value });
}

/**
 * Signs an EIP-1559 transaction without any of viem's checks, to build transactions viem refuses
 * (tip above fee cap) or to tamper with the signature (`tamper` gets and returns [yParity, r, s]).
 */
export async function signRaw1559(
  key: Hex,
  fields: {
    chainId?: bigint;
    nonce: bigint;
    maxPriorityFeePerGas: bigint;
    maxFeePerGas: bigint;
    gas: bigint;
    to: Address | null;
    value: bigint;
    data?: Hex;
  },
  tamper: (signature: [bigint, bigint, bigint]) => [bigint, bigint, bigint] = (s) => s,
): Promise<Hex> {
  const unsigned = [
    rlpInt(fields.chainId ?? CHAIN_ID),
    rlpInt(fields.nonce),
    rlpInt(fields.maxPriorityFeePerGas),
    rlpInt(fields.maxFeePerGas),
    rlpInt(fields.gas),
    fields.to ?? "0x",
    rlpInt(fields.value),
    fields.data ?? "0x",
    [],
  ] as const;
  const hash = keccak256(concatHex(["0x02", toRlp(unsigned as unknown as Hex[])]));
  const signature = await sign({ hash, privateKey: key });
  const [yParity, r, s] = tamper([BigInt(signature.yParity ?? 0), BigInt(signature.r), BigInt(signature.s)]);
  return concatHex(["0x02", toRlp([...unsigned, rlpInt(yParity), rlpInt(r), rlpInt(s)] as unknown as Hex[])]);
}

/** Init code that deploys `runtime` as is. */
export function deployCode(runtime: Hex): Hex {
  const length = (runtime.length - 2) / 2;
  if (length > 255) throw new Error("runtime too long for this helper");
  const len = length.toString(16).padStart(2, "0");
  // PUSH1 len DUP1 PUSH1 0x0b PUSH1 0 CODECOPY PUSH1 0 RETURN, then the runtime (at offset 11).
  return `0x60${len}80600b6000396000f3${runtime.slice(2)}`;
}

/** The topic the storage contract logs with. */
export const STORED_TOPIC: Hex = keccak256("0x73746f726564"); // keccak256("stored")

/**
 * Runtime that stores calldata word 0 in slot 0 and logs it:
 * PUSH1 0 CALLDATALOAD DUP1 PUSH1 0 SSTORE PUSH1 0 MSTORE PUSH32 topic PUSH1 32 PUSH1 0 LOG1 STOP.
 */
export const STORAGE_RUNTIME: Hex = `0x600035806000556000527f${STORED_TOPIC.slice(2)}60206000a100`;

/** Runtime that always reverts with the 4 bytes 0xdeadbeef. */
export const REVERT_RUNTIME: Hex = "0x63deadbeef6000526004601cfd";

/** keccak256 of the empty string: the code hash of an account without code. */
const EMPTY_CODE_HASH: Hex = "0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470";

export interface ExpectedAccount {
  nonce?: bigint;
  balance: bigint;
  code?: Hex;
  storage?: Record<Hex, bigint>;
}

/** An RLP integer: big-endian without leading zeros, zero as the empty string. */
function rlpInt(value: bigint): Hex {
  if (value === 0n) return "0x";
  const hex = value.toString(16);
  return `0x${hex.length % 2 === 0 ? hex : `0${hex}`}`;
}

function storageRoot(storage: Record<Hex, bigint>): Hex {
  const entries = Object.entries(storage)
    .filter(([, value]) => value !== 0n)
    .map(([slot, value]) => ({
      key: hexToBytes(keccak256(slot as Hex)),
      value: hexToBytes(toRlp(rlpInt(value))),
    }));
  return new MerklePatriciaTrie(entries).rootHash;
}

/**
 * The state root of `accounts`, computed without ethereumjs: `@baton/protocol`'s own Merkle-Patricia
 * trie over RLP accounts keyed by keccak256(address).
 */
export function expectedRoot(accounts: Record<Address, ExpectedAccount>): Hex {
  const entries = Object.entries(accounts).map(([address, account]) => ({
    key: hexToBytes(keccak256(address as Address)),
    value: hexToBytes(
      toRlp([
        rlpInt(account.nonce ?? 0n),
        rlpInt(account.balance),
        account.storage === undefined ? EMPTY_TRIE_ROOT : storageRoot(account.storage),
        account.code === undefined ? EMPTY_CODE_HASH : keccak256(account.code),
      ]),
    ),
  }));
  return new MerklePatriciaTrie(entries).rootHash;
}
