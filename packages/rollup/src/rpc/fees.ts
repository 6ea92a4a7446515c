/**
 * Fee answers from stored blocks: `eth_feeHistory`, and the tip suggested by `eth_maxPriorityFeePerGas`
 * and `eth_gasPrice`. The rollup's base fee is a constant of its config (docs/rollup.md), so the next
 * block's base fee is the newest block's.
 */
import type { ChainReader, RollupBlock } from "../chain/types.ts";
import { DEPOSIT_TX_TYPE, hexQuantity } from "./format.ts";

/** geth's limit on `blockCount`. */
export const MAX_FEE_HISTORY_BLOCKS = 1024;
/** geth's limit on the number of reward percentiles. */
export const MAX_REWARD_PERCENTILES = 100;
/** Blocks sampled for the suggested tip (geth's oracle: 20 blocks, 60th percentile). */
const TIP_SAMPLE_BLOCKS = 20n;
const TIP_PERCENTILE = 60;

/** Each paying transaction's tip per gas and gas used, sorted by tip. */
async function blockTips(reader: ChainReader, block: RollupBlock): Promise<{ tip: bigint; gas: bigint }[]> {
  const receipts = await Promise.all(block.transactions.map((hash) => reader.receipt(hash)));
  const tips: { tip: bigint; gas: bigint }[] = [];
  for (const receipt of receipts) {
    if (receipt === null || receipt.type === DEPOSIT_TX_TYPE) continue;
    const tip = receipt.effectiveGasPrice - block.baseFeePerGas;
    tips.push({ tip: tip > 0n ? tip : 0n, gas: receipt.gasUsed });
  }
  return tips.sort((a, b) => (a.tip < b.tip ? -1 : a.tip > b.tip ? 1 : 0));
}

/** The reward at each percentile of the block's gas, as geth computes it (gas-weighted). */
function rewards(
  tips: readonly { tip: bigint; gas: bigint }[],
  gasUsed: bigint,
  percentiles: readonly number[],
): bigint[] {
  if (tips.length === 0) return percentiles.map(() => 0n);
  const out: bigint[] = [];
  let index = 0;
  let sum = tips[0]?.gas ?? 0n;
  for (const p of percentiles) {
    // Percentiles may have fractions (e.g. 12.5): scale by 1e6 to stay in integers.
    const threshold = (gasUsed * BigInt(Math.round(p * 1e6))) / 100_000_000n;
    while (sum < threshold && index < tips.length - 1) {
      index++;
      sum += tips[index]?.gas ?? 0n;
    }
    out.push(tips[index]?.tip ?? 0n);
  }
  return out;
}

export async function feeHistory(
  reader: ChainReader,
  blockCount: number,
  newest: bigint,
  percentiles: readonly number[] | undefined,
) {
  if (blockCount === 0) return { oldestBlock: "0x0", baseFeePerGas: [], gasUsedRatio: [] };
  const oldest = newest - BigInt(blockCount) + 1n > 0n ? newest - BigInt(blockCount) + 1n : 0n;
  const numbers: bigint[] = [];
  for (let n = oldest; n <= newest; n++) numbers.push(n);
  const blocks = (await Promise.all(numbers.map((n) => reader.block(n)))).filter(
    (block): block is RollupBlock => block !== null,
  );
  const baseFees = blocks.map((block) => hexQuantity(block.baseFeePerGas));
  const last = blocks[blocks.length - 1];
  if (last !== undefined) baseFees.push(hexQuantity(last.baseFeePerGas));
  const history: {
    oldestBlock: string;
    baseFeePerGas: string[];
    gasUsedRatio: number[];
    reward?: string[][];
  } = {
    oldestBlock: hexQuantity(oldest),
    baseFeePerGas: baseFees,
    gasUsedRatio: blocks.map((block) =>
      block.gasLimit === 0n ? 0 : Number(block.gasUsed) / Number(block.gasLimit),
    ),
  };
  if (percentiles !== undefined) {
    history.reward = await Promise.all(
      blocks.map(async (block) =>
        rewards(await blockTips(reader, block), block.gasUsed, percentiles).map(hexQuantity),
      ),
    );
  }
  return history;
}

/**
 * The suggested tip: the 60th percentile of the lowest tip paid in each of the last 20 blocks, at
 * least `minimum`; cached per head block.
 */
export class TipOracle {
  #cache: { head: string; tip: bigint } | null = null;

  constructor(
    private readonly reader: ChainReader,
    private readonly minimum: bigint,
  ) {}

  async suggest(): Promise<bigint> {
    const head = await this.reader.block("latest");
    if (head === null) return this.minimum;
    if (this.#cache?.head === head.hash) return this.#cache.tip;
    const from = head.number >= TIP_SAMPLE_BLOCKS ? head.number - TIP_SAMPLE_BLOCKS + 1n : 0n;
    const samples: bigint[] = [];
    for (let n = from; n <= head.number; n++) {
      const block = n === head.number ? head : await this.reader.block(n);
      if (block === null) continue;
      const lowest = (await blockTips(this.reader, block))[0];
      if (lowest !== undefined) samples.push(lowest.tip);
    }
    samples.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const percentile = samples[Math.floor(((samples.length - 1) * TIP_PERCENTILE) / 100)] ?? 0n;
    const tip = percentile > this.minimum ? percentile : this.minimum;
    this.#cache = { head: head.hash, tip };
    return tip;
  }
}
