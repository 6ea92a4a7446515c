import assert from "node:assert/strict";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { it } from "node:test";
import { JsonRpcBatcher, JsonRpcError } from "./rpc.ts";

async function serve(handler: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const bodies: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString();
      bodies.push(body);
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, bodies, close: () => new Promise((resolve) => server.close(resolve)) };
}

it("sends the calls of one event-loop turn as one batch and maps answers and errors by id", async () => {
  const node = await serve((_req, res, body) => {
    const calls = JSON.parse(body) as { id: number; method: string; params: unknown[] }[];
    const answers = calls
      .reverse()
      .map((call) =>
        call.method === "fail"
          ? { jsonrpc: "2.0", id: call.id, error: { code: -32000, message: "nonce too low" } }
          : { jsonrpc: "2.0", id: call.id, result: `${call.method}:${String(call.params[0])}` },
      );
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify(answers));
  });
  const rpc = new JsonRpcBatcher(node.url);
  try {
    const [a, b, c] = await Promise.allSettled([
      rpc.call("eth_getBalance", ["0xa"]),
      rpc.call("eth_getTransactionCount", ["0xb"]),
      rpc.call("fail", []),
    ]);
    assert.deepEqual(a, { status: "fulfilled", value: "eth_getBalance:0xa" });
    assert.deepEqual(b, { status: "fulfilled", value: "eth_getTransactionCount:0xb" });
    assert.ok(c.status === "rejected" && c.reason instanceof JsonRpcError && c.reason.code === -32000);
    assert.equal(node.bodies.length, 1);
    assert.equal(await rpc.call("eth_chainId", ["x"]), "eth_chainId:x");
    assert.equal(node.bodies.length, 2);
  } finally {
    rpc.close();
    await node.close();
  }
});

it("fails a batch on a non-JSON answer, a missing answer, a deadline, and refuses calls once closed", async () => {
  let mode = "garbage";
  const node = await serve((_req, res, body) => {
    if (mode === "garbage") res.end("<html>bad gateway</html>");
    else if (mode === "missing") res.end(JSON.stringify([]));
    else if (mode === "trickle") {
      // Headers and then a byte at a time, never finishing within the deadline.
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 20);
      res.on("close", () => clearInterval(timer));
    } else
      res.end(JSON.stringify((JSON.parse(body) as { id: number }[]).map((c) => ({ id: c.id, result: 1 }))));
  });
  const rpc = new JsonRpcBatcher(node.url, { timeoutMs: 300 });
  try {
    await assert.rejects(rpc.call("m", []), /not JSON/);
    mode = "missing";
    await assert.rejects(rpc.call("m", []), /no answer to m/);
    mode = "trickle";
    const started = performance.now();
    await assert.rejects(rpc.call("m", []), /timed out/);
    assert.ok(performance.now() - started < 2_000);
    mode = "ok";
    assert.equal(await rpc.call("m", []), 1);
  } finally {
    rpc.close();
    await node.close();
  }
  await assert.rejects(rpc.call("m", []), /closed/);
});
