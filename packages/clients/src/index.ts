export * from "./gateway/client.ts";
export * from "./gateway/errors.ts";
export * from "./gateway/routes.ts";
export * from "./gateway/types.ts";
