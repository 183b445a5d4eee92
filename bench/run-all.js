#!/usr/bin/env node
// `npm run bench`: runs every bench/*.js (this file aside) one after another, in name order, each in its
// own node process so one bench's memory or workers never colour the next. Exit code 1 if any failed.
// Benches compete for the CPU: on a shared machine run this under the bench lock,
//   flock /tmp/seedpress-bench.lock npm run bench
// Args: names (or parts of names) to run only some, e.g. `npm run bench -- torrent`.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const self = basename(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const benches = readdirSync(here, { withFileTypes: true })
  .filter((e) => e.isFile() && e.name.endsWith(".js") && e.name !== self)
  .map((e) => e.name)
  .filter((name) => only.length === 0 || only.some((o) => name.includes(o)))
  .sort();

if (benches.length === 0) {
  console.error(`run-all: no bench matches ${only.join(", ")}`);
  process.exit(2);
}
const failed = [];
for (const name of benches) {
  console.log(`\n=== bench/${name} ===`);
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [join(here, name)], { stdio: "inherit" });
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  if (r.status !== 0) {
    failed.push(name);
    console.log(`=== bench/${name}: FAILED (exit ${r.status ?? r.signal}) after ${secs} s ===`);
  } else {
    console.log(`=== bench/${name}: done in ${secs} s ===`);
  }
}
console.log(
  `\n${benches.length - failed.length} of ${benches.length} benches ran${failed.length ? `; failed: ${failed.join(", ")}` : ""}`,
);
process.exit(failed.length ? 1 : 0);
