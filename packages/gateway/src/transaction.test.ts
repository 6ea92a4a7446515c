import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { GatewayApiError } from "@baton/clients";
import { type BlockEnv, createEthereumjsEngine, ExecutionError } from "@baton/execution";
import {
  type Address,
  fromRlp,
  getAddress,
  type Hex,
  hexToBigInt,
  keccak256,
  parseTransaction,
  recoverTransactionAddress,
  serializeTransaction,
  type TransactionSerializable,
  toHex,
  toRlp,
  zeroAddress,
} from "viem";
import { privateKeyToAccount, sign } from "viem/accounts";
import { decodeTransaction, effectivePriorityFee, intrinsicGas } from "./transaction.ts";

const KEY: Hex = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a";
const account = privateKeyToAccount(KEY);
const CHAIN = 167_001;
const GWEI = 1_000_000_000n;
const TO: Address = "0x000000000000000000000000000000000000bEEF";
const N = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof GatewayApiError, String(error));
    return error.code;
  }
  return "ok";
}

/** A signed transaction with its signature replaced by `(r, s, yParity)`. */
function resigned(raw: Hex, r: bigint, s: bigint, yParity: number): Hex {
  const {
    r: _r,
    s: _s,
    v: _v,
    yParity: _y,
    ...unsigned
  } = parseTransaction(raw) as TransactionSerializable & {
    r?: Hex;
    s?: Hex;
    v?: bigint;
    yParity?: number;
  };
  const hex = (value: bigint) => `0x${value.toString(16).padStart(64, "0")}` as Hex;
  return serializeTransaction(unsigned, { r: hex(r), s: hex(s), yParity });
}

describe("decodeTransaction", () => {
  it("decodes legacy (EIP-155), EIP-2930, EIP-1559, blob and set-code transactions", async () => {
    const legacy = await account.signTransaction({
      type: "legacy",
      chainId: CHAIN,
      nonce: 7,
      gas: 50_000n,
      gasPrice: 3n * GWEI,
      to: TO,
      value: 9n,
      data: "0x00ff",
    });
    const d0 = decodeTransaction(legacy);
    assert.deepEqual(
      [d0.type, d0.chainId, d0.nonce, d0.gas, d0.value, d0.to, d0.maxFeePerGas, d0.maxPriorityFeePerGas],
      ["legacy", BigInt(CHAIN), 7n, 50_000n, 9n, TO, 3n * GWEI, 3n * GWEI],
    );
    assert.equal(d0.from, account.address.toLowerCase());
    assert.equal(d0.hash, keccak256(legacy));
    assert.equal(d0.raw, legacy);
    assert.equal(d0.size, (legacy.length - 2) / 2);
    assert.deepEqual(d0.touches, [TO], "a call with data touches its target");

    const accessList = [
      {
        address: "0x00000000000000000000000000000000000000aa" as Address,
        storageKeys: [toHex(1, { size: 32 })],
      },
    ];
    const d1 = decodeTransaction(
      await account.signTransaction({
        type: "eip2930",
        chainId: CHAIN,
        nonce: 0,
        gas: 30_000n,
        gasPrice: 2n * GWEI,
        to: TO,
        accessList,
      }),
    );
    assert.deepEqual([d1.type, d1.maxFeePerGas, d1.maxPriorityFeePerGas], ["eip2930", 2n * GWEI, 2n * GWEI]);
    assert.deepEqual(
      d1.touches,
      [getAddress("0x00000000000000000000000000000000000000aa")],
      "listed, not the plain transfer target",
    );
    assert.equal(d1.intrinsicGas, 21_000n + 2_400n + 1_900n);

    const d2 = decodeTransaction(
      await account.signTransaction({
        type: "eip1559",
        chainId: CHAIN,
        nonce: 1,
        gas: 21_000n,
        maxFeePerGas: 5n * GWEI,
        maxPriorityFeePerGas: GWEI,
        to: TO,
        value: 1n,
      }),
    );
    assert.deepEqual(
      [d2.type, d2.maxFeePerGas, d2.maxPriorityFeePerGas, d2.touches.length, d2.blobCount],
      ["eip1559", 5n * GWEI, GWEI, 0, 0],
    );

    const d3 = decodeTransaction(
      await account.signTransaction({
        type: "eip4844",
        chainId: CHAIN,
        nonce: 0,
        gas: 21_000n,
        maxFeePerGas: 5n * GWEI,
        maxPriorityFeePerGas: GWEI,
        maxFeePerBlobGas: 7n,
        to: TO,
        blobVersionedHashes: [`0x01${"00".repeat(31)}`, `0x01${"11".repeat(31)}`],
      }),
    );
    assert.deepEqual([d3.type, d3.blobCount, d3.maxFeePerBlobGas], ["eip4844", 2, 7n]);

    const authorization = await account.signAuthorization({ chainId: CHAIN, nonce: 1, contractAddress: TO });
    const d4 = decodeTransaction(
      await account.signTransaction({
        type: "eip7702",
        chainId: CHAIN,
        nonce: 0,
        gas: 100_000n,
        maxFeePerGas: 5n * GWEI,
        maxPriorityFeePerGas: GWEI,
        to: account.address,
        authorizationList: [authorization],
      }),
    );
    assert.deepEqual([d4.type, d4.intrinsicGas], ["eip7702", 21_000n + 25_000n]);
  });

  it("hashes a blob transaction in its network form (with blobs) as the transaction alone", async () => {
    const bare = await account.signTransaction({
      type: "eip4844",
      chainId: CHAIN,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 5n * GWEI,
      maxPriorityFeePerGas: GWEI,
      maxFeePerBlobGas: 7n,
      to: TO,
      blobVersionedHashes: [`0x01${"00".repeat(31)}`],
    });
    const { r, s, yParity, ...unsigned } = parseTransaction(bare) as TransactionSerializable & {
      r: Hex;
      s: Hex;
      yParity: number;
    };
    // Sidecar contents are not checked here (no KZG): only where they sit in the encoding matters.
    const sidecar = {
      blob: `0x${"01".repeat(131_072)}`,
      commitment: `0x${"02".repeat(48)}`,
      proof: `0x${"03".repeat(48)}`,
    } as const;
    const wrapped = serializeTransaction({ ...unsigned, sidecars: [sidecar] } as TransactionSerializable, {
      r,
      s,
      yParity,
    });
    assert.ok(wrapped.length > bare.length + 2 * 131_072);
    const decoded = decodeTransaction(wrapped);
    assert.equal(decoded.hash, keccak256(bare));
    assert.equal(decoded.raw, wrapped, "the network form is what goes to the L1 node");
    assert.equal(decoded.from, account.address.toLowerCase());
    assert.equal(decodeTransaction(bare).hash, keccak256(bare));
  });

  it("reads an omitted (zero) priority fee as zero, not as the fee cap", async () => {
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId: CHAIN,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 10n * GWEI,
      maxPriorityFeePerGas: 0n,
      to: TO,
    });
    const decoded = decodeTransaction(raw);
    assert.equal(decoded.maxPriorityFeePerGas, 0n);
    assert.equal(effectivePriorityFee(decoded, GWEI), 0n);
  });

  it("recovers the same sender as viem, for many keys and transactions", async () => {
    for (let i = 0; i < 40; i++) {
      const key = keccak256(toHex(`sender ${i}`));
      const signer = privateKeyToAccount(key);
      const base = { chainId: CHAIN + (i % 3), nonce: i, gas: 21_000n + BigInt(i), to: TO, value: BigInt(i) };
      const raw = await signer.signTransaction(
        i % 3 === 0
          ? { ...base, type: "legacy", gasPrice: GWEI + BigInt(i) }
          : i % 3 === 1
            ? { ...base, type: "eip2930", gasPrice: GWEI }
            : { ...base, type: "eip1559", maxFeePerGas: 2n * GWEI, maxPriorityFeePerGas: BigInt(i) },
      );
      const decoded = decodeTransaction(raw);
      assert.equal(
        decoded.from,
        (await recoverTransactionAddress({ serializedTransaction: raw as never })).toLowerCase(),
      );
      assert.equal(decoded.from, signer.address.toLowerCase());
    }
  });

  it("decodes EIP-1559 on its fast path exactly as viem does, field by field, on random transactions", async () => {
    for (let i = 0; i < 60; i++) {
      const h = (k: string) => keccak256(toHex(`${k} ${i}`));
      const signer = privateKeyToAccount(h("key"));
      const data =
        i % 4 === 0
          ? "0x"
          : (`0x${h("data")
              .slice(2)
              .repeat(i % 9)}${i % 2 ? "00" : ""}` as Hex);
      const accessList =
        i % 3 === 0
          ? []
          : Array.from({ length: i % 3 }, (_, k) => ({
              address: getAddress(h(`al${k}`).slice(0, 42)),
              storageKeys: Array.from({ length: (i + k) % 3 }, (_, j) => h(`key${k}.${j}`)),
            }));
      const raw = await signer.signTransaction({
        type: "eip1559",
        chainId: CHAIN + i * 1_000_003,
        nonce: i % 5 === 0 ? 0 : i * 1_234_567,
        gas: 21_000n + BigInt(i) * 100_000n,
        maxFeePerGas: BigInt(h("fee")) >> BigInt(i * 4),
        maxPriorityFeePerGas: i % 6 === 0 ? 0n : BigInt(h("fee")) >> BigInt(i * 4 + 1),
        value: i % 2 === 0 ? 0n : BigInt(h("value")) >> BigInt(i * 3),
        to: i % 7 === 3 ? undefined : getAddress(h("to").slice(0, 42)),
        data,
        accessList,
      });
      const decoded = decodeTransaction(raw);
      const parsed = parseTransaction(raw);
      assert.equal(decoded.hash, keccak256(raw));
      assert.equal(
        decoded.from,
        (await recoverTransactionAddress({ serializedTransaction: raw as never })).toLowerCase(),
      );
      assert.equal(decoded.chainId, BigInt(parsed.chainId ?? -1));
      assert.equal(decoded.nonce, BigInt(parsed.nonce ?? 0));
      assert.equal(decoded.gas, parsed.gas);
      assert.equal(decoded.value, parsed.value ?? 0n);
      assert.equal(decoded.maxFeePerGas, parsed.maxFeePerGas);
      assert.equal(decoded.maxPriorityFeePerGas, parsed.maxPriorityFeePerGas ?? 0n);
      assert.equal(decoded.to, parsed.to?.toLowerCase() ?? null);
      assert.equal(decoded.size, (raw.length - 2) / 2);
      const expectedGas = intrinsicGas({
        data: Buffer.from(data.slice(2), "hex"),
        isCreate: parsed.to === undefined || parsed.to === null,
        accessList,
        authorizations: 0,
      });
      assert.equal(decoded.intrinsicGas, expectedGas);
      const touches = new Set<string>();
      if (parsed.to && data !== "0x") touches.add(parsed.to.toLowerCase());
      for (const entry of accessList) touches.add(entry.address.toLowerCase());
      assert.deepEqual(decoded.touches, [...touches]);
    }
  });

  it("refuses EIP-1559 bytes that are not canonical RLP", async () => {
    const signed = await account.signTransaction({
      type: "eip1559",
      chainId: CHAIN,
      nonce: 7,
      gas: 21_000n,
      maxFeePerGas: GWEI,
      to: TO,
      data: "0x05",
    });
    const fields = fromRlp(`0x${signed.slice(4)}`) as (Hex | Hex[])[];
    // Each field's own encoding; a variant swaps one for a non-canonical encoding of the same value.
    const encoded = fields.map((f) => toRlp(f as Hex).slice(2));
    const list = (body: string) => {
      const n = body.length / 2;
      return n <= 55 ? `${(0xc0 + n).toString(16)}${body}` : `f8${n.toString(16).padStart(2, "0")}${body}`;
    };
    const variant = (index: number, encoding: string) =>
      `0x02${list(encoded.map((e, i) => (i === index ? encoding : e)).join(""))}` as Hex;
    assert.equal(`0x02${list(encoded.join(""))}`, signed);
    assert.equal(
      code(() => decodeTransaction(signed)),
      "ok",
    );
    assert.equal(encoded[1], "07");
    assert.equal(encoded[7], "05");
    const body = encoded.join("");
    for (const [raw, what] of [
      [variant(1, "8107"), "a single byte below 0x80 wrapped as a string"],
      [variant(1, "820007"), "an integer with a leading zero"],
      [variant(7, "8105"), "a one-byte data field wrapped"],
      [variant(0, `b803${(encoded[0] as string).slice(2)}`), "a long-form length for a short string"],
      [`0x02f900${(body.length / 2).toString(16)}${body}`, "a list length with a leading zero"],
      [`0x02f8${(body.length / 2 + 1).toString(16)}${body}`, "a list longer than its input"],
      [`${signed}00`, "trailing bytes"],
      [signed.slice(0, -1), "odd length"],
      [`${signed.slice(0, -2)}zz`, "not hex"],
    ] as const) {
      assert.equal(
        code(() => decodeTransaction(raw as Hex)),
        "TX_UNDECODABLE",
        what,
      );
    }
  });

  it("refuses signatures that are malleable, unprotected, out of range or recover no one", async () => {
    const raw = await account.signTransaction({
      type: "eip1559",
      chainId: CHAIN,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: 5n * GWEI,
      maxPriorityFeePerGas: GWEI,
      to: TO,
    });
    const parsed = parseTransaction(raw) as { r: Hex; s: Hex; yParity: number };
    const r = hexToBigInt(parsed.r);
    const s = hexToBigInt(parsed.s);
    assert.equal(
      code(() => decodeTransaction(raw)),
      "ok",
    );
    // (r, n - s) with the other parity is a valid signature of the same sender: refused (EIP-2).
    const high = resigned(raw, r, N - s, 1 - parsed.yParity);
    assert.equal(await recoverTransactionAddress({ serializedTransaction: high as never }), account.address);
    assert.equal(
      code(() => decodeTransaction(high)),
      "TX_BAD_SIGNATURE",
    );
    assert.equal(
      code(() => decodeTransaction(resigned(raw, 0n, s, parsed.yParity))),
      "TX_BAD_SIGNATURE",
    );
    assert.equal(
      code(() => decodeTransaction(resigned(raw, r, 0n, parsed.yParity))),
      "TX_BAD_SIGNATURE",
    );
    // r not the x of a curve point, or not below n: no sender.
    assert.equal(
      code(() => decodeTransaction(resigned(raw, N + 1n, s, parsed.yParity))),
      "TX_BAD_SIGNATURE",
    );
    assert.equal(
      code(() => decodeTransaction(resigned(raw, 5n, s, parsed.yParity))),
      "TX_BAD_SIGNATURE",
    );
    // Pre-EIP-155: v = 27/28, no chain id.
    const fields: Hex[] = ["0x", toHex(GWEI), toHex(21_000), TO, "0x01", "0x"];
    const signature = await sign({ hash: keccak256(toRlp(fields)), privateKey: KEY });
    const unprotected = toRlp([...fields, toHex(27 + (signature.yParity ?? 0)), signature.r, signature.s]);
    assert.equal(
      code(() => decodeTransaction(unprotected)),
      "TX_BAD_SIGNATURE",
    );
  });

  it("refuses what is not a signed transaction, byte for byte in canonical form", async () => {
    const unsigned = serializeTransaction({
      type: "eip1559",
      chainId: CHAIN,
      nonce: 0,
      gas: 21_000n,
      maxFeePerGas: GWEI,
      to: TO,
    });
    const signed = await account.signTransaction({
      type: "eip1559",
      chainId: CHAIN,
      gas: 21_000n,
      maxFeePerGas: GWEI,
      to: TO,
    });
    const legacy = await account.signTransaction({
      type: "legacy",
      chainId: CHAIN,
      nonce: 7,
      gas: 21_000n,
      gasPrice: GWEI,
      to: TO,
    });
    const fields = fromRlp(legacy) as Hex[];
    assert.equal(fields[0], "0x07");
    const nonMinimal = toRlp(["0x0007", ...fields.slice(1)]);
    assert.equal(
      code(() => decodeTransaction(legacy)),
      "ok",
    );
    for (const raw of [
      "0x",
      "0x02",
      "0xc0",
      "0x05c0",
      unsigned,
      signed.slice(0, -2),
      `0x7f${signed.slice(4)}`,
      // Bytes a node would not take as this transaction (viem's parser does): their hash is no
      // transaction's, so a promise for it could never be kept.
      `${signed}00`,
      `${signed}c0`,
      `${legacy}00`,
      nonMinimal,
    ]) {
      assert.equal(
        code(() => decodeTransaction(raw as Hex)),
        "TX_UNDECODABLE",
        raw.slice(0, 20),
      );
    }
  });
});

describe("intrinsicGas", () => {
  const call = (data: Hex, extra: Partial<Parameters<typeof intrinsicGas>[0]> = {}) =>
    intrinsicGas({
      data: Buffer.from(data.slice(2), "hex"),
      isCreate: false,
      accessList: [],
      authorizations: 0,
      ...extra,
    });

  it("follows the Prague rules: base, calldata tokens, the EIP-7623 floor, creation, access lists", () => {
    assert.equal(call("0x"), 21_000n);
    // Calldata alone always hits the floor: 10 gas per token instead of 4 (a non-zero byte is 4 tokens).
    assert.equal(call(`0x${"00".repeat(100)}`), 21_000n + 100n * 10n);
    assert.equal(call(`0x${"ff".repeat(100)}`), 21_000n + 400n * 10n);
    assert.equal(call("0x00ff00"), 21_000n + 6n * 10n);
    // Creation: 32,000 and 2 per init-code word, and the floor does not include them.
    assert.equal(call(`0x${"ff".repeat(100)}`, { isCreate: true }), 21_000n + 400n * 4n + 32_000n + 2n * 4n);
    assert.equal(call("0x", { isCreate: true }), 53_000n);
    // Access lists: 2,400 per address, 1,900 per key; the floor counts calldata only.
    const list = [{ storageKeys: [1, 2] }, { storageKeys: [] }];
    assert.equal(call("0xffff", { accessList: list }), 21_000n + 8n * 4n + 2n * 2_400n + 2n * 1_900n);
    assert.equal(call(`0x${"ff".repeat(2_000)}`, { accessList: list }), 21_000n + 8_000n * 10n);
    assert.equal(call("0x", { authorizations: 2 }), 71_000n);
  });

  it("is exactly what the execution engine requires", async () => {
    const engine = await createEthereumjsEngine({
      chainId: BigInt(CHAIN),
      alloc: { [account.address]: { balance: 10n ** 21n } },
      gasLimit: 30_000_000n,
      baseFeePerGas: GWEI,
    });
    const env: BlockEnv = {
      number: 1n,
      timestamp: 1_800_000_000n,
      coinbase: zeroAddress,
      baseFeePerGas: GWEI,
      gasLimit: 30_000_000n,
      prevRandao: `0x${"00".repeat(32)}`,
    };
    const shapes: {
      name: string;
      to: Address | null;
      data: Hex;
      accessList?: { address: Address; storageKeys: Hex[] }[];
    }[] = [
      { name: "transfer", to: TO, data: "0x" },
      { name: "zero calldata", to: TO, data: `0x${"00".repeat(333)}` },
      { name: "mixed calldata", to: TO, data: `0x${"00ff01".repeat(111)}` },
      { name: "creation", to: null, data: `0x${"60006000f3".repeat(41)}` },
      { name: "creation, all zero", to: null, data: `0x${"00".repeat(1_000)}` },
      {
        name: "access list",
        to: TO,
        data: "0x01",
        accessList: [{ address: TO, storageKeys: [toHex(1, { size: 32 }), toHex(2, { size: 32 })] }],
      },
    ];
    try {
      for (const shape of shapes) {
        const sign = (gas: bigint) =>
          account.signTransaction({
            type: "eip1559",
            chainId: CHAIN,
            nonce: 0,
            gas,
            maxFeePerGas: 2n * GWEI,
            maxPriorityFeePerGas: GWEI,
            to: shape.to ?? undefined,
            data: shape.data,
            accessList: shape.accessList,
          });
        const needed = decodeTransaction(await sign(100_000n)).intrinsicGas;
        await engine.checkpoint();
        await engine.execute(await sign(needed), env).catch((error: unknown) => {
          assert.fail(`${shape.name}: the engine refused gas = ${needed}: ${String(error)}`);
        });
        await engine.revert();
        await engine.checkpoint();
        const low = await engine.execute(await sign(needed - 1n), env).then(
          () => null,
          (error: unknown) => error,
        );
        await engine.revert();
        assert.ok(low instanceof ExecutionError, `${shape.name}: the engine took gas = ${needed - 1n}`);
        assert.equal(low.code, "EXECUTION_INTRINSIC_GAS_TOO_LOW", shape.name);
      }
    } finally {
      await engine.close();
    }
  });
});

describe("effectivePriorityFee", () => {
  it("is the priority fee, capped by what the fee cap leaves above the base fee", async () => {
    const decoded = (maxFeePerGas: bigint, maxPriorityFeePerGas: bigint) =>
      account
        .signTransaction({
          type: "eip1559",
          chainId: CHAIN,
          gas: 21_000n,
          maxFeePerGas,
          maxPriorityFeePerGas,
          to: TO,
        })
        .then(decodeTransaction);
    assert.equal(effectivePriorityFee(await decoded(10n * GWEI, 2n * GWEI), GWEI), 2n * GWEI);
    assert.equal(effectivePriorityFee(await decoded(10n * GWEI, 9n * GWEI), 2n * GWEI), 8n * GWEI);
    assert.equal(effectivePriorityFee(await decoded(10n * GWEI, 9n * GWEI), 11n * GWEI), 0n);
    const legacy = decodeTransaction(
      await account.signTransaction({
        type: "legacy",
        chainId: CHAIN,
        gas: 21_000n,
        gasPrice: 5n * GWEI,
        to: TO,
      }),
    );
    assert.equal(effectivePriorityFee(legacy, 3n * GWEI), 2n * GWEI);
  });
});
