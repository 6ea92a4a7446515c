import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { GatewayApiError, type SignedCommitmentJson } from "@baton/clients";
import { createEthereumjsEngine } from "@baton/execution";
import {
  batonDomain,
  bundleHash,
  CommitmentKind,
  decodeCommitmentPayload,
  hashCommitment,
  parseCommitment,
  preconfRequestHash,
  recoverCommitmentSigner,
  ZERO_HASH,
} from "@baton/protocol";
import { type Hex, keccak256, parseEther } from "viem";
import {
  COMMITTER,
  GENESIS_TIME,
  GWEI,
  type Harness,
  L1_CHAIN_ID,
  ROLLUP_A,
  ROLLUP_B,
  refused,
  removeDir,
  request,
  rollupGenesis,
  SECONDS_PER_SLOT,
  SLASHER,
  signedTx,
  startHarness,
  USER_KEYS,
  USERS,
} from "./harness.ts";

const domain = batonDomain(L1_CHAIN_ID, SLASHER);

describe("gateway", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
    removeDir(h.dataDir);
  });

  it("promises an L1 inclusion: signed by the committer, payload = decoded commitment, durable, published", async () => {
    h.at(2, 100);
    const tx = await signedTx({ nonce: 0 });
    const body = request([tx]);
    const reply = await h.client.commitmentRequest(body);
    const commitment = decodeCommitmentPayload(reply.commitment.payload);
    assert.deepEqual(commitment, parseCommitment(reply.baton.commitment));
    assert.equal(commitment.targetSlot, 4n);
    assert.equal(commitment.chainId, L1_CHAIN_ID);
    assert.equal(commitment.kind, CommitmentKind.inclusion);
    assert.equal(commitment.txHash, keccak256(tx));
    assert.equal(commitment.beneficiary, USERS[0]?.address);
    assert.equal(commitment.requestHash, preconfRequestHash(body.commitment_type, body.payload, SLASHER));
    assert.equal(reply.commitment.request_hash, commitment.requestHash);
    assert.equal(await recoverCommitmentSigner(domain, commitment, reply.signature), COMMITTER);
    assert.equal(reply.baton.hash, hashCommitment(commitment));
    // Tip = priority fee * gas limit, at least the price.
    assert.equal(commitment.tip, 2n * GWEI * 21_000n);
    // Served again, identical, by request hash and by a duplicate request.
    assert.deepEqual(await h.client.commitmentResult(commitment.requestHash), reply);
    assert.deepEqual(await h.client.commitmentRequest(body), reply);
    // Forwarded to the L1 node.
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.ok(h.l1.sent.includes(tx));
  });

  it("keeps nonces continuous and balances covered given earlier promises", async () => {
    h.at(2, 200);
    await refused(
      h.client.commitmentRequest(request([await signedTx({ nonce: 0, value: 2n })])),
      "NONCE_TOO_LOW",
    );
    await refused(h.client.commitmentRequest(request([await signedTx({ nonce: 2 })])), "NONCE_GAP");
    await h.client.commitmentRequest(request([await signedTx({ nonce: 1 })]));
    // 10 ETH in the account; two promises took value + 21000 * 10 gwei each.
    await refused(
      h.client.commitmentRequest(request([await signedTx({ nonce: 2, value: parseEther("9.9999") })])),
      "INSUFFICIENT_BALANCE",
    );
    // Once the head shows the promised transactions mined, the promised costs are in the balance.
    h.l1.headValue = { ...h.l1.headValue, number: h.l1.headValue.number + 1n };
    h.l1.accounts.set(USERS[0]?.address.toLowerCase() as string, { nonce: 2n, balance: parseEther("9") });
    await h.client.commitmentRequest(request([await signedTx({ nonce: 2, value: parseEther("8.9") })]));
  });

  it("refuses fees below the projected base fee and tips below the price", async () => {
    h.at(2, 300);
    const key = USER_KEYS[1] as Hex;
    await refused(
      h.client.commitmentRequest(
        request([await signedTx({ key, maxFeePerGas: GWEI, maxPriorityFeePerGas: GWEI })]),
      ),
      "FEE_BELOW_BASE_FEE",
    );
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key, maxPriorityFeePerGas: 1n })])),
      "TIP_TOO_LOW",
    );
    const fee = await h.client.fee(request([await signedTx({ key })]));
    const quote = JSON.parse(Buffer.from(fee.payload.slice(2), "hex").toString("utf8"));
    assert.ok(BigInt(quote.minTip) > 0n);
    assert.equal(quote.targetSlot, "4");
    assert.ok(BigInt(quote.offeredTip) >= BigInt(quote.minTip));
  });

  it("promises rollup state: the result is what an independent engine computes", async () => {
    h.at(2, 400);
    const key = USER_KEYS[2] as Hex;
    const txs = [
      await signedTx({ key, chainId: ROLLUP_A, nonce: 0, value: 5n }),
      await signedTx({ key, chainId: ROLLUP_A, nonce: 1, value: 6n }),
    ];
    const first = await h.client.commitmentRequest(request([txs[0] as Hex], CommitmentKind.state));
    const second = await h.client.commitmentRequest(request([txs[1] as Hex], CommitmentKind.ordering));
    const c1 = parseCommitment(first.baton.commitment);
    const c2 = parseCommitment(second.baton.commitment);
    assert.equal(c1.kind, CommitmentKind.state);
    assert.equal(c1.chainId, ROLLUP_A);
    assert.equal(c1.position, 0n);
    assert.equal(c1.parent, ZERO_HASH);
    assert.equal(c2.position, 1n);
    assert.equal(c2.parent, first.baton.hash, "ordering commitments chain on their parent");
    // Re-execute with the documented rollup block rules.
    const engine = await createEthereumjsEngine(rollupGenesis(ROLLUP_A));
    const outcome = await engine.execute(txs[0] as Hex, {
      number: 1n,
      timestamp: BigInt(GENESIS_TIME + 4 * SECONDS_PER_SLOT),
      coinbase: COMMITTER,
      baseFeePerGas: GWEI,
      gasLimit: 30_000_000n,
      prevRandao: ZERO_HASH,
    });
    assert.equal(c1.postStateRoot, outcome.postStateRoot);
    assert.deepEqual(first.baton.result, {
      status: "success",
      gasUsed: "21000",
      postStateRoot: outcome.postStateRoot,
    });
    await engine.close();
    // Nonces on the rollup come from its pending state.
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key, chainId: ROLLUP_A, nonce: 1, value: 7n })])),
      "NONCE_TOO_LOW",
    );
  });

  it("promises a bundle across rollups atomically, or nothing", async () => {
    h.at(2, 500);
    const key = USER_KEYS[1] as Hex;
    const good = await signedTx({ key, chainId: ROLLUP_A, nonce: 0 });
    const bad = await signedTx({ key, chainId: ROLLUP_B, nonce: 5 });
    await refused(h.client.commitmentRequest(request([good, bad], CommitmentKind.bundle)), "NONCE_GAP");
    // The first leg was rolled back: the same transaction can still be promised.
    const other = await signedTx({ key, chainId: ROLLUP_B, nonce: 0 });
    const reply = await h.client.commitmentRequest(request([good, other], CommitmentKind.bundle));
    const bundle = parseCommitment(reply.baton.commitment);
    assert.equal(bundle.kind, CommitmentKind.bundle);
    assert.equal(
      bundle.txHash,
      bundleHash([
        { chainId: ROLLUP_A, txHash: keccak256(good) },
        { chainId: ROLLUP_B, txHash: keccak256(other) },
      ]),
    );
    const members = reply.baton.members as SignedCommitmentJson[];
    assert.equal(members.length, 2);
    for (const member of members) {
      const m = parseCommitment(member.baton.commitment);
      assert.equal(m.kind, CommitmentKind.ordering);
      assert.equal(await recoverCommitmentSigner(domain, m, member.signature), COMMITTER);
    }
    await refused(
      h.client.commitmentRequest(request([good, good], CommitmentKind.bundle)),
      "DUPLICATE_IN_BUNDLE",
    );
    await refused(h.client.commitmentRequest(request([good], CommitmentKind.inclusion)), "ALREADY_COMMITTED");
  });

  it("refuses outside its windows with the reason", async () => {
    h.at(5, 0);
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 0 })])),
      "NOT_OUR_WINDOW",
    );
    h.at(3, 1_800);
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 0 })])),
      "WINDOW_CLOSING",
    );
    h.at(9, 0);
    await refused(
      h.client.commitmentRequest(
        request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 0 })], 0, { slot: 40n }),
      ),
      "SLOT_NOT_SERVED",
    );
    h.at(20, 0);
    // Slot 21 onward: no entry left in epoch 0 but epoch 1 lists slot 40 (ours): served. The base
    // fee may rise 12.5% a block until slot 40: a 10 gwei cap is below that projection, 100 is not.
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 0 })])),
      "FEE_BELOW_BASE_FEE",
    );
    const reply = await h.client.commitmentRequest(
      request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 0, maxFeePerGas: 100n * GWEI })]),
    );
    assert.equal(reply.baton.commitment.targetSlot, "40");
    h.at(41, 0);
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 1 })])),
      "LOOKAHEAD_UNAVAILABLE",
    );
    h.lookahead.set(2n, []);
    h.lookahead.set(3n, []);
    await h.gateway.windows.refresh(70n);
    h.at(70, 0);
    await refused(
      h.client.commitmentRequest(request([await signedTx({ key: USER_KEYS[1] as Hex, nonce: 1 })])),
      "FALLBACK_WINDOW",
    );
  });
});

describe("gateway window capacity", () => {
  it("never promises more gas than the window's slots hold", async () => {
    // Window of slot 4 covers slots 0..4: 5 slots * 100,000 gas.
    const free = { quote: () => ({ minTip: 0n, breakdown: {} }), recordPromise: () => {} };
    const h = await startHarness({ l1GasPerSlot: 100_000n }, undefined, { pricing: free });
    try {
      h.at(2, 100);
      const key = USER_KEYS[0] as Hex;
      let promised = 0n;
      let nonce = 0;
      for (; nonce < 30; nonce++) {
        try {
          await h.client.commitmentRequest(
            request([
              await signedTx({ key, nonce, maxPriorityFeePerGas: 50n * GWEI, maxFeePerGas: 100n * GWEI }),
            ]),
          );
          promised += 21_000n;
        } catch (error) {
          assert.ok(error instanceof GatewayApiError);
          assert.equal(error.code, "WINDOW_FULL");
          break;
        }
      }
      assert.equal(promised, 21_000n * 23n, "23 transfers fit in 500,000 gas");
      assert.ok(promised <= 500_000n);
      // The next window is a fresh one.
      h.at(9, 0);
      await h.client.commitmentRequest(
        request([
          await signedTx({ key, nonce, maxPriorityFeePerGas: 50n * GWEI, maxFeePerGas: 100n * GWEI }),
        ]),
      );
    } finally {
      await h.close();
      removeDir(h.dataDir);
    }
  });
});
