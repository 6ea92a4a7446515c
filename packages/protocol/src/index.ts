export * from "./consensus/bytes.ts";
export * from "./consensus/proposers.ts";
export * from "./consensus/shuffling.ts";
export * from "./constants.ts";
export * from "./errors.ts";
export * from "./lookahead.ts";
export * from "./ssz/proofs.ts";
export * from "./time.ts";
