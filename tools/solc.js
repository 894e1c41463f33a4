#!/usr/bin/env node
// A `solc` executable over the npm package `solc` (the official compiler built to wasm).
// It answers the two calls py-solc-x (ape-solidity) and forge make: `--version` and
// `--standard-json` (input on stdin), with `--base-path`, `--include-path` and
// `--allow-paths` honoured for imports read from disk.
"use strict";
const fs = require("fs");
const path = require("path");
const solc = require("solc");

function parseArgs(argv) {
  const opts = { basePath: process.cwd(), includePaths: [], standardJson: false, version: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => argv[++i];
    if (arg === "--version") opts.version = true;
    else if (arg === "--standard-json") opts.standardJson = true;
    else if (arg === "--base-path") opts.basePath = value();
    else if (arg === "--include-path") opts.includePaths.push(value());
    else if (arg === "--allow-paths") value();
    else if (arg.startsWith("--base-path=")) opts.basePath = arg.split("=")[1];
    else if (arg.startsWith("--allow-paths=")) continue;
    else if (arg === "--no-color" || arg === "-") continue;
    else {
      process.stderr.write(`solc wrapper: unsupported argument ${arg}\n`);
      process.exit(2);
    }
  }
  return opts;
}

function findImport(opts, importPath) {
  const roots = [opts.basePath, ...opts.includePaths, process.cwd()];
  for (const root of roots) {
    const candidate = path.isAbsolute(importPath) ? importPath : path.join(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, "utf8") };
  }
  return { error: `File not found: ${importPath} (searched ${roots.join(", ")})` };
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.version) {
    process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    return;
  }
  if (!opts.standardJson) {
    process.stderr.write("solc wrapper: only --version and --standard-json are supported\n");
    process.exit(2);
  }
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  for (const [name, source] of Object.entries(input.sources || {})) {
    if (source.content === undefined && source.urls) {
      const found = source.urls.map((u) => findImport(opts, u)).find((r) => r.contents !== undefined);
      if (found) input.sources[name] = { content: found.contents };
    }
  }
  const output = solc.compile(JSON.stringify(input), { import: (p) => findImport(opts, p) });
  process.stdout.write(output);
}

main();
