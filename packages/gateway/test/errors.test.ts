/**
 * Every code of `GatewayErrorCodes` is answered to at least one request, with the status of the
 * code table and a `{code, message}` JSON body, and counted under its code in `/metrics`. The last
 * test fails when a code is added without a request here that produces it.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  type CommitmentRequestJson,
  GatewayApiError,
  type GatewayErrorCode,
  GatewayErrorCodes,
  type GatewayRouteId,
  type RouteInput,
} from "@baton/clients";
import { CommitmentKind } from "@baton/protocol";
import { fromRlp, type Hex, keccak256, parseEther, serializeTransaction, toRlp, zeroAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { CurvePricing, type PriceInput, type PricingPolicy } from "../src/pricing.ts";
import {
  defaultWorld,
  GWEI,
  type Harness,
  L1_CHAIN_ID,
  ROLLUP_A,
  ROLLUP_B,
  removeDir,
  request,
  SLASHER,
  signedTx,
  startHarness,
  USER_KEYS,
  USERS,
} from "./harness.ts";
import {
  assertErrorResponse,
  type RawResponse,
  rawCall,
  rawFetch,
  requestCountsByCode,
  signLegacy,
  signWith,
  withHighS,
} from "./raw.ts";

const [KEY_0, KEY_1, KEY_2] = USER_KEYS as [Hex, Hex, Hex];
/** The L1 window is small here (5M gas), so 21,000 gas is a larger share of it and costs more. */
const L1_TIP = 5n * GWEI;
const PATH = "/commitments/v0/gateway/commitmentRequest";

/** Codes seen in this file, over every gateway. */
const observed = new Set<GatewayErrorCode>();

/** One gateway and the error answers expected of it, to compare with its `/metrics`. */
class Target {
  readonly expected = new Map<string, number>();
  constructor(readonly h: Harness) {}

  get url(): string {
    return this.h.gateway.url;
  }

  record(code: GatewayErrorCode): void {
    observed.add(code);
    this.expected.set(code, (this.expected.get(code) ?? 0) + 1);
  }

  /** A raw request expected to fail with `code`. */
  async raw(code: GatewayErrorCode, path: string, init: RequestInit = {}): Promise<RawResponse> {
    const response = await rawFetch(`${this.url}${path}`, init);
    assertErrorResponse(response, code);
    this.record(code);
    return response;
  }

  /** A route call expected to fail with `code`: raw (status and body checked), then through the client. */
  async call<Id extends GatewayRouteId>(
    code: GatewayErrorCode,
    id: Id,
    input: RouteInput<Id>,
  ): Promise<void> {
    assertErrorResponse(await rawCall(this.url, id, input), code);
    this.record(code);
    const client = this.h.client[id] as (input: RouteInput<Id>) => Promise<unknown>;
    const error = await client(input).then(
      () => assert.fail(`client: expected ${code}`),
      (e: unknown) => e,
    );
    assert.ok(error instanceof GatewayApiError, String(error));
    assert.equal(error.code, code, error.message);
    assert.equal(error.status, GatewayErrorCodes[code].status);
    this.record(code);
  }

  /** A commitment request expected to fail with `code`. */
  refuse(code: GatewayErrorCode, body: CommitmentRequestJson): Promise<void> {
    return this.call(code, "commitmentRequest", body);
  }

  /** Asserts `/metrics` counts exactly the expected error answers, by code. */
  async checkMetrics(): Promise<void> {
    const counts = await requestCountsByCode(this.url);
    for (const [code, count] of this.expected)
      assert.equal(counts.get(code) ?? 0, count, `metric of ${code}`);
    for (const [code, count] of counts) {
      if (code !== "OK") assert.equal(this.expected.get(code) ?? 0, count, `unexpected metric of ${code}`);
    }
  }
}

/** A JSON POST of `text` as it is. */
const json = (text: string): RequestInit => ({
  method: "POST",
  headers: { "content-type": "application/json" },
  body: text,
});

/** A pricing policy that can be told to throw (a bug in a pluggable policy must answer INTERNAL). */
class SwitchablePricing implements PricingPolicy {
  readonly curve = new CurvePricing();
  fail = false;
  quote(input: PriceInput) {
    if (this.fail) throw new Error("pricing failed");
    return this.curve.quote(input);
  }
  recordPromise(input: PriceInput): void {
    this.curve.recordPromise(input);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

describe("gateway error codes", () => {
  const pricing = new SwitchablePricing();
  let t: Target;
  /** Set once the last test began closing the gateway; `after` releases and awaits it. */
  let closing: Promise<void> | null = null;
  const hold = deferred();

  before(async () => {
    // 1M L1 gas per slot: the window of slot 4 (slots 0..4) holds 5M.
    t = new Target(await startHarness({ l1GasPerSlot: 1_000_000n }, undefined, { pricing }));
    t.h.at(2, 100);
  });
  after(async () => {
    hold.resolve();
    await (closing ?? t.h.close());
    removeDir(t.h.dataDir);
  });

  it("answers the HTTP envelope's errors", async () => {
    await t.raw("ROUTE_NOT_FOUND", "/nope");
    await t.raw("ROUTE_NOT_FOUND", "/commitments/v0/gateway/nothing", json("{}"));
    await t.raw("ROUTE_NOT_FOUND", `${PATH}/extra`, json("{}"));
    await t.raw("METHOD_NOT_ALLOWED", PATH);
    await t.raw("METHOD_NOT_ALLOWED", "/baton/v0/health", { method: "DELETE" });
    await t.raw("METHOD_NOT_ALLOWED", "/commitments/v0/gateway/slots", json("{}"));
    const valid = JSON.stringify(request([await signedTx()]));
    await t.raw("UNSUPPORTED_MEDIA_TYPE", PATH, { method: "POST", body: valid });
    await t.raw("UNSUPPORTED_MEDIA_TYPE", PATH, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: valid,
    });
    await t.raw("UNSUPPORTED_MEDIA_TYPE", "/commitments/v0/gateway/fee", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "a=b",
    });
    // Over `maxBodyBytes` (1 MiB): with a declared length, and streamed (chunked, no length).
    const limit = t.h.gateway.options.maxBodyBytes;
    await t.raw("BODY_TOO_LARGE", PATH, json(" ".repeat(limit + 1)));
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(limit / 16).fill(0x20));
        controller.close();
      },
    });
    await t.raw("BODY_TOO_LARGE", PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: chunks,
      duplex: "half",
    } as RequestInit);
    const proto = `{"__proto__":{"a":1},"commitment_type":0,"payload":"0x","slasher":"${SLASHER}"}`;
    await t.raw("INVALID_REQUEST", PATH, json(proto));
    for (const text of ["", "{", '{"commitment_type":0,', "nul", "[1,]", "{'a':1}", "\u0000"]) {
      await t.raw("MALFORMED_JSON", PATH, json(text));
    }
    await t.raw("MALFORMED_JSON", "/commitments/v0/gateway/fee", json("}"));
    // Schema: unknown, missing and mistyped fields, and bodies that are not objects.
    const body = request([await signedTx()]);
    const schemaFailures: unknown[] = [
      { ...body, extra: 1 },
      { ...body, __proto__x: 1 },
      { commitment_type: 0, payload: body.payload },
      { commitment_type: 0, slasher: SLASHER },
      { payload: body.payload, slasher: SLASHER },
      { ...body, commitment_type: "0" },
      { ...body, commitment_type: -1 },
      { ...body, commitment_type: 1.5 },
      { ...body, commitment_type: 2 ** 53 },
      { ...body, commitment_type: null },
      { ...body, payload: "0x1" },
      { ...body, payload: "1234" },
      { ...body, payload: 5 },
      { ...body, payload: ["0x"] },
      { ...body, slasher: "0x12" },
      { ...body, slasher: 7 },
      { ...body, slasher: { a: 1 } },
      [body],
      null,
      "body",
      42,
    ];
    for (const invalid of schemaFailures) await t.raw("INVALID_REQUEST", PATH, json(JSON.stringify(invalid)));
    await t.raw(
      "INVALID_REQUEST",
      "/commitments/v0/gateway/fee",
      json(JSON.stringify({ ...body, extra: true })),
    );
    await t.raw("INVALID_REQUEST", "/commitments/v0/gateway/commitmentResult/0x1234");
    await t.raw("INVALID_REQUEST", `/commitments/v0/gateway/commitmentResult/0x${"zz".repeat(32)}`);
    // A path parameter that is not valid percent-encoding (decodeURIComponent would throw).
    await t.raw("INVALID_REQUEST", "/commitments/v0/gateway/commitmentResult/%ZZ");
    await t.raw("INVALID_REQUEST", "/commitments/v0/gateway/commitmentResult/%E0%A4%A");
    await t.raw("INVALID_REQUEST", "/baton/v0/gateway/batches?from=abc");
    await t.raw("INVALID_REQUEST", "/baton/v0/gateway/batches?chain_id=-1");
    await t.raw("INVALID_REQUEST", `/baton/v0/gateway/batches?from=${"9".repeat(21)}`);
  });

  it("answers request errors", async () => {
    const tx = await signedTx({ key: KEY_0, nonce: 0 });
    await t.refuse(
      "WRONG_SLASHER",
      request([tx], 0, { slasher: "0x000000000000000000000000000000000000a11d" }),
    );
    await t.call("WRONG_SLASHER", "fee", request([tx], 0, { slasher: zeroAddress }));
    await t.refuse("UNKNOWN_KIND", request([tx], 4));
    await t.refuse("UNKNOWN_KIND", request([tx], 2 ** 40));
    await t.call("UNKNOWN_KIND", "fee", request([tx], 77));
    const payload = (body: CommitmentRequestJson, hex: Hex): CommitmentRequestJson => ({
      ...body,
      payload: hex,
    });
    await t.refuse("PAYLOAD_UNDECODABLE", payload(request([tx]), "0x"));
    await t.refuse("PAYLOAD_UNDECODABLE", payload(request([tx]), "0x1234"));
    await t.refuse("PAYLOAD_UNDECODABLE", payload(request([tx]), `${request([tx]).payload}00`));
    await t.refuse("PAYLOAD_UNDECODABLE", payload(request([tx]), request([tx]).payload.slice(0, -64) as Hex));
    await t.refuse("WRONG_TRANSACTION_COUNT", request([]));
    await t.refuse("WRONG_TRANSACTION_COUNT", request([tx, await signedTx({ key: KEY_0, nonce: 1 })]));
    await t.refuse("WRONG_TRANSACTION_COUNT", request([tx], CommitmentKind.bundle));
    const nine = await Promise.all(
      Array.from({ length: 9 }, (_, i) => signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: i })),
    );
    await t.refuse("WRONG_TRANSACTION_COUNT", request(nine, CommitmentKind.bundle));
    // L1 transactions get inclusion promises only; rollups take no set-code transactions.
    await t.refuse("KIND_NOT_OFFERED", request([tx], CommitmentKind.ordering));
    await t.refuse("KIND_NOT_OFFERED", request([tx], CommitmentKind.state));
    await t.refuse(
      "KIND_NOT_OFFERED",
      request([await signedTx({ key: KEY_1, chainId: ROLLUP_A }), tx], CommitmentKind.bundle),
    );
    const account = privateKeyToAccount(KEY_1);
    const authorization = await account.signAuthorization({
      chainId: Number(ROLLUP_A),
      nonce: 1,
      contractAddress: "0x000000000000000000000000000000000000beef",
    });
    const setCode = await account.signTransaction({
      type: "eip7702",
      chainId: Number(ROLLUP_A),
      nonce: 0,
      gas: 100_000n,
      to: account.address,
      maxFeePerGas: 10n * GWEI,
      maxPriorityFeePerGas: 2n * GWEI,
      authorizationList: [authorization],
    });
    await t.refuse("KIND_NOT_OFFERED", request([setCode], CommitmentKind.ordering));
  });

  it("answers transaction errors", async () => {
    await t.refuse("TX_UNDECODABLE", request(["0x"]));
    await t.refuse("TX_UNDECODABLE", request(["0x02"]));
    await t.refuse("TX_UNDECODABLE", request([`0x${"ab".repeat(100)}`]));
    await t.refuse("TX_UNDECODABLE", request([(await signedTx()).slice(0, -10) as Hex]));
    const unsigned = serializeTransaction({
      type: "eip1559",
      chainId: Number(L1_CHAIN_ID),
      nonce: 0,
      gas: 21_000n,
      to: zeroAddress,
      maxFeePerGas: 10n * GWEI,
      maxPriorityFeePerGas: GWEI,
    });
    await t.refuse("TX_UNDECODABLE", request([unsigned]));
    // A signed transaction with trailing bytes: its hash is no transaction's, so it cannot be promised.
    await t.refuse("TX_UNDECODABLE", request([`${await signedTx({ key: KEY_0, nonce: 0 })}00`]));
    await t.refuse("TX_UNDECODABLE", request([`${await signLegacy({ chainId: ROLLUP_A })}c0`]));
    await t.refuse("TX_UNDECODABLE", request([await signLegacy({ chainId: 0n })]));
    // Malleable (high-s) signatures of each type, a pre-EIP-155 legacy transaction, a bad v.
    await t.refuse("TX_BAD_SIGNATURE", request([withHighS(await signedTx({ key: KEY_0, nonce: 0 }))]));
    await t.refuse("TX_BAD_SIGNATURE", request([withHighS(await signLegacy({ chainId: L1_CHAIN_ID }))]));
    await t.refuse(
      "TX_BAD_SIGNATURE",
      request([
        withHighS(
          await signWith(KEY_0, {
            type: "eip2930",
            chainId: Number(ROLLUP_A),
            nonce: 0,
            gas: 21_000n,
            gasPrice: 10n * GWEI,
            to: zeroAddress,
          }),
        ),
      ]),
    );
    await t.refuse("TX_BAD_SIGNATURE", request([await signLegacy({ chainId: null })]));
    // v = 30, neither 27/28 nor EIP-155: not a legacy transaction at all.
    const fields = fromRlp(await signLegacy({ chainId: L1_CHAIN_ID })) as Hex[];
    fields[6] = "0x1e";
    await t.refuse("TX_UNDECODABLE", request([toRlp(fields)]));
    await t.refuse("TX_UNKNOWN_CHAIN", request([await signedTx({ chainId: 999n })]));
    await t.refuse("TX_UNKNOWN_CHAIN", request([await signLegacy({ key: KEY_1, chainId: 5n })]));
    // 140,000 bytes of calldata, over `maxTxBytes` (128 KiB), under `maxBodyBytes`.
    const big = `0x${"01".repeat(140_000)}` as Hex;
    await t.refuse("TX_TOO_LARGE", request([await signedTx({ gas: 6_000_000n, data: big })]));
    // Blobs: none on a rollup; at most `l1BlobsPerSlot` (6) on L1.
    const blobTx = (chainId: bigint, count: number) =>
      signWith(KEY_1, {
        type: "eip4844",
        chainId: Number(chainId),
        nonce: 0,
        gas: 21_000n,
        to: "0x000000000000000000000000000000000000beef",
        maxFeePerGas: 10n * GWEI,
        maxPriorityFeePerGas: 2n * GWEI,
        maxFeePerBlobGas: GWEI,
        blobVersionedHashes: Array.from(
          { length: count },
          (_, i) => `0x01${i.toString(16).padStart(62, "0")}` as Hex,
        ),
      });
    await t.refuse("TX_BLOB_LIMIT", request([await blobTx(ROLLUP_A, 1)]));
    await t.refuse("TX_BLOB_LIMIT", request([await blobTx(ROLLUP_B, 1)], CommitmentKind.state));
    await t.refuse("TX_BLOB_LIMIT", request([await blobTx(L1_CHAIN_ID, 7)]));
    // Intrinsic gas: a transfer needs 21,000; 1,000 non-zero calldata bytes need the EIP-7623 floor.
    await t.refuse("TX_INTRINSIC_GAS", request([await signedTx({ gas: 20_999n })]));
    const calldata = `0x${"ff".repeat(1000)}` as Hex;
    await t.refuse("TX_INTRINSIC_GAS", request([await signedTx({ gas: 21_000n + 16_000n, data: calldata })]));
    await t.refuse("TX_INTRINSIC_GAS", request([await signedTx({ gas: 52_999n, to: null })]));
    await t.refuse("TX_GAS_TOO_HIGH", request([await signedTx({ gas: 16_777_217n })]));
    await t.refuse("TX_GAS_TOO_HIGH", request([await signedTx({ chainId: ROLLUP_A, gas: 30_000_001n })]));
  });

  it("answers errors against promised state and price", async () => {
    // L1: user 0 promises nonce 0; then too low, a gap, more than the balance.
    const first = request([await signedTx({ key: KEY_0, nonce: 0, maxPriorityFeePerGas: L1_TIP })]);
    const reply = await t.h.client.commitmentRequest(first);
    await t.refuse("NONCE_TOO_LOW", request([await signedTx({ key: KEY_0, nonce: 0, value: 2n })]));
    await t.refuse("NONCE_GAP", request([await signedTx({ key: KEY_0, nonce: 2 })]));
    await t.refuse(
      "INSUFFICIENT_BALANCE",
      request([await signedTx({ key: KEY_0, nonce: 1, value: parseEther("10") })]),
    );
    // Rollup: the pending state decides.
    await t.h.client.commitmentRequest(
      request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 0 })], CommitmentKind.ordering),
    );
    await t.refuse(
      "NONCE_TOO_LOW",
      request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 0, value: 9n })], CommitmentKind.state),
    );
    await t.refuse("NONCE_GAP", request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 3 })]));
    await t.refuse(
      "INSUFFICIENT_BALANCE",
      request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 1, value: parseEther("200") })]),
    );
    await t.refuse(
      "FEE_BELOW_BASE_FEE",
      request([await signedTx({ key: KEY_0, nonce: 1, maxFeePerGas: GWEI, maxPriorityFeePerGas: GWEI })]),
    );
    await t.refuse(
      "FEE_BELOW_BASE_FEE",
      request([
        await signedTx({ key: KEY_1, chainId: ROLLUP_B, maxFeePerGas: GWEI - 1n, maxPriorityFeePerGas: 1n }),
      ]),
    );
    await t.refuse(
      "TIP_TOO_LOW",
      request([await signedTx({ key: KEY_0, nonce: 1, maxPriorityFeePerGas: 1n })]),
    );
    await t.refuse(
      "TIP_TOO_LOW",
      request([await signedTx({ key: KEY_0, nonce: 1, maxPriorityFeePerGas: 0n })]),
    );
    const leg = await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce: 0 });
    await t.refuse("DUPLICATE_IN_BUNDLE", request([leg, leg], CommitmentKind.bundle));
    // The promised transaction under another request (another beneficiary, another kind).
    const promisedTx = await signedTx({ key: KEY_0, nonce: 0, maxPriorityFeePerGas: L1_TIP });
    await t.refuse("ALREADY_COMMITTED", request([promisedTx], 0, { beneficiary: USERS[2]?.address }));
    await t.refuse("ALREADY_COMMITTED", request([promisedTx], 0, { slot: 4n }));
    // The same request again is not an error: the stored reply.
    assert.deepEqual(await t.h.client.commitmentRequest(first), reply);
    // EIP-3860: init code over 49,152 bytes is invalid on the rollup (only the engine checks it).
    const initCode = `0x${"00".repeat(49_153)}` as Hex;
    await t.refuse(
      "EXECUTION_INVALID",
      request([
        await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 0, to: null, data: initCode, gas: 600_000n }),
      ]),
    );
    // WINDOW_FULL: 6M gas, more than the window's 5M of L1 gas.
    await t.refuse("WINDOW_FULL", request([await signedTx({ key: KEY_0, nonce: 1, gas: 6_000_000n })]));
    // A rollup's window holds 5 slots * 15M gas: three 20M-gas promises fit, a fourth does not.
    for (const nonce of [0, 1, 2]) {
      await t.h.client.commitmentRequest(
        request([await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce, gas: 20_000_000n })]),
      );
    }
    await t.refuse(
      "WINDOW_FULL",
      request([await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce: 3, gas: 20_000_000n })]),
    );
    await t.call("COMMITMENT_NOT_FOUND", "commitmentResult", keccak256("0x01"));
    assert.deepEqual(await t.h.client.commitmentResult(reply.commitment.request_hash), reply);
  });

  it("answers INTERNAL when a pricing policy throws, and keeps serving", async () => {
    pricing.fail = true;
    const body = request([await signedTx({ key: KEY_0, nonce: 1, maxPriorityFeePerGas: L1_TIP })]);
    await t.refuse("INTERNAL", body);
    await t.call("INTERNAL", "fee", body);
    pricing.fail = false;
    const reply = await t.h.client.commitmentRequest(body);
    assert.equal(
      reply.baton.commitment.txHash,
      keccak256(await signedTx({ key: KEY_0, nonce: 1, maxPriorityFeePerGas: L1_TIP })),
    );
  });

  it("answers window errors", async () => {
    const body = async (nonce: number, slot?: bigint) =>
      request([await signedTx({ key: KEY_1, nonce, maxFeePerGas: 100n * GWEI })], 0, { slot: slot ?? 0n });
    t.h.at(5, 0);
    await t.refuse("NOT_OUR_WINDOW", await body(0));
    await t.call("NOT_OUR_WINDOW", "fee", await body(0));
    t.h.at(3, 1_800);
    await t.refuse("WINDOW_CLOSING", await body(0));
    t.h.at(2, 0);
    await t.refuse("SLOT_NOT_SERVED", await body(0, 12n));
    t.h.at(9, 0);
    await t.refuse("SLOT_NOT_SERVED", await body(0, 40n));
    await t.refuse("SLOT_NOT_SERVED", await body(0, 2n ** 63n));
    t.h.at(41, 0);
    await t.refuse("LOOKAHEAD_UNAVAILABLE", await body(0));
    await t.call("LOOKAHEAD_UNAVAILABLE", "fee", await body(0));
    t.h.lookahead.set(2n, []);
    t.h.lookahead.set(3n, []);
    await t.h.gateway.windows.refresh(70n);
    t.h.at(70, 0);
    await t.refuse("FALLBACK_WINDOW", await body(0));
  });

  it("answers SHUTTING_DOWN once shutdown began, and finishes the request under way", async () => {
    t.h.at(9, 100);
    // Hold the decision section, so that a request is under way when shutdown begins.
    const held = t.h.gateway.sequencer.exclusive(() => hold.promise);
    const sequencer = t.h.gateway.sequencer;
    const entered = deferred();
    const original = sequencer.request.bind(sequencer);
    sequencer.request = (body) => {
      entered.resolve();
      return original(body);
    };
    const inFlight = t.h.client.commitmentRequest(
      request([await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: 1 })], CommitmentKind.ordering),
    );
    await entered.promise;
    await new Promise((resolve) => setImmediate(resolve));
    closing = t.h.gateway.close();
    const late = request([await signedTx({ key: KEY_2, chainId: ROLLUP_A, nonce: 0 })]);
    await t.refuse("SHUTTING_DOWN", late);
    await t.call("SHUTTING_DOWN", "commitmentResult", keccak256("0x02"));
    // The main gateway's metrics, before its server goes.
    await t.checkMetrics();
    hold.resolve();
    await held;
    const reply = await inFlight;
    assert.equal(reply.baton.commitment.targetSlot, "12");
    await closing;
  });
});

describe("gateway error codes: overload", () => {
  it("answers OVERLOADED when more requests wait than `maxPending`", async () => {
    const world = defaultWorld();
    const t = new Target(await startHarness({ maxPending: 0 }, world));
    try {
      t.h.at(2, 100);
      await t.refuse("OVERLOADED", request([await signedTx({ key: KEY_0, nonce: 0 })]));
      await t.refuse(
        "OVERLOADED",
        request([await signedTx({ key: KEY_1, chainId: ROLLUP_A })], CommitmentKind.state),
      );
      // Checks that need no decision still answer their own code.
      await t.refuse("TX_UNKNOWN_CHAIN", request([await signedTx({ chainId: 5n })]));
      await t.checkMetrics();
      assert.equal(t.h.gateway.store.check().commitments, 0);
    } finally {
      await t.h.close();
      removeDir(world.dataDir);
    }
  });
});

describe("gateway error codes: coverage", () => {
  it("every code of GatewayErrorCodes was answered above", () => {
    const missing = Object.keys(GatewayErrorCodes).filter((code) => !observed.has(code as GatewayErrorCode));
    assert.deepEqual(missing, [], `codes without a test: ${missing.join(", ")}`);
  });
});
