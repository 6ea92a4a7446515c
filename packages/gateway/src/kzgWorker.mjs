// Worker thread of KzgWorker (kzg.ts): KZG commitments and proofs of blobs, through the native
// c-kzg library with the mainnet trusted setup (loaded here, once, off the gateway's event loop).
// Plain JavaScript: worker threads do not inherit the TypeScript loader the main thread runs with.
// Input: { id, op: "commit", blobs } or { id, op: "prove", blobs, commitments }, arrays of bytes.
// Output: { id, out } (one 48-byte value per blob) or { id, error } with the message.
import { createRequire } from "node:module";
import { parentPort } from "node:worker_threads";

const kzg = createRequire(import.meta.url)("c-kzg");
kzg.loadTrustedSetup(0);

parentPort.on("message", ({ id, op, blobs, commitments }) => {
  try {
    const out =
      op === "commit"
        ? blobs.map((blob) => kzg.blobToKzgCommitment(blob))
        : blobs.map((blob, i) => kzg.computeBlobKzgProof(blob, commitments[i]));
    parentPort.postMessage({ id, out });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
