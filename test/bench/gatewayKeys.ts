// Deterministic sender keys of the gateway benchmark (shared by the driver, which funds them, and the load process).
import { type Hex, keccak256, toHex } from "viem";

export function benchKey(index: number): Hex {
  return keccak256(toHex(`baton-gateway-bench-${index}`));
}
