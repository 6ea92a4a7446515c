export * from "./beacon/beaconClient.ts";
export * from "./beacon/httpBeaconClient.ts";
export * from "./beacon/testBeaconClient.ts";
export * from "./gateway/client.ts";
export * from "./gateway/errors.ts";
export * from "./gateway/routes.ts";
export * from "./gateway/types.ts";
export * from "./lookahead.ts";
