export * from "./chain/types.ts";
export * from "./errors.ts";
