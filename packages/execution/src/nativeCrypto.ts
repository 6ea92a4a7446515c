import { createRequire } from "node:module";
import { ExecutionError, ExecutionErrorCode } from "./errors.ts";

/**
 * secp256k1 public-key recovery through the native libsecp256k1 addon of the `secp256k1` package,
 * plugged into ethereumjs as `customCrypto.ecrecover`: it recovers every transaction's sender and
 * serves the ECRECOVER precompile, about ten times faster than the pure-JS default (see the benchmark).
 */

/** The part of the addon's API used here (`secp256k1/bindings.js`, without the elliptic.js fallback). */
export interface Secp256k1Addon {
  ecdsaRecover(signature: Uint8Array, recid: number, msg32: Uint8Array, compressed: boolean): Uint8Array;
}

/** ethereumjs's `CustomCrypto.ecrecover`: returns the 64-byte uncompressed public key without its 0x04 prefix. */
export type Ecrecover = (
  msgHash: Uint8Array,
  v: bigint,
  r: Uint8Array,
  s: Uint8Array,
  chainId?: bigint,
) => Uint8Array;

const require = createRequire(import.meta.url);

/**
 * Loads the native addon. `load` exists for tests; by default it loads `secp256k1/bindings.js`, which
 * throws when no prebuilt or compiled binary fits the platform (instead of silently falling back to JS).
 */
export function loadNativeSecp256k1(
  load: () => Secp256k1Addon = () => require("secp256k1/bindings.js") as Secp256k1Addon,
): Secp256k1Addon {
  try {
    return load();
  } catch (cause) {
    throw new ExecutionError(
      ExecutionErrorCode.nativeCryptoUnavailable,
      "The native secp256k1 addon could not be loaded",
      {
        details: { platform: `${process.platform}-${process.arch}`, node: process.version },
        hint: "Rebuild it (npm rebuild secp256k1) or create the engine with { nativeCrypto: false }.",
        cause,
      },
    );
  }
}

/**
 * An `ecrecover` with the semantics of `@ethereumjs/util`'s: `v` is 0/1 (typed transactions), 27/28
 * (pre-EIP-155 and the precompile) or `35 + 2 * chainId + {0,1}` (EIP-155); it throws on a bad `v` or
 * a signature that recovers no key (r or s zero or not below the curve order).
 */
export function nativeEcrecover(addon: Secp256k1Addon): Ecrecover {
  return (msgHash, v, r, s, chainId) => {
    const recovery = v === 0n || v === 1n ? v : chainId === undefined ? v - 27n : v - (chainId * 2n + 35n);
    if (recovery !== 0n && recovery !== 1n) throw new Error("Invalid signature v value");
    if (r.length > 32 || s.length > 32 || msgHash.length !== 32) throw new Error("Invalid signature length");
    const signature = new Uint8Array(64);
    signature.set(r, 32 - r.length);
    signature.set(s, 64 - s.length);
    return addon.ecdsaRecover(signature, Number(recovery), msgHash, false).subarray(1);
  };
}
