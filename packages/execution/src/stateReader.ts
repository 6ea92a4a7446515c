import type { EVM, Log } from "@ethereumjs/evm";
import type { MerkleStateManager } from "@ethereumjs/statemanager";
import { Address } from "@ethereumjs/util";
import { type Address as AddressHex, bytesToHex, type Hex, hexToBytes, isAddress, isHex, padHex } from "viem";
import { type EvmBlock, evmBlock } from "./blockEnv.ts";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";
import type { AccountState, BlockEnv, CallRequest, CallResult, ExecutionLog, StateView } from "./types.ts";

export function toLogs(logs: readonly Log[] | undefined): ExecutionLog[] {
  return (logs ?? []).map(([address, topics, data]) => ({
    address: bytesToHex(address) as AddressHex,
    topics: topics.map((topic) => bytesToHex(topic)),
    data: bytesToHex(data),
  }));
}

export function argument(name: string, value: unknown, allowed: string): ExecutionError {
  return new ExecutionError(ExecutionErrorCode.invalidArgument, `Invalid ${name}`, {
    details: { value, allowed },
  });
}

export function toAddress(name: string, value: AddressHex): Address {
  if (!isAddress(value, { strict: false })) throw argument(name, value, "an address");
  return new Address(hexToBytes(value));
}

/**
 * The reads and calls of the engine and of its views, on one state manager and its EVM. Not
 * serialized: the owner runs one at a time (a call checkpoints the state manager).
 */
export class StateReader {
  constructor(
    private readonly state: MerkleStateManager,
    private readonly evm: EVM,
  ) {}

  async account(address: AddressHex): Promise<AccountState> {
    const account = await this.state.getAccount(toAddress("address", address));
    return { nonce: account?.nonce ?? 0n, balance: account?.balance ?? 0n };
  }

  async code(address: AddressHex): Promise<Hex> {
    return bytesToHex(await this.state.getCode(toAddress("address", address)));
  }

  async storage(address: AddressHex, slot: Hex): Promise<Hex> {
    const at = toAddress("address", address);
    if (!isHex(slot, { strict: true }) || slot.length !== 66) throw argument("slot", slot, "32 bytes of hex");
    return padHex(bytesToHex(await this.state.getStorage(at, hexToBytes(slot))));
  }

  async call(request: CallRequest, env: BlockEnv): Promise<CallResult> {
    const block = evmBlock(env);
    const caller = toAddress("from", request.from ?? "0x0000000000000000000000000000000000000000");
    const to = request.to === undefined || request.to === null ? undefined : toAddress("to", request.to);
    if (request.data !== undefined && !isHex(request.data, { strict: true }))
      throw argument("data", request.data, "hex");
    const gasLimit = request.gas ?? env.gasLimit;
    const { journal } = this.evm;
    journal.cleanJournal();
    await this.state.checkpoint();
    try {
      // Warm what a transaction warms (EIP-2929, EIP-3651) so gas matches a real transaction's.
      for (const [precompile] of this.evm.precompiles) journal.addAlwaysWarmAddress(precompile);
      journal.addAlwaysWarmAddress(caller.toString());
      if (to !== undefined) journal.addAlwaysWarmAddress(to.toString());
      journal.addAlwaysWarmAddress(block.header.coinbase.toString());
      const result = await this.evm.runCall({
        block: block satisfies EvmBlock,
        caller,
        origin: caller,
        to,
        value: request.value ?? 0n,
        data: request.data === undefined ? new Uint8Array() : hexToBytes(request.data),
        gasLimit,
        gasPrice: request.gasPrice ?? 0n,
      });
      const { execResult } = result;
      return {
        status: execResult.exceptionError === undefined ? "success" : "reverted",
        gasUsed: execResult.executionGasUsed,
        returnData: bytesToHex(execResult.returnValue),
        logs: toLogs(execResult.logs),
      };
    } finally {
      await this.state.revert();
      journal.cleanJournal();
      this.state.originalStorageCache.clear();
    }
  }
}

/**
 * A {@link StateView} over its own state manager and EVM, on the engine's store at a fixed root.
 * Reads never see the engine's later writes: the store only ever adds nodes.
 */
export class EthereumjsStateView implements StateView {
  #tail: Promise<unknown> = Promise.resolve();

  constructor(
    readonly stateRoot: Hex,
    private readonly reader: StateReader,
    /** True once the engine is closed (its store may be closed too). */
    private readonly engineClosed: () => boolean,
  ) {}

  /** One read at a time: a call checkpoints the view's state manager. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(() => {
      if (this.engineClosed())
        throw new ExecutionError(ExecutionErrorCode.closed, "The execution engine is closed");
      return task();
    });
    this.#tail = run.catch(() => undefined);
    return run;
  }

  account(address: AddressHex): Promise<AccountState> {
    return this.#serial(() => this.reader.account(address));
  }

  code(address: AddressHex): Promise<Hex> {
    return this.#serial(() => this.reader.code(address));
  }

  storage(address: AddressHex, slot: Hex): Promise<Hex> {
    return this.#serial(() => this.reader.storage(address, slot));
  }

  call(request: CallRequest, env: BlockEnv): Promise<CallResult> {
    return this.#serial(() => this.reader.call(request, env));
  }
}
