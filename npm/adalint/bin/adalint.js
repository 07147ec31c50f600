#!/usr/bin/env node
// The `adalint` command of the npm package: runs the native adalint binary that the
// package for this platform (`@adalint/<platform>-<arch>`, an optional dependency that npm
// installs only where it fits) carries, passing arguments, standard streams and the exit
// code through. Launcher failures exit 2, adalint's code for a tool error.
"use strict";

const { spawnSync } = require("node:child_process");

const PLATFORMS = {
  "darwin-arm64": "@adalint/darwin-arm64",
  "darwin-x64": "@adalint/darwin-x64",
  "linux-arm64": "@adalint/linux-arm64",
  "linux-x64": "@adalint/linux-x64",
  "win32-x64": "@adalint/win32-x64",
};

function fail(message) {
  process.stderr.write(`adalint: error: ${message}\n`);
  process.exit(2);
}

const platform = `${process.platform}-${process.arch}`;
const packageName = PLATFORMS[platform];
if (packageName === undefined) {
  fail(
    `there is no prebuilt adalint binary for ${platform} (there is for ${Object.keys(PLATFORMS).join(", ")}); ` +
      "install it with `pip install adalint` or `cargo install adalint` instead",
  );
}

const executable = process.platform === "win32" ? "adalint.exe" : "adalint";
let binary;
try {
  binary = require.resolve(`${packageName}/bin/${executable}`);
} catch {
  fail(
    `the package ${packageName}, which holds the adalint binary for ${platform}, is not installed. ` +
      "npm installs it as an optional dependency of adalint: reinstall without `--omit=optional` " +
      "(or `--no-optional`), and if the lock file was written on another platform, delete " +
      "node_modules and run `npm install` again here",
  );
}

const result = spawnSync(binary, process.argv.slice(2), { stdio: "inherit" });
if (result.error) {
  fail(`cannot run ${binary}: ${result.error.message}`);
}
if (result.signal) {
  process.kill(process.pid, result.signal);
}
process.exit(result.status ?? 2);
