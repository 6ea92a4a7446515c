import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { ANVIL_DEV_KEYS, Devnet } from "@baton/devnet";
import {
  blobCommitment,
  blobProof,
  commitmentVersionedHash,
  decodeBlobData,
  encodeBlobData,
  GAS_PER_BLOB,
  silentLogger,
} from "@baton/protocol";
import { ssz } from "@lodestar/types";
import {
  createPublicClient,
  createWalletClient,
  type Hex,
  hexToBytes,
  http,
  keccak256,
  parseGwei,
  toHex,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { processAlive } from "../support/processes.ts";

/**
 * Both blob transactions wait in the pool through the missed slots before `BLOB_SLOT` and land
 * together in its block; later slots are missed too, so `head` stays that block while the test reads
 * it. The margin is for anvil: it loads its KZG trusted setup on the first blob transaction (about
 * 2.5 s here) before it answers `eth_sendRawTransaction`.
 */
const BLOB_SLOT = 8;
const MISSED = Array.from({ length: BLOB_SLOT + 40 }, (_, i) => i + 1).filter((slot) => slot !== BLOB_SLOT);
const TO = "0x000000000000000000000000000000000000ba70";

/** Two payloads: the first takes two blobs, the second one. */
const dataA = toHex(Uint8Array.from({ length: 150_000 }, (_, i) => (i * 7 + 3) % 256));
const dataB = keccak256("0xba70");
const blobsA = encodeBlobData(dataA);
const blobsB = encodeBlobData(dataB);

let devnet: Devnet;
const txs: { hash: Hex; versionedHashes: readonly Hex[] }[] = [];

interface BlobsResponse {
  execution_optimistic: boolean;
  finalized: boolean;
  data: Hex[];
}

async function getJson<T>(path: string): Promise<T> {
  const res = await fetch(`${devnet.beaconApiUrl}${path}`);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

before(async () => {
  // The first use of c-kzg loads its trusted setup (about 2 s): before the devnet's clock runs.
  blobCommitment(blobsB[0]!);
  devnet = await Devnet.start(
    { contracts: false, validators: 8, secondsPerSlot: 1, l1Port: 0, beaconPort: 0, missSlots: MISSED },
    { logger: silentLogger },
  );
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  for (const [key, blobs] of [
    [ANVIL_DEV_KEYS[2], blobsA],
    [ANVIL_DEV_KEYS[4], blobsB],
  ] as const) {
    const wallet = createWalletClient({ account: privateKeyToAccount(key), transport: http(devnet.l1Url) });
    const hash = await wallet.sendTransaction({
      blobs,
      kzg: { blobToKzgCommitment: blobCommitment, computeBlobKzgProof: blobProof },
      maxFeePerBlobGas: parseGwei("1"),
      to: TO,
      chain: null,
    });
    const tx = await client.getTransaction({ hash });
    txs.push({ hash, versionedHashes: tx.blobVersionedHashes ?? [] });
  }
  const receipts = await Promise.all(
    txs.map(({ hash }) => client.waitForTransactionReceipt({ hash, pollingInterval: 200, timeout: 20_000 })),
  );
  for (const receipt of receipts) assert.equal(receipt.status, "success");
  assert.equal(receipts[0]!.blockNumber, receipts[1]!.blockNumber, "the blob transactions are in one block");
  await devnet.waitForSlot(BLOB_SLOT);
});

after(async () => {
  const pids = devnet?.childPids ?? [];
  await devnet?.stop();
  for (const pid of pids) assert.equal(processAlive(pid), false, `child ${pid} outlived the devnet`);
});

test("the beacon block of a blob block lists its commitments: the transactions' versioned hashes, in order", async () => {
  const block = await getJson<{ data: { message: { body: Record<string, unknown> } } }>(
    `/eth/v2/beacon/blocks/${BLOB_SLOT}`,
  );
  const body = block.data.message.body as {
    blob_kzg_commitments: Hex[];
    execution_payload: { block_number: string; blob_gas_used: string };
  };
  const expected = txs.flatMap((tx) => tx.versionedHashes);
  assert.equal(expected.length, 3);
  assert.deepEqual(
    body.blob_kzg_commitments.map((c) => commitmentVersionedHash(hexToBytes(c))),
    expected,
  );
  assert.equal(BigInt(body.execution_payload.blob_gas_used), 3n * GAS_PER_BLOB);
  const client = createPublicClient({ transport: http(devnet.l1Url) });
  const receipt = await client.getTransactionReceipt({ hash: txs[0]!.hash });
  assert.equal(BigInt(body.execution_payload.block_number), receipt.blockNumber);
});

test("GET /eth/v1/beacon/blobs serves the block's blobs by slot and head, as JSON and SSZ", async () => {
  const sent = [...blobsA, ...blobsB].map((blob) => toHex(blob));
  const bySlot = await getJson<BlobsResponse>(`/eth/v1/beacon/blobs/${BLOB_SLOT}`);
  assert.deepEqual(bySlot.data, sent);
  assert.equal(bySlot.execution_optimistic, false);
  assert.equal(bySlot.finalized, false);
  const blobs = bySlot.data.map((blob) => hexToBytes(blob));
  assert.equal(decodeBlobData(blobs.slice(0, 2)), dataA);
  assert.equal(decodeBlobData(blobs.slice(2)), dataB);

  assert.equal(devnet.chain.headSlot, BLOB_SLOT);
  assert.deepEqual((await getJson<BlobsResponse>("/eth/v1/beacon/blobs/head")).data, sent);
  const ssz_ = await fetch(`${devnet.beaconApiUrl}/eth/v1/beacon/blobs/head`, {
    headers: { Accept: "application/octet-stream" },
  });
  assert.equal(ssz_.status, 200);
  assert.equal(ssz_.headers.get("content-type"), "application/octet-stream");
  const decoded = ssz.deneb.Blobs.deserialize(new Uint8Array(await ssz_.arrayBuffer()));
  assert.deepEqual(
    decoded.map((blob) => toHex(blob)),
    sent,
  );
  // The genesis block has no blobs.
  assert.deepEqual((await getJson<BlobsResponse>("/eth/v1/beacon/blobs/genesis")).data, []);
});

test("versioned_hashes picks blobs across transactions, answered in block order", async () => {
  const [a0, a1] = txs[0]!.versionedHashes;
  const [b0] = txs[1]!.versionedHashes;
  const path = `/eth/v1/beacon/blobs/${BLOB_SLOT}`;
  const picked = await getJson<BlobsResponse>(`${path}?versioned_hashes=${b0}&versioned_hashes=${a1}`);
  assert.deepEqual(picked.data, [toHex(blobsA[1]!), toHex(blobsB[0]!)]);
  const comma = await getJson<BlobsResponse>(`${path}?versioned_hashes=${b0},${a0}`);
  assert.deepEqual(comma.data, [toHex(blobsA[0]!), toHex(blobsB[0]!)]);
});
