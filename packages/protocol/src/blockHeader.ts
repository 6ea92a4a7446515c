import { type Hex, keccak256, toRlp } from "viem";
import { BatonError } from "./errors.ts";

export class BlockHeaderError extends BatonError {
  override readonly name = "BlockHeaderError";
}

/**
 * The header fields of a block as JSON-RPC's `eth_getBlockByNumber` serves them (hex quantities and
 * data). The fields after `nonce` came with later forks; a block has those of its fork.
 */
export interface RpcBlockHeader {
  readonly hash?: Hex | null;
  readonly parentHash: Hex;
  readonly sha3Uncles: Hex;
  readonly miner: Hex;
  readonly stateRoot: Hex;
  readonly transactionsRoot: Hex;
  readonly receiptsRoot: Hex;
  readonly logsBloom: Hex;
  readonly difficulty: Hex;
  readonly number: Hex;
  readonly gasLimit: Hex;
  readonly gasUsed: Hex;
  readonly timestamp: Hex;
  readonly extraData: Hex;
  readonly mixHash: Hex;
  readonly nonce: Hex;
  /** London (EIP-1559). */
  readonly baseFeePerGas?: Hex | null;
  /** Shanghai (EIP-4895). */
  readonly withdrawalsRoot?: Hex | null;
  /** Cancun (EIP-4844). */
  readonly blobGasUsed?: Hex | null;
  /** Cancun (EIP-4844). */
  readonly excessBlobGas?: Hex | null;
  /** Cancun (EIP-4788). */
  readonly parentBeaconBlockRoot?: Hex | null;
  /** Prague (EIP-7685). */
  readonly requestsHash?: Hex | null;
}

/** Quantities are RLP-encoded as minimal big-endian bytes: 0 is the empty string. */
function quantity(value: Hex): Hex {
  const n = BigInt(value);
  if (n === 0n) return "0x";
  const hex = n.toString(16);
  return `0x${hex.length % 2 ? "0" : ""}${hex}`;
}

const FORK_FIELDS = [
  ["baseFeePerGas", quantity],
  ["withdrawalsRoot", (v: Hex) => v],
  ["blobGasUsed", quantity],
  ["excessBlobGas", quantity],
  ["parentBeaconBlockRoot", (v: Hex) => v],
  ["requestsHash", (v: Hex) => v],
] as const;

/**
 * The RLP header of `block`: the bytes whose keccak256 is the block hash, as the L1
 * `BlockHeaders.decode` reads them. When `block.hash` is given, the encoding is checked against it
 * (a mismatch means a field this encoder does not know, from a later fork).
 */
export function encodeBlockHeader(block: RpcBlockHeader): Hex {
  const fields: Hex[] = [
    block.parentHash,
    block.sha3Uncles,
    block.miner,
    block.stateRoot,
    block.transactionsRoot,
    block.receiptsRoot,
    block.logsBloom,
    quantity(block.difficulty),
    quantity(block.number),
    quantity(block.gasLimit),
    quantity(block.gasUsed),
    quantity(block.timestamp),
    block.extraData,
    block.mixHash,
    block.nonce,
  ];
  // Each fork appends its fields after those of the forks before it.
  for (const [name, encode] of FORK_FIELDS) {
    const value = block[name];
    if (value === undefined || value === null) break;
    fields.push(encode(value));
  }
  const header = toRlp(fields);
  if (block.hash && keccak256(header) !== block.hash) {
    throw new BlockHeaderError("Encoded block header does not hash to the block hash", {
      details: { number: BigInt(block.number), hash: block.hash, fields: fields.length },
      hint: "The node may serve header fields of a fork that encodeBlockHeader does not know.",
    });
  }
  return header;
}
