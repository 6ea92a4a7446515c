/**
 * The node's execution state: the engine over a persistent trie store (`state.sqlite` beside the
 * chain database). Roots are content-addressed, so moving back to an earlier block's root (a reorg)
 * or reading an older block's state is a lookup, never a re-execution.
 */
import { join } from "node:path";
import {
  createEthereumjsEngine,
  type ExecutionEngine,
  ExecutionError,
  ExecutionErrorCode,
  openSqliteTrieStore,
  type RollupGenesis,
  type StateView,
} from "@baton/execution";
import type { Hex } from "viem";

export interface RollupState {
  readonly engine: ExecutionEngine;
  /** The genesis state root. */
  readonly genesisRoot: Hex;
  /** Moves the engine to `root` (a derived block's). */
  reset(root: Hex): Promise<void>;
  /** Makes every node written so far durable. */
  flush(): Promise<void>;
  /** The state at `root`, read-only. */
  view(root: Hex): Promise<StateView>;
  close(): Promise<void>;
}

/**
 * Opens the state store in `dir`, writing the genesis on first use. `blockHash` answers BLOCKHASH
 * (the rollup's own block hashes).
 */
export async function openState(
  genesis: RollupGenesis,
  dir: string,
  blockHash?: (number: bigint) => Hex,
): Promise<RollupState> {
  // The genesis root, from the genesis alone (cheap next to deriving; it checks the store below).
  const scratch = await createEthereumjsEngine(genesis);
  const genesisRoot = await scratch.stateRoot();
  await scratch.close();
  const store = openSqliteTrieStore(join(dir, "state.sqlite"));
  const options = { store, ...(blockHash === undefined ? {} : { blockHash }) };
  let engine: ExecutionEngine;
  try {
    try {
      engine = await createEthereumjsEngine(genesis, { ...options, root: genesisRoot });
    } catch (error) {
      if (!(error instanceof ExecutionError) || error.code !== ExecutionErrorCode.unknownStateRoot)
        throw error;
      engine = await createEthereumjsEngine(genesis, options);
    }
  } catch (error) {
    await store.close();
    throw error;
  }
  return {
    engine,
    genesisRoot,
    reset: (root) => engine.setStateRoot(root),
    flush: async () => {
      await engine.flush();
    },
    view: (root) => engine.at(root),
    close: async () => {
      await engine.close();
      await store.close();
    },
  };
}
