// Small inputs are hashed in the calling thread: no worker thread is started for them (a thread
// costs more to start than hashing a few MiB). Counted by wrapping worker_threads.Worker in a child.
import { execFileSync } from "node:child_process";
import { mkdirSync, truncateSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { tempDir } from "./tmp.js";

const dist = fileURLToPath(new URL("../../dist/index.js", import.meta.url));
const dir = tempDir();
const small = path.join(dir, "small.bin");
writeFileSync(small, Buffer.alloc(300_000, 1));
const folder = path.join(dir, "few");
mkdirSync(folder);
for (const name of ["a", "b", "c"])
  writeFileSync(path.join(folder, name), Buffer.alloc(100_000, name.charCodeAt(0)));
const big = path.join(dir, "big.bin");
writeFileSync(big, "");
truncateSync(big, 40 * 1024 * 1024); // sparse: three 16 MiB jobs, enough for three threads

/** How many Worker threads createTorrent started for `input`. */
function workersStarted(input: string, version: string, threads?: number): number {
  const script = `
    const threads = require("node:worker_threads");
    let started = 0;
    const Original = threads.Worker;
    threads.Worker = class extends Original { constructor(...args) { started++; super(...args); } };
    require("node:module").syncBuiltinESMExports();
    import(${JSON.stringify(dist)})
      .then(({ createTorrent }) => createTorrent(${JSON.stringify(input)}, { version: ${JSON.stringify(version)}, threads: ${threads ?? "undefined"} }))
      .then(() => process.stdout.write(String(started)));`;
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

describe("hashing in the calling thread", () => {
  it.each(["v1", "hybrid"])(
    "starts no worker for a small file or a folder of small files (%s)",
    (version) => {
      expect(workersStarted(small, version)).toBe(0);
      expect(workersStarted(folder, version)).toBe(0);
    },
  );

  it("starts one worker fewer than the threads for a big file: the calling thread is the other hasher", () => {
    expect(workersStarted(big, "v1", 3)).toBe(2);
    expect(workersStarted(big, "hybrid", 1)).toBe(0);
  });
});
