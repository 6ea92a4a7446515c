import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { once } from "node:events";
import type { Logger } from "@baton/protocol";

/**
 * Child processes of a devnet. Each child gets a watchdog shell that holds a pipe from this process:
 * when this process dies for any reason (even SIGKILL) the pipe closes and the watchdog kills the
 * child, so no child outlives its parent. An `exit` handler also kills what is left on a normal exit.
 */
export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves with the exit code (or signal) when the child has exited. */
  readonly exited: Promise<number | NodeJS.Signals>;
  /** SIGTERM, then SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on("exit", () => {
    for (const child of live) child.kill("SIGKILL");
  });
}

export function spawnSupervised(
  name: string,
  command: string,
  args: readonly string[],
  options: SpawnOptions & { logger: Logger },
): SupervisedProcess {
  installExitHook();
  const { logger, ...spawnOptions } = options;
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...spawnOptions });
  if (child.pid === undefined) throw new Error(`${name} did not start (${command})`);
  const pid = child.pid;
  live.add(child);
  // The watchdog: `read` returns when our end of its stdin closes (we exited), then it kills the child.
  const watchdog = spawn(
    "/bin/sh",
    ["-c", `read _; kill -TERM ${pid} 2>/dev/null; sleep 2; kill -KILL ${pid} 2>/dev/null`],
    {
      stdio: ["pipe", "ignore", "ignore"],
      detached: true,
    },
  );
  watchdog.unref();
  (watchdog.stdin as unknown as { unref?: () => void }).unref?.();
  const exited = new Promise<number | NodeJS.Signals>((resolve) => {
    child.once("exit", (code, signal) => {
      live.delete(child);
      watchdog.kill("SIGKILL");
      logger.debug("process exited", { name, pid, code, signal });
      resolve(code ?? signal ?? 0);
    });
  });
  const stop = async (graceMs = 3000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited;
    clearTimeout(timer);
  };
  return { name, pid, child, exited, stop };
}

/** Wait for a child's stdout/stderr line matching `pattern`, or fail when it exits or the time is up. */
export async function waitForOutput(
  proc: SupervisedProcess,
  pattern: RegExp,
  timeoutMs: number,
): Promise<string> {
  let buffer = "";
  let onData: ((data: Buffer) => void) | undefined;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  try {
    return await new Promise<string>((resolve, reject) => {
      onData = (data: Buffer) => {
        // Only the tail can still complete a match: the buffer stays small however much is logged.
        buffer = (buffer + data.toString()).slice(-4096);
        const match = pattern.exec(buffer);
        if (match) resolve(match[0]);
      };
      proc.child.stdout?.on("data", onData);
      proc.child.stderr?.on("data", onData);
      proc.exited.then((code) =>
        reject(new Error(`${proc.name} exited (${code}) before it was ready: ${buffer.slice(-500)}`)),
      );
      ac.signal.addEventListener("abort", () =>
        reject(new Error(`${proc.name} not ready after ${timeoutMs} ms`)),
      );
    });
  } finally {
    clearTimeout(timer);
    // Stop reading into the buffer once ready (or failed); the output keeps draining, unread, so the
    // child never blocks on a full pipe.
    if (onData !== undefined) {
      proc.child.stdout?.off("data", onData);
      proc.child.stderr?.off("data", onData);
    }
    proc.child.stdout?.resume();
    proc.child.stderr?.resume();
  }
}

export async function waitForExit(proc: SupervisedProcess): Promise<void> {
  if (proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  await once(proc.child, "exit");
}
