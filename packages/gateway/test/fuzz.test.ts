/**
 * Malformed requests from a fixed seed, interleaved with valid ones: every malformed request gets a
 * 4xx with a known code (never a 5xx, never a dropped connection), every valid one its commitment,
 * and the store ends consistent, holding exactly the commitments that were answered.
 */
import assert from "node:assert/strict";
import { connect } from "node:net";
import { after, before, describe, it } from "node:test";
import { type CommitmentRequestJson, GatewayErrorCodes, type SignedCommitmentJson } from "@baton/clients";
import { CommitmentKind, decodePreconfRequest, encodePreconfRequest } from "@baton/protocol";
import { type Address, bytesToHex, type Hex, keccak256, toHex, toRlp, zeroAddress } from "viem";
import {
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
} from "./harness.ts";
import {
  assertErrorResponse,
  type RawResponse,
  rawFetch,
  requestCountsByCode,
  signLegacy,
  signWith,
} from "./raw.ts";

const SEED = 0xba7011;
const MALFORMED = 3_200;
const VALID_EVERY = 40;
/** Malformed requests sent at once between two valid ones. */
const PARALLEL = 8;

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const bytes = (n: number) => bytesToHex(Uint8Array.from({ length: n }, () => int(256)));
  return { next, int, pick, bytes };
}
type Rng = ReturnType<typeof prng>;

const PATH = "/commitments/v0/gateway/commitmentRequest";
const FEE_PATH = "/commitments/v0/gateway/fee";

interface Case {
  readonly kind: string;
  readonly path: string;
  readonly init: RequestInit;
}

const post = (text: string, type = "application/json"): RequestInit => ({
  method: "POST",
  headers: { "content-type": type },
  body: text,
});

function randomJsonValue(rng: Rng, depth = 0): unknown {
  switch (rng.int(depth > 2 ? 7 : 9)) {
    case 0:
      return null;
    case 1:
      return rng.next() < 0.5;
    case 2:
      return rng.pick([0, -1, 1.5, 2 ** 53, -(2 ** 63), 1e308, 5e-324, Number.MAX_SAFE_INTEGER, 3, 4, 255]);
    case 3:
      return rng.pick(["", "0x", "0x0", "0xzz", "ü", "😀", "\u0000", "0".repeat(300), "true", "[]"]);
    case 4:
      return rng.bytes(rng.int(40));
    case 5:
      return `0x${"ab".repeat(rng.int(200))}`;
    case 6:
      return SLASHER.toUpperCase();
    case 7:
      return Array.from({ length: rng.int(4) }, () => randomJsonValue(rng, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: rng.int(4) }, (_, i) => [`k${i}`, randomJsonValue(rng, depth + 1)]),
      );
  }
}

/** A character replacing `original`: never the same value in another case (that is the same request). */
function replacement(rng: Rng, original: string): string {
  const alphabet = '0123456789abcdefABCDEFxyz"{}[]:,\\ \n\u00e9\u{1F600}-+.e';
  for (;;) {
    const c = rng.pick([...alphabet]);
    if (c.toLowerCase() !== original.toLowerCase()) return c;
  }
}

/** A deeply nested array, e.g. `[[[[...]]]]`. */
const nested = (depth: number) => `${"[".repeat(depth)}${"]".repeat(depth)}`;

/** One malformed request, built from `template` (a request whose transactions are all promised already). */
async function malformed(rng: Rng, template: CommitmentRequestJson): Promise<Case> {
  const text = JSON.stringify(template);
  const generator = rng.int(16);
  // A quote is no promise: the fee route prices a valid request for promised transactions too, so it
  // only gets the requests that cannot be valid.
  const path = rng.next() < 0.2 && ![4, 6, 8, 15].includes(generator) ? FEE_PATH : PATH;
  const fields = ["commitment_type", "payload", "slasher"] as const;
  switch (generator) {
    case 0: {
      // A field of the wrong type.
      const field = rng.pick(fields);
      let value = randomJsonValue(rng);
      if (
        field === "commitment_type" &&
        typeof value === "number" &&
        Number.isSafeInteger(value) &&
        value >= 0
      ) {
        value = String(value);
      }
      return { kind: "wrong type", path, init: post(JSON.stringify({ ...template, [field]: value })) };
    }
    case 1: {
      const body: Record<string, unknown> = { ...template };
      delete body[rng.pick(fields)];
      if (rng.next() < 0.3) delete body[rng.pick(fields)];
      return { kind: "missing field", path, init: post(JSON.stringify(body)) };
    }
    case 2: {
      const key = rng.pick([
        "extra",
        "Payload",
        "commitmentType",
        "",
        "ü",
        "__proto__",
        "constructor",
        "slot",
      ]);
      const body = `{${JSON.stringify(key)}:${JSON.stringify(randomJsonValue(rng))},${text.slice(1)}`;
      return { kind: "extra field", path, init: post(body) };
    }
    case 3:
      return { kind: "truncated", path, init: post(text.slice(0, rng.int(text.length))) };
    case 4: {
      // Garbled: a few characters replaced (a hex digit, a quote, a brace...).
      const chars = [...text];
      for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
        const at = rng.int(chars.length);
        chars[at] = replacement(rng, chars[at] as string);
      }
      return { kind: "garbled", path, init: post(chars.join("")) };
    }
    case 5:
      return {
        kind: "random hex payload",
        path,
        init: post(JSON.stringify({ ...template, payload: rng.bytes(rng.int(400)) })),
      };
    case 6: {
      // The template's payload with random bytes overwritten (offsets, lengths, slot, beneficiary, tx).
      const bytes = [...Buffer.from(template.payload.slice(2), "hex")];
      for (let i = 0, n = 1 + rng.int(4); i < n; i++) {
        const at = rng.int(bytes.length);
        bytes[at] = ((bytes[at] as number) + 1 + rng.int(255)) % 256;
      }
      const payload = bytesToHex(Uint8Array.from(bytes));
      return { kind: "ABI random bytes", path, init: post(JSON.stringify({ ...template, payload })) };
    }
    case 7: {
      // Well-formed ABI, random transaction bytes (typed envelopes, RLP lists, nothing).
      const raw = rng.pick([
        () => rng.bytes(rng.int(200)),
        () => `0x0${1 + rng.int(4)}${rng.bytes(rng.int(150)).slice(2)}`,
        () => toRlp(Array.from({ length: rng.int(13) }, () => rng.bytes(rng.int(40)))),
        () => `0x02${toRlp(Array.from({ length: 12 }, () => rng.bytes(rng.int(33)))).slice(2)}`,
        () => "0x",
      ])() as Hex;
      const payload = encodePreconfRequest({ transactions: [raw], slot: 0n, beneficiary: zeroAddress });
      const body = { ...template, commitment_type: rng.pick([0, 1, 2]), payload };
      return { kind: "random tx bytes", path, init: post(JSON.stringify(body)) };
    }
    case 8: {
      // Signed transactions with extreme fields, from a key with no funds anywhere.
      const key = keccak256(toHex(`fuzz key ${rng.int(1_000)}`));
      const chainId = rng.pick([L1_CHAIN_ID, ROLLUP_A, ROLLUP_B]);
      const huge = [2n ** 64n - 1n, 2n ** 128n, 2n ** 256n - 1n, 0n, 1n];
      const raw = await rng.pick([
        () => signedTx({ key, chainId, gas: rng.pick([2n ** 63n, 2n ** 64n - 1n, 0n, 21_000n]) }),
        () => signedTx({ key, chainId, value: rng.pick(huge), maxFeePerGas: rng.pick(huge.slice(0, 3)) }),
        () => signedTx({ key, chainId, nonce: rng.pick([2 ** 40, Number.MAX_SAFE_INTEGER, 1]) }),
        () =>
          signWith(key, {
            type: "eip2930",
            chainId: Number(chainId),
            nonce: 0,
            gas: 21_000n,
            gasPrice: rng.pick(huge),
            to: zeroAddress,
            accessList: [{ address: zeroAddress, storageKeys: [keccak256("0x00")] }],
          }),
        () => signLegacy({ key, chainId: rng.pick([chainId, 2n ** 60n, 2n ** 64n - 1n, 1n]) }),
      ])();
      const kind = rng.pick([0, 1, 2]);
      const slot = rng.pick([0n, 4n, 2n ** 64n - 1n]);
      const beneficiary = rng.pick([zeroAddress, `0x${"ff".repeat(20)}` as Address]);
      const body = JSON.stringify({ ...request([raw], kind, { slot, beneficiary }) });
      return { kind: "extreme tx", path, init: post(body) };
    }
    case 9:
      return {
        kind: "huge number",
        path,
        init: post(
          path,
          text.replace(
            /"commitment_type":\d+/,
            `"commitment_type":${rng.pick(["1e400", "-1", "18446744073709551616", "9007199254740993", "1e-7", "NaN", "Infinity"])}`,
          ),
        ),
      };
    case 10: {
      const body = rng.pick([
        `{"commitment_type":0,"payload":"0x\u00e9\u00e9","slasher":"${SLASHER}"}`,
        `\ufeff${text}`,
        text.replace('"payload"', '"pay\u0000load"'),
        `{"commitment_type":0,"payload":"${template.payload}","slasher":"\u{1F600}"}`,
      ]);
      const bytes =
        rng.next() < 0.3 ? Buffer.concat([Buffer.from(body), Buffer.from([0xff, 0xfe, 0xc0])]) : body;
      return { kind: "unicode", path, init: { ...post(""), body: bytes } };
    }
    case 11:
      return {
        kind: "nested arrays",
        path,
        init: post(
          path,
          rng.pick([
            nested(1 + rng.int(5_000)),
            JSON.stringify({ ...template, payload: JSON.parse(nested(1 + rng.int(50))) }),
            `{"commitment_type":${nested(100)},"payload":"0x","slasher":"${SLASHER}"}`,
          ]),
        ),
      };
    case 12: {
      const type = rng.pick([
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "",
        "json",
        "application/xml",
        "APPLICATION/JSON",
      ]);
      return { kind: "content type", path, init: post(text, type) };
    }
    case 13: {
      const target = rng.pick([
        `/commitments/v0/gateway/commitmentResult/${rng.pick(["%ZZ", "%", "0x", rng.bytes(32), rng.bytes(31), `${rng.bytes(32)}%00`, "%E0%A4%A"])}`,
        `${PATH}/${rng.bytes(4)}`,
        "/commitments/v0/gateway/",
        `/baton/v0/gateway/batches?from=${rng.pick(["-1", "x", "1.5", "%ZZ", "9".repeat(30)])}`,
        `/baton/v0/gateway/batches?chain_id=${rng.pick(["", "0x1", "1e3"])}`,
      ]);
      const method = rng.pick(["GET", "POST", "PUT", "DELETE", "PATCH"]);
      return {
        kind: "path",
        path: target,
        init: method === "GET" || method === "DELETE" ? { method } : post(text),
      };
    }
    case 14:
      return { kind: "method", path, init: { method: rng.pick(["GET", "PUT", "DELETE", "OPTIONS"]) } };
    default: {
      // A valid encoding of a request with the promised transactions, under another kind, slot or
      // beneficiary: a new request hash, so refused (ALREADY_COMMITTED, KIND_NOT_OFFERED, ...).
      const original = decodePreconfRequest(template.payload);
      const body = request([...original.transactions], rng.pick([0, 1, 2, 3]), {
        slot: rng.pick([0n, 4n, 12n]),
        beneficiary: `0x${rng.bytes(20).slice(2)}` as Address,
      });
      return { kind: "promised again", path, init: post(JSON.stringify(body)) };
    }
  }
}

/** Requests whose target `fetch` would normalise: written on a socket as they are. */
const RAW_TARGETS = ["//", "http://[::1/x", "/commitments/v0/gateway/commitmentResult/%ZZ", "/%", "///baton"];

function rawHttp(port: number, target: string, method: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () =>
      socket.write(
        `${method} ${target} HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`,
      ),
    );
    let data = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      data += chunk;
    });
    socket.on("error", reject);
    socket.on("end", () => {
      const [head = "", body = ""] = data.split("\r\n\r\n");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0);
      const contentType = /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? "";
      resolve({ status, contentType, text: body });
    });
  });
}

describe("gateway fuzz", () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    h.at(2, 100);
  });
  after(async () => {
    await h.close();
    removeDir(h.dataDir);
  });

  it(`answers ${MALFORMED} malformed requests with a coded 4xx and stays consistent`, async () => {
    const rng = prng(SEED);
    const [KEY_0, KEY_1, KEY_2] = USER_KEYS as [Hex, Hex, Hex];
    const nonces = { l1: 0, a: 0, b: 0 };
    const committed = new Map<Hex, SignedCommitmentJson>();
    const templates: CommitmentRequestJson[] = [];
    const fee = { maxFeePerGas: 100n * GWEI, maxPriorityFeePerGas: 3n * GWEI };
    let validCount = 0;
    const valid = async () => {
      let body: CommitmentRequestJson;
      switch (validCount++ % 4) {
        case 0:
          body = request([await signedTx({ key: KEY_0, nonce: nonces.l1++, ...fee })]);
          break;
        case 1:
          body = request(
            [await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: nonces.a++, ...fee })],
            CommitmentKind.ordering,
          );
          break;
        case 2:
          body = request(
            [await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce: nonces.b++, ...fee })],
            CommitmentKind.state,
          );
          break;
        default:
          body = request(
            [
              await signedTx({ key: KEY_1, chainId: ROLLUP_A, nonce: nonces.a++, ...fee }),
              await signedTx({ key: KEY_2, chainId: ROLLUP_B, nonce: nonces.b++, ...fee }),
            ],
            CommitmentKind.bundle,
          );
      }
      const reply = await h.client.commitmentRequest(body);
      committed.set(reply.commitment.request_hash, reply);
      templates.push(body);
    };

    await valid();
    const kinds = new Map<string, Map<string, number>>();
    let sent = 0;
    while (sent < MALFORMED) {
      const batch: Case[] = [];
      for (let i = 0; i < PARALLEL && sent + batch.length < MALFORMED; i++) {
        batch.push(await malformed(rng, rng.pick(templates)));
      }
      const answers = await Promise.all(
        batch.map((c) =>
          rawFetch(`${h.gateway.url}${c.path}`, c.init).catch((error: unknown) =>
            assert.fail(`${c.kind}: connection failed: ${String(error)} ${String((error as Error).cause)}`),
          ),
        ),
      );
      for (const [i, answer] of answers.entries()) {
        const c = batch[i] as Case;
        const what = `${c.kind} ${c.init.method} ${c.path} ${String(c.init.body).slice(0, 300)}`;
        assert.ok(
          answer.status >= 400 && answer.status < 500,
          `${answer.status} for ${what}: ${answer.text.slice(0, 200)}`,
        );
        const code = assertErrorResponse(answer);
        const byCode = kinds.get(c.kind) ?? new Map<string, number>();
        byCode.set(code, (byCode.get(code) ?? 0) + 1);
        kinds.set(c.kind, byCode);
      }
      sent += batch.length;
      if (Math.floor(sent / VALID_EVERY) > Math.floor((sent - batch.length) / VALID_EVERY)) await valid();
    }
    // Targets fetch would normalise, on a raw socket.
    const port = Number(new URL(h.gateway.url).port);
    for (const target of RAW_TARGETS) {
      for (const method of ["GET", "POST"]) {
        const answer = await rawHttp(port, target, method);
        assert.ok(answer.status >= 400 && answer.status < 500, `${answer.status} for ${method} ${target}`);
        assertErrorResponse(answer);
        sent += 1;
      }
    }

    // Every generator ran, and the answers were not all the same code.
    assert.equal(kinds.size, 16, [...kinds.keys()].join(", "));
    const codes = new Set([...kinds.values()].flatMap((m) => [...m.keys()]));
    assert.ok(codes.size >= 15, `codes seen: ${[...codes].join(", ")}`);
    for (const code of codes)
      assert.ok(GatewayErrorCodes[code as keyof typeof GatewayErrorCodes].status < 500);

    // Still serving; consistent; exactly the answered commitments stored; no 5xx ever counted.
    await valid();
    const counts = h.gateway.store.check();
    assert.equal(counts.commitments, committed.size);
    assert.equal(committed.size, validCount);
    assert.equal(counts.streamed, counts.commitments + counts.batches);
    for (const [requestHash, reply] of committed) {
      assert.deepEqual(JSON.parse(h.gateway.store.commitment(requestHash) ?? "null"), reply);
    }
    const metrics = await requestCountsByCode(h.gateway.url);
    assert.equal(metrics.get("INTERNAL") ?? 0, 0);
    const errors = [...metrics].filter(([code]) => code !== "OK").reduce((sum, [, n]) => sum + n, 0);
    assert.equal(errors, sent);
    assert.ok(sent >= 3_000);
  });
});
