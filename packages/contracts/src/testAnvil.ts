/**
 * A local anvil for the tests of this package: the native binary of @foundry-rs/anvil's platform
 * package (no npx wrapper to orphan) on a free port. The caller kills it in `after`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";

/** The native anvil binary of @foundry-rs/anvil's platform package (no npx wrapper to orphan). */
export function anvilBinary(): string {
  const arch = process.arch === "x64" ? "amd64" : process.arch;
  const exe = process.platform === "win32" ? "anvil.exe" : "anvil";
  return createRequire(import.meta.url).resolve(`@foundry-rs/anvil-${process.platform}-${arch}/bin/${exe}`);
}

/** Starts anvil on a free port (`--port 0`) and resolves its URL from the "Listening on" line. */
export function startAnvil(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(anvilBinary(), ["--port", "0", "--hardfork", "prague"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    let output = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`anvil did not start:\n${output}`));
    }, 10_000);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`anvil exited with ${code}:\n${output}`)));
    // Keep reading stderr so that anvil never blocks on a full pipe.
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Listening on ([\d.]+:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        child.stdout?.removeAllListeners("data");
        child.stdout?.resume();
        resolve({ child, url: `http://${match[1]}` });
      }
    });
  });
}
