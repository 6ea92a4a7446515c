import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

test("test/commitments/CommitmentVectors.sol is generated from the protocol's commitment vectors", () => {
  const script = fileURLToPath(new URL("../scripts/commitmentVectors.mjs", import.meta.url));
  const run = spawnSync(process.execPath, [script, "--check"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
});
