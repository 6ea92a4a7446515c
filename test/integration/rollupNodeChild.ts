// A rollup node in its own process, for the kill-and-restart test: options as JSON on argv (bigints
// as "123n"); prints "head <number>" whenever its derived head moves; runs until killed.
import { silentLogger } from "@baton/protocol";
import { fromJson, RollupNode, type RollupNodeOptions } from "@baton/rollup";

const options = fromJson<RollupNodeOptions>(process.argv[2] as string);
const node = await RollupNode.start(options, { logger: silentLogger });
let last = -1n;
setInterval(() => {
  if (node.head.number !== last) {
    last = node.head.number;
    process.stdout.write(`head ${last}\n`);
  }
}, 20);
