/** The intrinsic gas the JSON-RPC charges, against the engine's own check of real transactions. */
import assert from "node:assert/strict";
import { it } from "node:test";
import { createEthereumjsEngine, ExecutionError } from "@baton/execution";
import type { Address, Hex, TransactionSerializable } from "viem";
import { intrinsicGas } from "./call.ts";
import {
  ALICE,
  CAROL,
  CHAIN_ID,
  deployCode,
  GAS_LIMIT,
  GWEI,
  genesis,
  STORAGE_RUNTIME,
} from "./testChain.ts";

const env = {
  number: 1n,
  timestamp: 1_700_000_012n,
  coinbase: CAROL,
  baseFeePerGas: GWEI,
  gasLimit: GAS_LIMIT,
  prevRandao: `0x${"00".repeat(32)}`,
} as const;

const cases: {
  name: string;
  to: Address | null;
  data: Hex;
  accessList: { address: Address; storageKeys: Hex[] }[];
}[] = [
  { name: "a transfer", to: CAROL, data: "0x", accessList: [] },
  { name: "calldata with zero and non-zero bytes", to: CAROL, data: "0x00ff00ff0000000001", accessList: [] },
  { name: "calldata under the EIP-7623 floor", to: CAROL, data: `0x${"ab".repeat(400)}`, accessList: [] },
  { name: "a creation (init code words)", to: null, data: deployCode(STORAGE_RUNTIME), accessList: [] },
  {
    name: "an access list",
    to: CAROL,
    data: "0x01",
    accessList: [
      { address: CAROL, storageKeys: [`0x${"00".repeat(32)}`, `0x${"00".repeat(31)}01`] },
      { address: ALICE.address, storageKeys: [] },
    ],
  },
];

for (const c of cases) {
  it(`charges the engine's least gas limit for ${c.name}`, async () => {
    const { intrinsic, floor } = intrinsicGas({ to: c.to, data: c.data, accessList: c.accessList });
    const least = intrinsic > floor ? intrinsic : floor;
    const engine = await createEthereumjsEngine(genesis());
    try {
      const sign = (gas: bigint) =>
        ALICE.signTransaction({
          type: "eip1559",
          chainId: Number(CHAIN_ID),
          nonce: 0,
          to: c.to,
          data: c.data,
          accessList: c.accessList,
          gas,
          maxFeePerGas: 2n * GWEI,
          maxPriorityFeePerGas: 0n,
        } as TransactionSerializable);
      await assert.rejects(
        engine.execute(await sign(least - 1n), env),
        (error) => error instanceof ExecutionError && error.code === "EXECUTION_INTRINSIC_GAS_TOO_LOW",
      );
      const outcome = await engine.execute(await sign(least), env);
      assert.ok(outcome.gasUsed <= least);
    } finally {
      await engine.close();
    }
  });
}
