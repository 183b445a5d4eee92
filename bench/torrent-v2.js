#!/usr/bin/env node
// Bench (issue 3): v2 and hybrid creation of the same 2 GiB file (page cache, 1 MiB pieces), ours beside
// libtorrent's Python binding (v2_only and hybrid) and our v1; OpenSSL SHA-256 and SHA-1 on every core
// as the limits (a hybrid reads once and must do both hashes: bound = 1 / (1/sha1 + 1/sha256)); then a
// folder of 2,000 small files (4–64 KiB), hybrid, ours vs libtorrent. Best of BENCH_RUNS (default 5).
// Run under the bench lock: flock /tmp/seedpress-bench.lock node bench/torrent-v2.js
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bigFile, sizeOf, smallFiles, warm } from "./lib/data-sets.js";
import { cores, fmt, jsonChild, loadNote, mbps, opensslSpeed, rounds, table } from "./lib/measure.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
if (!existsSync(join(repo, "packages", "torrent", "dist", "index.js"))) {
  console.error("bench/torrent-v2.js: build first: npx turbo run build --filter=@seedpress/torrent");
  process.exit(2);
}
const MiB = 1024 * 1024;
const PYTHON = "/usr/bin/python3"; // libtorrent's binding is installed for Debian's python

const ours = (path, options) => () =>
  jsonChild(process.execPath, [join(here, "lib", "ours-create.js"), path, JSON.stringify(options)]);
const libtorrent = (path, pieceLength, mode) => () =>
  jsonChild(PYTHON, [join(here, "lib", "lt-create.py"), path, String(pieceLength), mode]);

console.log(`# torrent-v2: v2 and hybrid, ${cores} cores, node ${process.version}`);
console.log(`preparing data (made once under bench/.data) ... ${loadNote()}`);
const big = bigFile();
const bytes = sizeOf(big);
warm(big);

// Interleaved rounds (the machine is shared); each contender keeps its fastest run.
const r = rounds({
  sha256: () => ({ ms: 1e12 / opensslSpeed("sha256", 2) }), // ms per GB
  sha1: () => ({ ms: 1e12 / opensslSpeed("sha1", 2) }),
  oursV2: ours(big, { version: "v2", pieceLength: MiB }),
  ltV2: libtorrent(big, MiB, "v2"),
  oursHybrid: ours(big, { version: "hybrid", pieceLength: MiB }),
  ltHybrid: libtorrent(big, MiB, "hybrid"),
  oursV1: ours(big, { version: "v1", pieceLength: MiB }),
});
const sha256Limit = 1e9 / (r.sha256.ms / 1000) / 1e6;
const sha1Limit = 1e9 / (r.sha1.ms / 1000) / 1e6;
const hybridBound = 1 / (1 / sha1Limit + 1 / sha256Limit);
const { oursV2, ltV2, oursHybrid, ltHybrid, oursV1 } = r;

const rate = (r) => mbps(bytes, r.ms);
console.log();
table([
  ["2 GiB file, 1 MiB pieces", "MB/s", "ours ÷ it"],
  ["ours v2", fmt(rate(oursV2)), ""],
  ["libtorrent v2 (v2_only)", fmt(rate(ltV2)), fmt(rate(oursV2) / rate(ltV2), 2)],
  [`openssl sha256 -multi ${cores}`, fmt(sha256Limit), fmt(rate(oursV2) / sha256Limit, 2)],
  ["ours hybrid", fmt(rate(oursHybrid)), ""],
  ["libtorrent hybrid", fmt(rate(ltHybrid)), fmt(rate(oursHybrid) / rate(ltHybrid), 2)],
  [
    `hybrid bound (sha1 ${fmt(sha1Limit)} + sha256, one read)`,
    fmt(hybridBound),
    fmt(rate(oursHybrid) / hybridBound, 2),
  ],
  ["ours v1", fmt(rate(oursV1)), ""],
]);
console.log();
console.log(
  `ours peak RSS: v2 ${fmt(oursV2.maxRssMiB, 1)} MiB, hybrid ${fmt(oursHybrid.maxRssMiB, 1)} MiB, v1 ${fmt(oursV1.maxRssMiB, 1)} MiB`,
);
console.log(
  `v2 info hash equal to libtorrent's: ${oursV2.infoHashV2 === ltV2.infoHashV2 ? "yes" : "NO"}; hybrid: ${oursHybrid.infoHash === ltHybrid.infoHash && oursHybrid.infoHashV2 === ltHybrid.infoHashV2 ? "yes" : "NO"}`,
);
console.log(
  `targets: v2 ≥ 2× libtorrent v2: ${fmt(rate(oursV2) / rate(ltV2), 2)}×; hybrid ≥ 2× libtorrent hybrid: ${fmt(rate(oursHybrid) / rate(ltHybrid), 2)}×; hybrid ≥ 85 % of the bound: ${fmt((100 * rate(oursHybrid)) / hybridBound, 1)} %`,
);

console.log();
console.log("preparing 2,000 small files ...");
const folder = smallFiles(2000);
const folderBytes = sizeOf(folder);
warm(folder);
const PL = 64 * 1024;
const small = rounds({
  ours: ours(folder, { version: "hybrid", pieceLength: PL }),
  lt: libtorrent(folder, PL, "hybrid"),
});
const oursSmall = small.ours;
const ltSmall = small.lt;
console.log();
table([
  [`2,000 files, ${fmt(folderBytes / 1e6)} MB, hybrid, 64 KiB pieces`, "seconds", "time ÷ libtorrent"],
  ["ours hybrid", fmt(oursSmall.ms / 1000, 2), fmt(oursSmall.ms / ltSmall.ms, 2)],
  ["libtorrent hybrid", fmt(ltSmall.ms / 1000, 2), "1.00"],
]);
console.log(
  `info hashes equal to libtorrent's: ${oursSmall.infoHash === ltSmall.infoHash && oursSmall.infoHashV2 === ltSmall.infoHashV2 ? "yes" : "NO"}`,
);
console.log(`target: hybrid no slower than libtorrent: ${fmt(oursSmall.ms / ltSmall.ms, 2)}× its time`);
console.log(`\ndone: ${loadNote()}`);
