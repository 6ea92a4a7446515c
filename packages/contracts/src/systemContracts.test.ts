import assert from "node:assert/strict";
import type { ChildProcess } from "node:child_process";
import { after, before, test } from "node:test";
import {
  BEACON_ROOTS_ADDRESS,
  BEACON_ROOTS_CODE,
  BEACON_ROOTS_HISTORY_BUFFER_LENGTH,
  HISTORY_SERVE_WINDOW,
  HISTORY_STORAGE_ADDRESS,
  HISTORY_STORAGE_CODE,
} from "./systemContracts.ts";
import { startAnvil } from "./testAnvil.ts";

type Hex = `0x${string}`;

const word = (value: bigint | number): Hex => `0x${BigInt(value).toString(16).padStart(64, "0")}`;

let anvil: ChildProcess | undefined;
let url = "";

async function rpc(method: string, params: unknown[]): Promise<{ result?: unknown; error?: unknown }> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
  return (await response.json()) as { result?: unknown; error?: unknown };
}

async function call(to: Hex, data: Hex) {
  return rpc("eth_call", [{ to, data }, "latest"]);
}

async function ok(method: string, params: unknown[]): Promise<unknown> {
  const { result, error } = await rpc(method, params);
  assert.equal(error, undefined, `${method} failed: ${JSON.stringify(error)}`);
  return result;
}

before(async () => {
  ({ child: anvil, url } = await startAnvil());
});

after(() => {
  anvil?.kill("SIGTERM");
});

test("EIP-4788 code serves the root recorded for a timestamp and reverts otherwise", async () => {
  const timestamp = 1_765_000_000n;
  const root = word(0xba70n);
  const index = timestamp % BigInt(BEACON_ROOTS_HISTORY_BUFFER_LENGTH);
  await ok("anvil_setCode", [BEACON_ROOTS_ADDRESS, BEACON_ROOTS_CODE]);
  assert.equal(await ok("eth_getCode", [BEACON_ROOTS_ADDRESS, "latest"]), BEACON_ROOTS_CODE);
  await ok("anvil_setStorageAt", [BEACON_ROOTS_ADDRESS, word(index), word(timestamp)]);
  await ok("anvil_setStorageAt", [BEACON_ROOTS_ADDRESS, word(index + 8191n), root]);

  assert.equal((await call(BEACON_ROOTS_ADDRESS, word(timestamp))).result, root);
  for (const wrong of [timestamp + 12n, timestamp + 8191n, 0n]) {
    const { result, error } = await call(BEACON_ROOTS_ADDRESS, word(wrong));
    assert.equal(result, undefined, `timestamp ${wrong} must revert`);
    assert.ok(error, `timestamp ${wrong} must revert`);
  }
  // Input that is not exactly 32 bytes reverts too.
  assert.ok((await call(BEACON_ROOTS_ADDRESS, `${word(timestamp)}00`)).error, "33 bytes must revert");
});

test("EIP-2935 code serves recent block hashes and reverts outside its window", async () => {
  await ok("anvil_mine", ["0x10"]);
  const latest = BigInt((await ok("eth_blockNumber", [])) as string);
  const block = latest - 1n;
  const hash = word(0x2935n);
  await ok("anvil_setCode", [HISTORY_STORAGE_ADDRESS, HISTORY_STORAGE_CODE]);
  assert.equal(await ok("eth_getCode", [HISTORY_STORAGE_ADDRESS, "latest"]), HISTORY_STORAGE_CODE);
  await ok("anvil_setStorageAt", [HISTORY_STORAGE_ADDRESS, word(block % BigInt(HISTORY_SERVE_WINDOW)), hash]);

  assert.equal((await call(HISTORY_STORAGE_ADDRESS, word(block))).result, hash);
  assert.ok((await call(HISTORY_STORAGE_ADDRESS, word(latest + 5n))).error, "a future block must revert");
});
