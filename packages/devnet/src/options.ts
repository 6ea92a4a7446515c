import { BatonError } from "@baton/protocol";

export interface DevnetOptions {
  /** Number of validators, with deterministic interop BLS keys. */
  readonly validators: number;
  readonly secondsPerSlot: number;
  /** Run this many slots after genesis, then stop; undefined runs until stopped. */
  readonly slots: number | undefined;
  readonly chainId: number;
  readonly host: string;
  /** L1 JSON-RPC port (0 = any free port). */
  readonly l1Port: number;
  /** Beacon API port (0 = any free port). */
  readonly beaconPort: number;
  /** Slots whose proposer misses its block. */
  readonly missSlots: readonly number[];
  /** Slots of beacon states kept for the Beacon API and provers. */
  readonly stateHistorySlots: number;
  /** Directory for the L1 node's state dump (kept across an L1 restart); a temporary one if unset. */
  readonly dataDir: string | undefined;
}

export const defaultDevnetOptions: DevnetOptions = {
  validators: 64,
  secondsPerSlot: 12,
  slots: undefined,
  chainId: 3_151_908,
  host: "127.0.0.1",
  l1Port: 8545,
  beaconPort: 5052,
  missSlots: [],
  stateHistorySlots: 512,
  dataDir: undefined,
};

export class InvalidOptionError extends BatonError {
  override readonly name = "InvalidOptionError";
  constructor(
    readonly option: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`Invalid value for ${option}: ${JSON.stringify(value)} (allowed: ${allowed})`);
  }
}

function integerIn(option: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidOptionError(option, value, `an integer from ${min} to ${max}`);
  }
}

/** Validate once at start-up; the result is frozen. */
export function validateDevnetOptions(input: Partial<DevnetOptions>): Readonly<DevnetOptions> {
  const options = { ...defaultDevnetOptions, ...input };
  integerIn("validators", options.validators, 1, 4096);
  integerIn("secondsPerSlot", options.secondsPerSlot, 1, 60);
  if (options.slots !== undefined) integerIn("slots", options.slots, 1, 10_000_000);
  integerIn("chainId", options.chainId, 1, 2 ** 53 - 1);
  integerIn("l1Port", options.l1Port, 0, 65_535);
  integerIn("beaconPort", options.beaconPort, 0, 65_535);
  integerIn("stateHistorySlots", options.stateHistorySlots, 64, 65_536);
  for (const slot of options.missSlots) integerIn("missSlots", slot, 1, 10_000_000);
  if (options.l1Port !== 0 && options.l1Port === options.beaconPort) {
    throw new InvalidOptionError("beaconPort", options.beaconPort, "a port other than the L1 port");
  }
  return Object.freeze({ ...options, missSlots: Object.freeze([...options.missSlots]) });
}
