/**
 * A gateway process for `restart.test.ts` that dies by SIGKILL between persisting a commitment and
 * answering it: the worst moment of a crash, when the promise is signed and durable but the user has
 * no reply.
 *
 *   node --import tsx packages/gateway/test/killAfterPersist.ts <dataDir> <n>
 *
 * Runs the harness's gateway in the default world (clock in slot 2) on `<dataDir>`, prints
 * `{"url": ...}` on a line once it serves, and kills itself right after the store commits the
 * `<n>`-th commitment, before the sequencer sees that write resolve (so before the reply is written).
 *
 * Test seam, in this process only: `GatewayStore.prototype.saveCommitment` is wrapped. The
 * sequencer chains its reply on the promise `saveCommitment` returns, so the wrapper's callback runs
 * after the SQLite transaction committed and before any of the sequencer's own code.
 */
import { GatewayStore } from "../src/store.ts";
import { defaultWorld, startHarness } from "./harness.ts";

const [dataDir, n] = process.argv.slice(2);
if (dataDir === undefined || n === undefined || !/^\d+$/.test(n)) {
  process.stderr.write("usage: killAfterPersist.ts <dataDir> <n>\n");
  process.exit(2);
}
const killAt = Number(n);
let persisted = 0;
const saveCommitment = GatewayStore.prototype.saveCommitment;
GatewayStore.prototype.saveCommitment = function (this: GatewayStore, record) {
  return saveCommitment.call(this, record).then(() => {
    persisted += 1;
    if (persisted === killAt) {
      process.kill(process.pid, "SIGKILL");
      // SIGKILL to oneself is delivered before kill(2) returns; never let JavaScript run on meanwhile.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000);
    }
  });
};

const harness = await startHarness({}, defaultWorld(dataDir));
harness.at(2, 100);
process.stdout.write(`${JSON.stringify({ url: harness.gateway.url })}\n`);
// The test holds our stdin: if it goes away without killing us, go too.
process.stdin.resume();
process.stdin.on("end", () => process.exit(0));
