import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import {
  DEVNET_LOAD_ACCOUNTS,
  Devnet,
  devnetRollupGenesis,
  LOAD_ACCOUNT_BALANCE,
  loadAccounts,
} from "@baton/devnet";
import { silentLogger } from "@baton/protocol";
import { descendants, processAlive } from "../support/processes.ts";

const BATON = new URL("../../packages/cli/bin/baton.js", import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), "baton-cli-test-"));
const started: ChildProcess[] = [];

after(() => {
  for (const child of started) child.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [BATON, ...args], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  started.push(child);
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = once(child, "exit").then(([code]) => code as number | null);
  return { child, exited, output: () => ({ stdout, stderr }) };
}

async function waitFor(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test("baton devnet --slots N --summary FILE runs N slots and writes the summary", async () => {
  const summary = join(dir, "summary.json");
  const run = baton([
    "devnet",
    "--slots",
    "4",
    "--slot-time",
    "1",
    "--validators",
    "16",
    "--miss-slots",
    "2",
    "--l1-port",
    "0",
    "--beacon-port",
    "0",
    "--summary",
    summary,
  ]);
  assert.equal(await run.exited, 0, run.output().stderr);
  const result = JSON.parse(readFileSync(summary, "utf8"));
  assert.equal(result.slots, 4);
  assert.equal(result.blocks, 3);
  assert.equal(result.missedSlots, 1);
  assert.equal(result.validators, 16);
  // The protocol is on by default: its addresses and rollups are in the summary.
  for (const name of ["registry", "lookahead", "inbox", "slasher"]) {
    assert.match(result.protocol[name], /^0x[0-9a-fA-F]{40}$/, name);
  }
  assert.deepEqual(result.protocol.rollups, [167001, 167002]);
  assert.equal(result.protocol.sequencers, 8);
  assert.match(run.output().stdout, /Contracts: +registry 0x/);
});

test("baton devnet --no-contracts runs the bare chain; the protocol flags set sequencers, rollups and committer", async () => {
  const bare = join(dir, "bare.json");
  const run = baton(
    ["devnet", "--no-contracts", "--slots", "2", "--slot-time", "1", "--validators", "8", "--l1-port", "0"],
    { BATON_BEACON_PORT: "0", BATON_SUMMARY: bare },
  );
  assert.equal(await run.exited, 0, run.output().stderr);
  assert.equal(JSON.parse(readFileSync(bare, "utf8")).protocol, null);

  const custom = join(dir, "custom.json");
  const committer = "0x000000000000000000000000000000000000c0de";
  const set = baton([
    "devnet",
    "--slots",
    "2",
    "--slot-time",
    "1",
    "--validators",
    "8",
    "--sequencers",
    "1,2,3",
    "--rollups",
    "7",
    "--committer",
    committer,
    "--l1-port",
    "0",
    "--beacon-port",
    "0",
    "--summary",
    custom,
  ]);
  assert.equal(await set.exited, 0, set.output().stderr);
  const result = JSON.parse(readFileSync(custom, "utf8"));
  assert.equal(result.protocol.sequencers, 3);
  assert.deepEqual(result.protocol.rollups, [7]);
  assert.equal(result.protocol.committer.toLowerCase(), committer);
});

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  test(`baton devnet shuts down cleanly on ${signal}, leaving no child process`, async () => {
    const run = baton(["devnet", "--slot-time", "1", "--l1-port", "0", "--beacon-port", "0"]);
    await waitFor(() => run.output().stdout.includes("Beacon API:"), 20_000, "the devnet to start");
    const children = descendants(run.child.pid!);
    assert.ok(children.length >= 1, "anvil runs as a child");
    const url = /Beacon API:\s+(\S+)/.exec(run.output().stdout)![1]!;
    const genesis = await fetch(`${url}/eth/v1/beacon/genesis`);
    assert.equal(genesis.status, 200);
    run.child.kill(signal);
    assert.equal(await run.exited, 0, run.output().stderr);
    await waitFor(() => children.every((pid) => !processAlive(pid)), 5_000, "children to exit");
  });
}

test("killing the CLI with SIGKILL still takes anvil down (watchdog)", async () => {
  const run = baton(["devnet", "--slot-time", "1", "--l1-port", "0", "--beacon-port", "0"]);
  await waitFor(() => run.output().stdout.includes("Beacon API:"), 20_000, "the devnet to start");
  const children = descendants(run.child.pid!);
  run.child.kill("SIGKILL");
  await run.exited;
  await waitFor(() => children.every((pid) => !processAlive(pid)), 8_000, "orphaned children to exit");
});

test("a bad flag value stops the CLI at start-up, naming the value and what is allowed", async () => {
  const cases: [string[], RegExp][] = [
    [["devnet", "--validators", "abc"], /--validators: "abc" \(allowed: an integer from 1 to 4096\)/],
    [["devnet", "--slot-time", "0"], /--slot-time: "0" \(allowed: an integer from 1 to 60\)/],
    [["devnet", "--log-level", "loud"], /--log-level: "loud" \(allowed: one of debug, info, warn, error\)/],
    [["devnet", "--no-such-flag"], /Unknown option '--no-such-flag'/],
    [["devnet", "--contracts", "--no-contracts"], /Conflicting flags: --contracts and --no-contracts/],
    [["devnet", "--rollups", "0"], /--rollups: "0" \(allowed: comma-separated integers from 1/],
    [
      ["devnet", "--validators", "4", "--sequencers", "4"],
      /sequencers: 4 \(allowed: an integer from 0 to 3\)/,
    ],
    [["devnet", "--committer", "0x12"], /committer: "0x12" \(allowed: a 20-byte hex address\)/],
    [["devnet", "--committer-key", "0x1234"], /committerKey: "<hidden>"/],
    [["launch"], /Unknown command: "launch"/],
  ];
  for (const [args, pattern] of cases) {
    const run = baton(args);
    assert.equal(await run.exited, 2, args.join(" "));
    assert.match(run.output().stderr, pattern);
  }
  const fromEnv = baton(["devnet"], { BATON_SLOTS: "-3" });
  assert.equal(await fromEnv.exited, 2);
  assert.match(fromEnv.output().stderr, /BATON_SLOTS: "-3"/);
  const badBoolean = baton(["devnet"], { BATON_CONTRACTS: "maybe" });
  assert.equal(await badBoolean.exited, 2);
  assert.match(badBoolean.output().stderr, /BATON_CONTRACTS: "maybe" \(allowed: true or false\)/);
});

test("baton rollup runs a node against an L1, serves eth_ JSON-RPC, and stops on SIGINT", async () => {
  const devnet = await Devnet.start(
    { secondsPerSlot: 1, l1Port: 0, beaconPort: 0, gateway: false, rollupNodes: false, load: 0 },
    { logger: silentLogger },
  );
  try {
    const chainId = devnet.rollups[0] as bigint;
    const accounts = loadAccounts(DEVNET_LOAD_ACCOUNTS);
    const genesis = devnetRollupGenesis(chainId, accounts);
    const genesisFile = join(dir, "genesis.json");
    writeFileSync(
      genesisFile,
      JSON.stringify(genesis, (_k, v) => (typeof v === "bigint" ? v.toString() : v)),
    );
    const protocol = devnet.protocol!;
    const run = baton([
      "rollup",
      "--l1-rpc",
      devnet.l1Url,
      "--inbox",
      protocol.inbox,
      "--slasher",
      protocol.slasher,
      "--bridge",
      protocol.bridges[chainId.toString()] as string,
      "--genesis",
      genesisFile,
      "--genesis-time",
      String(devnet.time.genesisTime),
      "--slot-time",
      "1",
      "--max-inactivity",
      String(devnet.bootstrap!.parameters.maxInactivity),
      "--data-dir",
      join(dir, "rollup"),
      "--port",
      "0",
    ]);
    await waitFor(() => /JSON-RPC: (\S+)/.test(run.output().stdout), 30_000, "the rollup node to serve");
    const url = /JSON-RPC: (\S+)/.exec(run.output().stdout)?.[1] as string;
    const call = async (method: string, params: unknown[]) => {
      const answer = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
      });
      return ((await answer.json()) as { result: string }).result;
    };
    assert.equal(BigInt(await call("eth_chainId", [])), chainId);
    assert.equal(
      BigInt(await call("eth_getBalance", [accounts[0]?.address, "latest"])),
      LOAD_ACCOUNT_BALANCE,
    );
    run.child.kill("SIGINT");
    assert.equal(await run.exited, 0);
    // A missing flag is a usage error naming it.
    const missing = baton(["rollup", "--l1-rpc", devnet.l1Url]);
    assert.equal(await missing.exited, 2);
    assert.match(missing.output().stderr, /Missing --genesis/);
  } finally {
    await devnet.stop();
  }
});
