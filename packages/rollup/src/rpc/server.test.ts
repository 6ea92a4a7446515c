/**
 * The JSON-RPC envelope over raw HTTP: every error code, malformed input, limits, batches, the
 * mapping of the reader's errors, and shutdown.
 */
import assert from "node:assert/strict";
import { Agent, request } from "node:http";
import { after, before, describe, it } from "node:test";
import { createLogger, silentLogger } from "@baton/protocol";
import type { Hex } from "viem";
import type { ChainReader } from "../chain/types.ts";
import { RollupError, RollupErrorCode } from "../errors.ts";
import { type RpcServer, startRpcServer } from "./server.ts";
import { CAROL, TestChain } from "./testChain.ts";

let chain: TestChain;
let server: RpcServer;
let failing: RpcServer;
const logged: string[] = [];

before(async () => {
  chain = await TestChain.create();
  await chain.mine([]);
  server = await startRpcServer({
    host: "127.0.0.1",
    port: 0,
    reader: chain,
    logger: silentLogger,
    maxBodyBytes: 10_000,
    maxBatch: 5,
  });
  // A reader whose receipts fail as a broken database would.
  const broken: ChainReader = Object.create(chain, {
    receipt: { value: async () => Promise.reject(new Error("disk on fire")) },
  });
  failing = await startRpcServer({
    host: "127.0.0.1",
    port: 0,
    reader: broken,
    logger: createLogger({ level: "error", format: "json", write: (line) => logged.push(line) }),
  });
});

after(async () => {
  await server?.close();
  await failing?.close();
  await chain?.close();
});

async function post(
  body: string,
  headers: Record<string, string> = { "content-type": "application/json" },
  url = server.url,
) {
  const response = await fetch(url, { method: "POST", body, headers });
  const text = await response.text();
  return { status: response.status, json: text === "" ? undefined : (JSON.parse(text) as unknown), text };
}

type Answer = {
  jsonrpc: string;
  id: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
};

async function rpc(method: string, params?: unknown, url = server.url): Promise<Answer> {
  const { json } = await post(JSON.stringify({ jsonrpc: "2.0", id: 7, method, params }), undefined, url);
  return json as Answer;
}

async function rpcError(method: string, params: unknown, code: number, message?: RegExp) {
  const answer = await rpc(method, params);
  assert.equal(answer.id, 7);
  assert.ok(
    answer.error,
    `expected an error from ${method}(${JSON.stringify(params)}), got ${JSON.stringify(answer)}`,
  );
  assert.equal(answer.error.code, code, answer.error.message);
  if (message) assert.match(answer.error.message, message);
  return answer.error;
}

describe("the envelope", () => {
  it("answers malformed JSON with -32700 and id null", async () => {
    for (const body of ["{", "not json", "", '{"jsonrpc":"2.0",', "\u0000"]) {
      const { status, json } = await post(body);
      assert.equal(status, 200);
      assert.deepEqual(json, {
        jsonrpc: "2.0",
        id: null,
        error: { code: -32700, message: "Parse error: body is not valid JSON" },
      });
    }
  });

  it("answers invalid request objects with -32600", async () => {
    const cases: [unknown, unknown][] = [
      [{ jsonrpc: "1.0", id: 1, method: "eth_chainId" }, 1],
      [{ id: 2, method: "eth_chainId" }, 2],
      [{ jsonrpc: "2.0", id: 3, method: 5 }, 3],
      [{ jsonrpc: "2.0", id: { x: 1 }, method: "eth_chainId" }, null],
      [42, null],
      ["eth_chainId", null],
      [null, null],
    ];
    for (const [body, id] of cases) {
      const { json } = await post(JSON.stringify(body));
      const answer = json as Answer;
      assert.equal(answer.error?.code, -32600, JSON.stringify(body));
      assert.equal(answer.id, id);
    }
  });

  it("answers an unknown method with -32601, including Object.prototype names", async () => {
    for (const method of ["eth_nope", "constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const error = await rpcError(method, [], -32601);
      assert.match(error.message, /does not exist/);
    }
  });

  it("refuses oversized bodies with 413, huge and empty batches with -32600", async () => {
    const big = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "eth_chainId",
      params: ["x".repeat(20_000)],
    });
    const tooBig = await post(big);
    assert.equal(tooBig.status, 413);
    assert.equal((tooBig.json as Answer).error?.code, -32600);
    const batch = Array.from({ length: 6 }, (_, id) => ({ jsonrpc: "2.0", id, method: "eth_chainId" }));
    const huge = await post(JSON.stringify(batch));
    assert.equal(huge.status, 200);
    assert.equal((huge.json as Answer).error?.code, -32600);
    assert.match((huge.json as Answer).error?.message ?? "", /Batch too large \(limit 5/);
    assert.equal(((await post("[]")).json as Answer).error?.code, -32600);
  });

  it("answers a batch item by item, leaves out notifications, and answers all-notifications with 204", async () => {
    const { json } = await post(
      JSON.stringify([
        { jsonrpc: "2.0", id: "a", method: "eth_chainId" },
        { jsonrpc: "2.0", method: "eth_chainId" },
        { jsonrpc: "2.0", id: "b", method: "eth_nope" },
        7,
        { jsonrpc: "2.0", id: "c", method: "eth_getBalance", params: ["0x12"] },
      ]),
    );
    const answers = json as Answer[];
    assert.equal(answers.length, 4);
    assert.deepEqual(answers[0], { jsonrpc: "2.0", id: "a", result: "0x67932" });
    assert.equal(answers[1]?.error?.code, -32601);
    assert.equal(answers[2]?.error?.code, -32600);
    assert.equal(answers[3]?.error?.code, -32602);
    const none = await post(JSON.stringify([{ jsonrpc: "2.0", method: "eth_chainId" }]));
    assert.equal(none.status, 204);
    assert.equal(none.text, "");
  });

  it("is lenient on content-type but refuses non-JSON types, and serves only POST", async () => {
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
    for (const type of ["application/json; charset=utf-8", "text/plain", "application/jsonrequest+json"])
      assert.equal(((await post(body, { "content-type": type })).json as Answer).result, "0x67932", type);
    assert.equal(((await post(body, {})).json as Answer).result, "0x67932");
    const html = await post(body, { "content-type": "text/html" });
    assert.equal(html.status, 415);
    assert.equal((html.json as Answer).error?.code, -32600);
    const get = await fetch(server.url);
    assert.equal(get.status, 405);
    const options = await fetch(server.url, { method: "OPTIONS" });
    assert.equal(options.status, 204);
    assert.equal(options.headers.get("access-control-allow-origin"), "*");
  });

  it("survives odd payloads and still answers", async () => {
    const odd = [
      "[".repeat(5_000),
      `${"[".repeat(1_000)}${"]".repeat(1_000)}`,
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_call", params: [null] }),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getLogs", params: [{ topics: [[[]]] }] }),
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getBalance", params: [CAROL, { blockHash: 1 }] }),
      '{"jsonrpc":"2.0","id":1,"method":"eth_feeHistory","params":["0x1","latest",[1e400]]}',
      JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_getStorageAt", params: [CAROL, {}, "latest"] }),
      '{"jsonrpc":"2.0","id":1,"method":"eth_chainId","__proto__":{"polluted":1}}',
      '{"jsonrpc":"2.0","id":1e400,"method":"eth_chainId"}',
    ];
    for (const body of odd) {
      const { status } = await post(body);
      assert.ok(status === 200 || status === 413, body.slice(0, 40));
    }
    assert.equal((await rpc("eth_chainId")).result, "0x67932");
  });
});

describe("parameters", () => {
  it("refuses bad params with -32602 naming the parameter", async () => {
    const cases: [string, unknown, RegExp][] = [
      ["eth_getBalance", ["0x12"], /address must be a 20-byte hex address/],
      ["eth_getBalance", [CAROL, "0x01"], /block must be a block tag/],
      ["eth_getBalance", [CAROL, "newest"], /block must be a block tag/],
      [
        "eth_getBalance",
        [CAROL, { blockNumber: "0x1", blockHash: `0x${"00".repeat(32)}` }],
        /both blockHash and blockNumber/,
      ],
      ["eth_getBalance", [CAROL, { blockHash: "0x12" }], /block\.blockHash must be a 32-byte hex hash/],
      ["eth_getBalance", [], /missing value for required argument 0/],
      ["eth_getBalance", [CAROL, "latest", 1], /too many arguments, want at most 2/],
      ["eth_getBalance", { address: CAROL }, /params must be an array/],
      ["eth_getTransactionByHash", ["0x1234"], /hash must be a 32-byte hex hash/],
      ["eth_getBlockByNumber", ["0x0", "yes"], /fullTransactions must be true or false/],
      [
        "eth_getBlockByNumber",
        [{ blockNumber: "0x0" }, false],
        /block must be a block tag or a hex block number/,
      ],
      ["eth_call", [{ to: CAROL, data: "0x123" }], /transaction\.data must be hex bytes/],
      [
        "eth_call",
        [{ to: CAROL, value: "0x00" }],
        /transaction\.value must be a hex quantity without leading zeros/,
      ],
      ["eth_call", [{ to: CAROL, data: "0x12", input: "0x34" }], /both data and input/],
      [
        "eth_call",
        [{ to: CAROL }, "latest", { [CAROL]: { balance: "0x1" } }],
        /state overrides are not supported/,
      ],
      ["eth_estimateGas", [{ to: CAROL, gasPrice: "0x1", maxFeePerGas: "0x1" }], /both gasPrice and/],
      ["eth_sendRawTransaction", ["0x"], /transaction must not be empty/],
      ["eth_sendRawTransaction", ["0xzz"], /transaction must be hex bytes/],
      ["eth_getLogs", [{ fromBlock: "0x2", toBlock: "0x1" }], /fromBlock is after filter\.toBlock/],
      [
        "eth_getLogs",
        [{ blockHash: `0x${"00".repeat(32)}`, fromBlock: "0x1" }],
        /blockHash cannot be combined/,
      ],
      ["eth_getLogs", [{ address: ["0x12"] }], /filter\.address\[0\] must be a 20-byte hex address/],
      ["eth_getLogs", [{ topics: [null, "0x12"] }], /filter\.topics\[1\] must be a 32-byte hex hash/],
      ["eth_getLogs", [{ topics: [null, null, null, null, null] }], /more than 4 positions/],
      ["eth_feeHistory", ["0x1", "latest", [50, 10]], /increasing order/],
      ["eth_feeHistory", ["0x1", "latest", [101]], /rewardPercentiles\[0\] must be a number from 0 to 100/],
      ["eth_getStorageAt", [CAROL, `0x${"0".repeat(65)}`], /slot must be hex of at most 32 bytes/],
      ["eth_chainId", [1], /too many arguments, want at most 0/],
    ];
    for (const [method, params, message] of cases) await rpcError(method, params, -32602, message);
  });
});

describe("reader errors", () => {
  it("answers a missing block with -32000 header not found, and a pruned state as unavailable", async () => {
    await rpcError("eth_getBalance", [CAROL, "0x3e8"], -32000, /^header not found$/);
    await rpcError(
      "eth_call",
      [{ to: CAROL }, { blockHash: `0x${"11".repeat(32)}`, requireCanonical: true }],
      -32000,
      /header not found/,
    );
    assert.equal((await rpc("eth_getBlockByHash", [`0x${"11".repeat(32)}`, false])).result, null);
    await rpcError("eth_feeHistory", ["0x2", "0x3e8"], -32000, /beyond head block/);
    await rpcError("eth_getLogs", [{ blockHash: `0x${"11".repeat(32)}` }], -32000, /unknown block/);
  });

  it("refuses a call or an estimate sending more than the sender holds, and an estimate it cannot afford", async () => {
    const send = { from: CAROL, to: CAROL, value: "0x1" };
    await rpcError("eth_call", [send], -32000, /^insufficient funds for transfer$/);
    await rpcError("eth_estimateGas", [send], -32000, /^insufficient funds for transfer$/);
    await rpcError(
      "eth_estimateGas",
      [{ from: CAROL, to: CAROL, gasPrice: "0x1" }],
      -32000,
      /gas required exceeds allowance \(0\)/,
    );
    await rpcError("eth_call", [{ to: CAROL, data: "0xff", gas: "0x5208" }], -32000, /intrinsic gas too low/);
  });

  it("maps GATEWAY_REFUSED to -32000 with the gateway's code, GATEWAY_UNAVAILABLE to -32002", async () => {
    chain.onSend = async () => {
      throw new RollupError(RollupErrorCode.gatewayRefused, "Nonce was already used or promised", {
        details: { gatewayCode: "NONCE_TOO_LOW" },
      });
    };
    try {
      const error = await rpcError(
        "eth_sendRawTransaction",
        ["0x02c0"],
        -32000,
        /^nonce too low: Nonce was already used/,
      );
      assert.deepEqual(error.data, { gatewayCode: "NONCE_TOO_LOW" });
      chain.onSend = async () => {
        throw new RollupError(RollupErrorCode.gatewayUnavailable, "No gateway");
      };
      await rpcError("eth_sendRawTransaction", ["0x02c0"], -32002, /gateway unavailable/);
      chain.onSend = async (raw: Hex) => `0x${raw.slice(2).padStart(64, "0")}`;
      assert.equal((await rpc("eth_sendRawTransaction", ["0x02c0"])).result, `0x${"02c0".padStart(64, "0")}`);
    } finally {
      chain.onSend = undefined;
    }
  });

  it("maps LOG_RANGE_TOO_LARGE to -32005 limit exceeded", async () => {
    chain.maxLogRange = 1n;
    try {
      const error = await rpcError(
        "eth_getLogs",
        [{ fromBlock: "earliest", toBlock: "latest" }],
        -32005,
        /Limit exceeded/,
      );
      assert.deepEqual(error.data, { limit: "0x1" });
    } finally {
      chain.maxLogRange = 1_000n;
    }
  });

  it("answers a reader failure with -32603, without its message, and logs it", async () => {
    const answer = await rpc("eth_getTransactionReceipt", [`0x${"11".repeat(32)}`], failing.url);
    assert.deepEqual(answer.error, { code: -32603, message: "Internal error" });
    assert.equal(logged.length, 1);
    assert.match(logged[0] ?? "", /"method":"eth_getTransactionReceipt".*disk on fire/);
  });
});

describe("shutdown", () => {
  it("close() ends idle keep-alive sockets at once and stops accepting", async () => {
    const own = await startRpcServer({ host: "127.0.0.1", port: 0, reader: chain, logger: silentLogger });
    const agent = new Agent({ keepAlive: true });
    let socketClosed = false;
    const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId" });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        own.url,
        { method: "POST", agent, headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          res.on("end", resolve);
        },
      );
      req.on("socket", (socket) =>
        socket.on("close", () => {
          socketClosed = true;
        }),
      );
      req.on("error", reject);
      req.end(body);
    });
    const started = Date.now();
    await own.close();
    assert.ok(Date.now() - started < 2_000, "close waited on a keep-alive socket");
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(socketClosed, true);
    await assert.rejects(fetch(own.url, { method: "POST", body }));
    agent.destroy();
  });
});
