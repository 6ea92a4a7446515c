/**
 * Strict checks of JSON-RPC parameters, each naming the parameter it refuses: quantities are hex
 * without leading zeros (`0x0`, `0x1a`), data is whole bytes of hex, addresses 20 bytes, hashes 32
 * bytes, and block parameters a tag, a quantity or an EIP-1898 object.
 */
import type { Address, Hex } from "viem";
import type { BlockSelector, BlockTag } from "../chain/types.ts";
import { invalidParams } from "./errors.ts";

const QUANTITY = /^0x(?:0|[1-9a-fA-F][0-9a-fA-F]{0,63})$/;
const DATA = /^0x(?:[0-9a-fA-F]{2})*$/;
const ADDRESS = /^0x[0-9a-fA-F]{40}$/;
const HASH = /^0x[0-9a-fA-F]{64}$/;
const TAGS: ReadonlySet<string> = new Set<BlockTag>(["latest", "pending", "safe", "finalized", "earliest"]);

function show(value: unknown): string {
  const text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** A hex quantity (uint256 at most) as a bigint. */
export function quantity(name: string, value: unknown): bigint {
  if (typeof value !== "string" || !QUANTITY.test(value))
    throw invalidParams(
      `${name} must be a hex quantity without leading zeros (e.g. "0x1a"), got ${show(value)}`,
    );
  return BigInt(value);
}

export function data(name: string, value: unknown): Hex {
  if (typeof value !== "string" || !DATA.test(value))
    throw invalidParams(`${name} must be hex bytes (e.g. "0x", "0xabcd"), got ${show(value)}`);
  return value.toLowerCase() as Hex;
}

/** A 20-byte address, lower-cased (checksums are not checked, as in geth). */
export function address(name: string, value: unknown): Address {
  if (typeof value !== "string" || !ADDRESS.test(value))
    throw invalidParams(`${name} must be a 20-byte hex address, got ${show(value)}`);
  return value.toLowerCase() as Address;
}

export function hash(name: string, value: unknown): Hex {
  if (typeof value !== "string" || !HASH.test(value))
    throw invalidParams(`${name} must be a 32-byte hex hash, got ${show(value)}`);
  return value.toLowerCase() as Hex;
}

export function bool(name: string, value: unknown): boolean {
  if (typeof value !== "boolean") throw invalidParams(`${name} must be true or false, got ${show(value)}`);
  return value;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A block parameter as read by the reader, plus whether the caller asked for a canonical block. */
export interface BlockParam {
  readonly selector: BlockSelector;
  readonly requireCanonical: boolean;
}

/** A tag, a block number, or an EIP-1898 `{ blockNumber }` / `{ blockHash, requireCanonical }`. */
export function blockParam(name: string, value: unknown): BlockParam {
  if (typeof value === "string") {
    if (TAGS.has(value)) return { selector: value as BlockTag, requireCanonical: false };
    if (QUANTITY.test(value)) return { selector: BigInt(value), requireCanonical: false };
    throw invalidParams(
      `${name} must be a block tag (latest, pending, safe, finalized, earliest), a hex block number or an EIP-1898 object, got ${show(value)}`,
    );
  }
  if (isObject(value)) {
    const keys = Object.keys(value);
    if ("blockHash" in value && "blockNumber" in value)
      throw invalidParams(`${name} must not have both blockHash and blockNumber`);
    if ("blockNumber" in value) {
      if (keys.length !== 1) throw invalidParams(`${name}: unknown fields beside blockNumber`);
      const number = value.blockNumber;
      if (typeof number === "string" && TAGS.has(number))
        return { selector: number as BlockTag, requireCanonical: false };
      return { selector: quantity(`${name}.blockNumber`, number), requireCanonical: false };
    }
    if ("blockHash" in value) {
      if (keys.some((key) => key !== "blockHash" && key !== "requireCanonical"))
        throw invalidParams(`${name}: unknown fields beside blockHash and requireCanonical`);
      const requireCanonical =
        value.requireCanonical === undefined
          ? false
          : bool(`${name}.requireCanonical`, value.requireCanonical);
      return { selector: { hash: hash(`${name}.blockHash`, value.blockHash) }, requireCanonical };
    }
  }
  throw invalidParams(
    `${name} must be a block tag, a hex block number or an EIP-1898 object, got ${show(value)}`,
  );
}

/** A block number or tag only (no hash), as `eth_getBlockByNumber` and filters take. */
export function blockNumberOrTag(name: string, value: unknown): BlockTag | bigint {
  if (typeof value === "string" && TAGS.has(value)) return value as BlockTag;
  if (typeof value === "string" && QUANTITY.test(value)) return BigInt(value);
  throw invalidParams(`${name} must be a block tag or a hex block number, got ${show(value)}`);
}

/** The positional parameters of a method: at most `max`, missing ones undefined. */
export function positional(params: unknown, max: number): readonly unknown[] {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams("params must be an array (by-position)");
  if (params.length > max)
    throw invalidParams(`too many arguments, want at most ${max}, got ${params.length}`);
  return params;
}

export function required(params: readonly unknown[], index: number, name: string): unknown {
  const value = params[index];
  if (value === undefined) throw invalidParams(`missing value for required argument ${index} (${name})`);
  return value;
}

/** The call object of `eth_call` / `eth_estimateGas` (geth's TransactionArgs), checked. */
export interface CallArgs {
  readonly from: Address | undefined;
  readonly to: Address | null;
  readonly gas: bigint | undefined;
  readonly gasPrice: bigint | undefined;
  readonly maxFeePerGas: bigint | undefined;
  readonly maxPriorityFeePerGas: bigint | undefined;
  readonly value: bigint;
  readonly data: Hex;
  readonly accessList: readonly { readonly address: Address; readonly storageKeys: readonly Hex[] }[];
}

export function callArgs(name: string, value: unknown): CallArgs {
  if (!isObject(value)) throw invalidParams(`${name} must be a transaction call object`);
  const opt = <T>(key: string, check: (name: string, value: unknown) => T): T | undefined =>
    value[key] === undefined || value[key] === null ? undefined : check(`${name}.${key}`, value[key]);
  const input = opt("input", data);
  const dataField = opt("data", data);
  if (input !== undefined && dataField !== undefined && input !== dataField)
    throw invalidParams(`${name}: both data and input are set and differ`);
  const gasPrice = opt("gasPrice", quantity);
  const maxFeePerGas = opt("maxFeePerGas", quantity);
  const maxPriorityFeePerGas = opt("maxPriorityFeePerGas", quantity);
  if (gasPrice !== undefined && (maxFeePerGas !== undefined || maxPriorityFeePerGas !== undefined))
    throw invalidParams(`${name}: both gasPrice and (maxFeePerGas or maxPriorityFeePerGas) are set`);
  if (maxFeePerGas !== undefined && maxPriorityFeePerGas !== undefined && maxPriorityFeePerGas > maxFeePerGas)
    throw invalidParams(`${name}: maxPriorityFeePerGas is above maxFeePerGas`);
  // Checked for shape even though they change nothing here.
  opt("nonce", quantity);
  opt("type", quantity);
  opt("chainId", quantity);
  return {
    from: opt("from", address),
    to: opt("to", address) ?? null,
    gas: opt("gas", quantity),
    gasPrice,
    maxFeePerGas,
    maxPriorityFeePerGas,
    value: opt("value", quantity) ?? 0n,
    data: input ?? dataField ?? "0x",
    accessList: opt("accessList", accessList) ?? [],
  };
}

function accessList(name: string, value: unknown): CallArgs["accessList"] {
  if (!Array.isArray(value)) throw invalidParams(`${name} must be an array`);
  return value.map((entry, i) => {
    if (!isObject(entry)) throw invalidParams(`${name}[${i}] must be an object`);
    const keys = entry.storageKeys ?? [];
    if (!Array.isArray(keys)) throw invalidParams(`${name}[${i}].storageKeys must be an array`);
    return {
      address: address(`${name}[${i}].address`, entry.address),
      storageKeys: keys.map((key, j) => hash(`${name}[${i}].storageKeys[${j}]`, key)),
    };
  });
}

/** A filter of `eth_getLogs` before its block tags are resolved. */
export interface LogFilterArgs {
  readonly fromBlock: BlockTag | bigint;
  readonly toBlock: BlockTag | bigint;
  readonly blockHash: Hex | undefined;
  readonly addresses: readonly Address[];
  readonly topics: readonly (readonly Hex[] | null)[];
}

/** At most 4 topic positions, as the LOG opcodes emit. */
const MAX_TOPICS = 4;

export function logFilter(name: string, value: unknown): LogFilterArgs {
  if (!isObject(value)) throw invalidParams(`${name} must be a filter object`);
  const blockHash =
    value.blockHash === undefined || value.blockHash === null
      ? undefined
      : hash(`${name}.blockHash`, value.blockHash);
  const hasRange =
    (value.fromBlock !== undefined && value.fromBlock !== null) ||
    (value.toBlock !== undefined && value.toBlock !== null);
  if (blockHash !== undefined && hasRange)
    throw invalidParams(`${name}: blockHash cannot be combined with fromBlock/toBlock`);
  const tag = (key: "fromBlock" | "toBlock") =>
    value[key] === undefined || value[key] === null
      ? "latest"
      : blockNumberOrTag(`${name}.${key}`, value[key]);
  let addresses: Address[] = [];
  const rawAddress = value.address;
  if (Array.isArray(rawAddress)) addresses = rawAddress.map((a, i) => address(`${name}.address[${i}]`, a));
  else if (rawAddress !== undefined && rawAddress !== null)
    addresses = [address(`${name}.address`, rawAddress)];
  let topics: (Hex[] | null)[] = [];
  if (value.topics !== undefined && value.topics !== null) {
    if (!Array.isArray(value.topics)) throw invalidParams(`${name}.topics must be an array`);
    if (value.topics.length > MAX_TOPICS)
      throw invalidParams(`${name}.topics has more than ${MAX_TOPICS} positions`);
    topics = value.topics.map((topic, i): Hex[] | null => {
      if (topic === null) return null;
      if (!Array.isArray(topic)) return [hash(`${name}.topics[${i}]`, topic)];
      // An OR-list that is empty or holds null matches anything, as null does (geth).
      if (topic.length === 0 || topic.includes(null)) return null;
      return topic.map((t, j) => hash(`${name}.topics[${i}][${j}]`, t));
    });
  }
  // Trailing wildcards match anything: drop them.
  while (topics.length > 0 && topics[topics.length - 1] === null) topics.pop();
  return { fromBlock: tag("fromBlock"), toBlock: tag("toBlock"), blockHash, addresses, topics };
}
