export * from "../generated/index.ts";
export * from "./bls.ts";
export * from "./deploy.ts";
export * from "./systemContracts.ts";
