#!/usr/bin/env node
// Fails when a package imports a package above it or beside it (CONVENTIONS.md: imports point one way).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

// Each package and the packages it may import.
const LAYERS = {
  protocol: [],
  contracts: ["protocol"],
  execution: ["protocol"],
  clients: ["protocol", "contracts"],
  gateway: ["protocol", "contracts", "clients", "execution"],
  rollup: ["protocol", "contracts", "clients", "execution"],
  devnet: ["protocol", "contracts", "clients", "execution", "gateway", "rollup"],
  cli: ["protocol", "contracts", "clients", "execution", "rollup", "devnet"],
};

const root = new URL("../packages/", import.meta.url).pathname;
const problems = [];
function walk(dir, pkg) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "generated" || name === "out" || name === "cache") continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path, pkg);
    else if (/\.(ts|mjs|js)$/.test(name)) {
      const text = readFileSync(path, "utf8");
      for (const match of text.matchAll(/(?:from|import)\s*\(?\s*["']@baton\/([\w-]+)/g)) {
        const target = match[1];
        if (target !== pkg && !LAYERS[pkg]?.includes(target)) {
          problems.push(`${path.slice(root.length)}: @baton/${pkg} must not import @baton/${target}`);
        }
      }
    }
  }
}
for (const pkg of readdirSync(root)) {
  if (!(pkg in LAYERS)) problems.push(`packages/${pkg}: not placed in a layer (scripts/check-imports.mjs)`);
  else walk(join(root, pkg), pkg);
}
if (problems.length > 0) {
  console.error(problems.join("\n"));
  process.exit(1);
}
console.log(`imports point one way across ${Object.keys(LAYERS).length} packages`);
