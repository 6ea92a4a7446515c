// Measures how long the devnet takes to come up (Devnet.start until the L1 and the Beacon API both
// answer) and to stop, over a few runs. Prints a table, and with --json one JSON object last.
//   npm run bench:devnet -- [--runs N] [--json]
import { parseArgs } from "node:util";
import { Devnet } from "@baton/devnet";
import { silentLogger } from "@baton/protocol";

const { values } = parseArgs({
  options: { runs: { type: "string", default: "3" }, json: { type: "boolean" } },
});
const runs = Number(values.runs);
const up: number[] = [];
const down: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const devnet = await Devnet.start(
    { l1Port: 0, beaconPort: 0, secondsPerSlot: 1 },
    { logger: silentLogger },
  );
  const [l1, beacon] = await Promise.all([
    fetch(devnet.l1Url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_chainId", params: [] }),
    }),
    fetch(`${devnet.beaconApiUrl}/eth/v1/beacon/genesis`),
  ]);
  if (!l1.ok || !beacon.ok) throw new Error("devnet did not answer");
  up.push((performance.now() - t0) / 1000);
  const t1 = performance.now();
  await devnet.stop();
  down.push((performance.now() - t1) / 1000);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const result = {
  runs,
  upSecondsMedian: median(up),
  upSecondsMax: Math.max(...up),
  stopSecondsMedian: median(down),
};
console.log("run  up(s)   stop(s)");
for (const [i, u] of up.entries()) {
  console.log(`${String(i + 1).padEnd(4)} ${u.toFixed(3).padEnd(7)} ${down[i]!.toFixed(3)}`);
}
console.log(
  `median up ${result.upSecondsMedian.toFixed(3)} s (max ${result.upSecondsMax.toFixed(3)} s), target < 10 s`,
);
if (values.json) console.log(JSON.stringify(result));
