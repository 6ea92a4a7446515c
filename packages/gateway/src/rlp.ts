/**
 * A strict RLP reader over bytes for the request path: it accepts canonical encodings only (minimal
 * lengths, single bytes below 0x80 unwrapped, no trailing bytes), so the bytes a promise hashes are
 * exactly the ones every node re-encodes. Items keep their span in the input, so a transaction's
 * signing payload can be hashed from the original bytes without re-encoding.
 */
export interface RlpItem {
  /** Offset of the item's prefix. */
  readonly start: number;
  /** Offset of its payload (after the prefix). */
  readonly dataStart: number;
  /** Offset just past it. */
  readonly end: number;
  /** Sub-items of a list; null for a byte string. */
  readonly items: RlpItem[] | null;
}

export class RlpError extends Error {
  override readonly name = "RlpError";
}

function lengthOf(bytes: Uint8Array, at: number, size: number, end: number): number {
  if (at + size > end) throw new RlpError("length runs past the input");
  if (bytes[at] === 0) throw new RlpError("length has a leading zero");
  let length = 0;
  for (let i = 0; i < size; i++) length = length * 256 + (bytes[at + i] as number);
  if (length <= 55) throw new RlpError("long form used for a short length");
  return length;
}

function readItem(bytes: Uint8Array, at: number, end: number, depth: number): RlpItem {
  if (at >= end) throw new RlpError("input ends inside an item");
  if (depth > 16) throw new RlpError("lists nested too deep");
  const prefix = bytes[at] as number;
  if (prefix < 0x80) return { start: at, dataStart: at, end: at + 1, items: null };
  let dataStart: number;
  let length: number;
  const isList = prefix >= 0xc0;
  const base = isList ? 0xc0 : 0x80;
  if (prefix - base <= 55) {
    dataStart = at + 1;
    length = prefix - base;
  } else {
    const size = prefix - base - 55;
    length = lengthOf(bytes, at + 1, size, end);
    dataStart = at + 1 + size;
  }
  const itemEnd = dataStart + length;
  if (itemEnd > end) throw new RlpError("item runs past the input");
  if (!isList) {
    if (length === 1 && (bytes[dataStart] as number) < 0x80)
      throw new RlpError("a single byte below 0x80 must stand alone");
    return { start: at, dataStart, end: itemEnd, items: null };
  }
  const items: RlpItem[] = [];
  let cursor = dataStart;
  while (cursor < itemEnd) {
    const item = readItem(bytes, cursor, itemEnd, depth + 1);
    items.push(item);
    cursor = item.end;
  }
  return { start: at, dataStart, end: itemEnd, items };
}

/** Reads the one item that `bytes[from..]` must consist of exactly. @throws RlpError */
export function readRlp(bytes: Uint8Array, from = 0): RlpItem {
  const item = readItem(bytes, from, bytes.length, 0);
  if (item.end !== bytes.length) throw new RlpError("trailing bytes after the item");
  return item;
}

/** The prefix of a list whose payload is `length` bytes. */
export function rlpListPrefix(length: number): Buffer {
  if (length <= 55) return Buffer.from([0xc0 + length]);
  const size: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) size.unshift(n % 256);
  return Buffer.from([0xf7 + size.length, ...size]);
}
