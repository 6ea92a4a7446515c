// Worker thread of RecoveryPool (recovery.ts): recovers the senders of a batch of signatures.
// Plain JavaScript: worker threads do not inherit the TypeScript loader the main thread runs with.
// Input: n records of 97 bytes (32-byte digest, 64-byte r || s, 1-byte y-parity). Output: n
// records of 21 bytes (1 when recovered, then the 20-byte address; 0 and zeros when not).
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { parentPort } from "node:worker_threads";

const require = createRequire(import.meta.url);
const secp256k1 = require("secp256k1");
// keccak256 through the native sponge of the `keccak` package, as @baton/protocol's keccak.ts does;
// where the addon cannot load, through the package's own pure-JS build.
let hash;
try {
  const keccakDir = dirname(require.resolve("keccak/package.json"));
  const KeccakState = createRequire(`${keccakDir}/bindings.js`)("node-gyp-build")(keccakDir);
  const state = new KeccakState();
  hash = (data) => {
    state.initialize(1088, 512);
    state.absorb(data);
    return state.squeeze(32);
  };
} catch {
  const createKeccakHash = require("keccak/js");
  hash = (data) => createKeccakHash("keccak256").update(data).digest();
}

parentPort.on("message", ({ id, jobs }) => {
  const count = jobs.length / 97;
  const out = new Uint8Array(count * 21);
  for (let i = 0; i < count; i++) {
    const at = i * 97;
    try {
      const key = secp256k1.ecdsaRecover(
        jobs.subarray(at + 32, at + 96),
        jobs[at + 96],
        jobs.subarray(at, at + 32),
        false,
      );
      out[i * 21] = 1;
      out.set(hash(Buffer.from(key.buffer, key.byteOffset + 1, 64)).subarray(12), i * 21 + 1);
    } catch {
      out[i * 21] = 0;
    }
  }
  parentPort.postMessage({ id, out }, [out.buffer]);
});
