#!/usr/bin/env node
// `npm test` runs this first (pretest): the real peers the interop tests run must be on the machine.
// Debian's packages are installed when it can (root, or sudo without a password); otherwise it stops
// at once and prints the one command to run. Then test-peers/ (webtorrent, bittorrent-tracker) is
// installed when missing or stale, with --ignore-scripts (node-datachannel's install script downloads).
// `.ci/run` gets its peers the same way: through `npm test`.
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The Debian packages the tests run as peers. */
const DEBIAN_PEERS = [
  "mktorrent",
  "python3-libtorrent",
  "transmission-cli",
  "aria2",
  "chromium",
  "nginx-light",
  "wrk",
  "opentracker",
  "redis-server",
];

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const say = (text) => process.stderr.write(`test peers: ${text}\n`);

function installed(pkg) {
  const r = spawnSync("dpkg-query", ["-W", `-f=\${Status}`, pkg], { encoding: "utf8" });
  return r.status === 0 && r.stdout.includes("install ok installed");
}

function run(command, args, options = {}) {
  const r = spawnSync(command, args, { stdio: "inherit", ...options });
  if (r.status !== 0) {
    say(`${[command, ...args].join(" ")} failed (${r.status ?? r.error?.message})`);
    process.exit(1);
  }
}

function debianPeers() {
  if (spawnSync("dpkg-query", ["--version"], { stdio: "ignore" }).status !== 0) {
    say(`no dpkg here: install these peers with your system's packages: ${DEBIAN_PEERS.join(" ")}`);
    process.exit(1);
  }
  const missing = DEBIAN_PEERS.filter((p) => !installed(p));
  if (missing.length === 0) return;
  const install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", ...missing];
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  let sudo = [];
  if (process.getuid?.() !== 0) {
    if (spawnSync("sudo", ["-n", "true"], { stdio: "ignore" }).status !== 0) {
      say(`missing Debian packages: ${missing.join(", ")}. Run this once, then npm test again:`);
      process.stdout.write(
        `sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing.join(" ")}\n`,
      );
      process.exit(1);
    }
    sudo = ["sudo", "-n", "--preserve-env=DEBIAN_FRONTEND"];
  }
  say(`installing ${missing.join(", ")}`);
  const [command, ...args] = [...sudo, "apt-get", "update", "-qq"];
  run(command, args, { env });
  const [command2, ...args2] = [...sudo, ...install];
  run(command2, args2, { env });
}

function npmPeers() {
  const dir = path.join(root, "test-peers");
  const marker = path.join(dir, "node_modules", ".package-lock.json");
  const lock = path.join(dir, "package-lock.json");
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  say("installing test-peers/ (npm ci --ignore-scripts)");
  run("npm", ["ci", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: dir });
}

debianPeers();
npmPeers();
