#!/usr/bin/env node
// Runs every test suite of the repository and ends with one plain summary line,
// `N passed, N failed`, summing all suites: a run that executed no test fails.
//   node scripts/test.mjs [--unit | --integration] [--no-forge] [file ...]
import { spawn } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

const root = new URL("..", import.meta.url).pathname;
const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
const explicit = args.filter((a) => !a.startsWith("--"));

function findTests(dir) {
  const found = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) found.push(...findTests(path));
    else if (name.endsWith(".test.ts")) found.push(relative(root, path));
  }
  return found.sort();
}

const all = [...findTests(join(root, "packages")), ...findTests(join(root, "test"))];
const isIntegration = (f) => f.startsWith("test/");
let files = explicit.length > 0 ? explicit : all;
if (flags.has("--unit")) files = files.filter((f) => !isIntegration(f));
if (flags.has("--integration")) files = files.filter(isIntegration);

/** Run a command, echo its output, and return [exitCode, output]. */
function run(command, commandArgs, cwd, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, commandArgs, {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d) => {
      output += d;
      process.stdout.write(d);
    });
    child.stderr.on("data", (d) => {
      output += d;
      process.stderr.write(d);
    });
    const stop = (signal) => child.kill(signal);
    process.once("SIGINT", stop).once("SIGTERM", stop);
    child.on("close", (code) => {
      process.off("SIGINT", stop).off("SIGTERM", stop);
      resolve([code ?? 1, output]);
    });
  });
}

let passed = 0;
let failed = 0;
let broken = false;

if (files.length > 0) {
  const [code, out] = await run(
    process.execPath,
    ["--import", "tsx", "--test", "--test-reporter=tap", "--test-timeout=600000", ...files],
    root,
  );
  const pass = Number(/^# pass (\d+)/m.exec(out)?.[1] ?? 0);
  const fail = Number(/^# fail (\d+)/m.exec(out)?.[1] ?? 0);
  const cancelled = Number(/^# cancelled (\d+)/m.exec(out)?.[1] ?? 0);
  passed += pass;
  failed += fail + cancelled;
  if (code !== 0 && fail + cancelled === 0) broken = true;
}

/**
 * The native forge binary. The npm wrapper (`npx forge`) exits 0 even when compilation or tests
 * fail, so CI must not rely on it.
 */
function forgeBinary() {
  const arch = { x64: "amd64", arm64: "arm64" }[process.arch] ?? process.arch;
  const pkg = `@foundry-rs/forge-${process.platform}-${arch}/package.json`;
  try {
    return join(dirname(createRequire(import.meta.url).resolve(pkg)), "bin", "forge");
  } catch {
    console.error(`forge binary not found (${pkg}): run npm ci`);
    process.exit(1);
  }
}

const wantForge = !flags.has("--no-forge") && !flags.has("--integration") && explicit.length === 0;
if (wantForge) {
  const forge = forgeBinary();
  const contracts = join(root, "packages/contracts");
  // FORGE_SNAPSHOT_CHECK: the gas report (test/gas, snapshots/) must match what the contracts cost
  // now, or its test fails; regenerate with `npm run gas -w @baton/contracts` and commit.
  const [code, out] = await run(forge, ["test"], contracts, { FORGE_SNAPSHOT_CHECK: "true" });
  const m = /(\d+) tests passed, (\d+) failed/.exec(out);
  if (m) {
    passed += Number(m[1]);
    failed += Number(m[2]);
  }
  // A compile error prints no summary: that is a failure, not an empty run.
  if (!m || (code !== 0 && Number(m[2]) === 0)) broken = true;
}

if (broken) failed += 1; // a suite that crashed without reporting counts as a failure
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
