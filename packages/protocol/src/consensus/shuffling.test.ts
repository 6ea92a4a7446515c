import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { computeShuffledIndex } from "./shuffling.ts";

const vectorsPath = new URL("../../../../../shared/fixtures/eth2-shuffle/spec/tests.csv", import.meta.url);

test("computeShuffledIndex matches the eth2-shuffle vectors (240 rows, phase0 spec)", () => {
  const rows = readFileSync(vectorsPath, "utf8").trim().split(/\r?\n/);
  assert.equal(rows.length, 240);
  let checked = 0;
  for (const row of rows) {
    const [seedHex, countText, inputText, outputText] = row.split(",");
    const count = Number(countText);
    const seed = Buffer.from(seedHex!, "hex");
    const input = inputText ? inputText.split(":").map(Number) : [];
    const output = outputText ? outputText.split(":").map(Number) : [];
    const shuffled = new Array<number>(count);
    for (let i = 0; i < count; i++) shuffled[computeShuffledIndex(i, count, seed)] = input[i]!;
    assert.deepEqual(shuffled, output, `seed ${seedHex} count ${count}`);
    checked += count;
  }
  assert.ok(checked > 10_000);
});

test("computeShuffledIndex rejects an index outside the list", () => {
  assert.throws(() => computeShuffledIndex(5, 5, new Uint8Array(32)), RangeError);
});
