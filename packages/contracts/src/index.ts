export * from "../generated/index.ts";
export * from "./systemContracts.ts";
