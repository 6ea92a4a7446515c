import assert from "node:assert/strict";
import { test } from "node:test";
import { fromRlp, type Hex, keccak256 } from "viem";
import { BlockHeaderError, encodeBlockHeader, type RpcBlockHeader } from "./blockHeader.ts";

// Ethereum mainnet block 20785012 (Cancun: 20 fields), as debug_getRawHeader serves it.
const RAW_HEADER: Hex =
  "0xf9025ca06be050fe1f6c7ffe8f30a350250a9ecc08ff3c031d129f65e1c10e5119d7a28ba01dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d493479495222290dd7278aa3ddd389cc1e1d165cc4bafe5a0214389f55a96edbd4d5295a17ada4dbc68a3b276145bf824b060635f9905cefca087bb9183296ce9e3b7a3246f6d3a778b99a5d7daaba2174750707407c7297365a077c5d55d916e8abd4ca46cc769eb4b70b2693d25c8b67f3036a4a746fc512976b90100936ff6cbcd3707ce33a3e9fcf8b4ba995f7f0d23fedf7227548fefe25c19c8a878efed486844dc1942347a33dddb3fe703b5eadc8abe3cc43d9f1c72012f6132e7b4950acc4e1bed490f5eaab2e853b504b31dfb9e7d6cf8cae89d6c9ff0c6f3af0ce24e667c26f1c5cc78b791983eef172c1f6b80de7e2a1a627836b05ffc1a35683650b3c1e9e9bddf836e46eb4efc4d2a7dcba7e3defe7dbd8aceedbb93f263bf10ef5bb0fb1cf249d0c1ba9dddf3448fc4f5a6b3f3250ab9697089ad3f78119f203f2b3e7b1983198889c4fbd9347a33f93f9463dad70cf5ff6ff6b4e1867bfcb559e1c1bc2df2c5dedbf1244bb65f7cbc816bfeaad22f6fc8217a0516478084013d27748401c9c38084012a47bd8466ec2a6f8f6265617665726275696c642e6f7267a03417ec3f517a20587f89d4802cf478b2faea06b296b1637a8b87200c26433be1880000000000000000850505fd1914a08ae76a6bfb85b813966e007e021e8b4970c8cb02f8be771f5242b45f2e3946028302000083040000a04fa17978dd1135edb87244b53dbee105502454087c389d3638a6b2ac3bc6340c";
const BLOCK_HASH: Hex = "0x0fc7c840f5b4b451e99dc8adb0d475eab2ac7d36278d9601d7f4b2dd05e8022f";

/** The header as eth_getBlockByNumber serves it: quantities as minimal hex. */
function rpcHeader(raw: Hex): RpcBlockHeader {
  const f = fromRlp(raw, "hex") as Hex[];
  const q = (v: Hex | undefined) => `0x${BigInt(v === "0x" || v === undefined ? 0 : v).toString(16)}` as Hex;
  return {
    hash: keccak256(raw),
    parentHash: f[0]!,
    sha3Uncles: f[1]!,
    miner: f[2]!,
    stateRoot: f[3]!,
    transactionsRoot: f[4]!,
    receiptsRoot: f[5]!,
    logsBloom: f[6]!,
    difficulty: q(f[7]),
    number: q(f[8]),
    gasLimit: q(f[9]),
    gasUsed: q(f[10]),
    timestamp: q(f[11]),
    extraData: f[12]!,
    mixHash: f[13]!,
    nonce: f[14]!,
    baseFeePerGas: q(f[15]),
    withdrawalsRoot: f[16]!,
    blobGasUsed: q(f[17]),
    excessBlobGas: q(f[18]),
    parentBeaconBlockRoot: f[19]!,
  };
}

test("a mainnet header encodes to the bytes that hash to its block hash", () => {
  const block = rpcHeader(RAW_HEADER);
  assert.equal(block.number, "0x13d2774");
  assert.equal(block.difficulty, "0x0");
  assert.equal(encodeBlockHeader(block), RAW_HEADER);
  assert.equal(keccak256(RAW_HEADER), BLOCK_HASH);
});

test("fork fields stop at the first missing one; a wrong hash is caught", () => {
  const block = rpcHeader(RAW_HEADER);
  const london = { ...block, hash: null, withdrawalsRoot: undefined };
  assert.equal((fromRlp(encodeBlockHeader(london), "hex") as Hex[]).length, 16);
  assert.throws(() => encodeBlockHeader({ ...block, requestsHash: keccak256("0x") }), BlockHeaderError);
  assert.throws(() => encodeBlockHeader({ ...block, gasUsed: "0x1" }), BlockHeaderError);
});
