#!/usr/bin/env node
// Bench (issue 2): v1 torrent creation of a 2 GiB file in the page cache with 1 MiB pieces, ours beside
// mktorrent (-t <cores>) and create-torrent (npm), against the machine's limits (OpenSSL SHA-1 on every
// core, a plain sequential read); then a folder of 20,000 small files (4–64 KiB, ~690 MB), ours vs
// mktorrent. Prints MB/s, ratios and our peak RSS. Best of BENCH_RUNS (default 5) runs each.
// Run under the bench lock: flock /tmp/seedpress-bench.lock node bench/torrent-create.js
// Env: BENCH_RUNS, BENCH_SMALL_FILES (default 20000), BENCH_SKIP_CREATE_TORRENT=1.
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bigFile, sizeOf, smallFiles, warm } from "./lib/data-sets.js";
import {
  cores,
  fmt,
  jsonChild,
  loadNote,
  mbps,
  opensslSpeed,
  RUNS,
  rounds,
  table,
  timed,
} from "./lib/measure.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
if (!existsSync(join(repo, "packages", "torrent", "dist", "index.js"))) {
  console.error("bench/torrent-create.js: build first: npx turbo run build --filter=@seedpress/torrent");
  process.exit(2);
}
const MiB = 1024 * 1024;
const SMALL = Number(process.env.BENCH_SMALL_FILES ?? 20000);
const out = (name) => join(tmpdir(), `seedpress-bench-${process.pid}-${name}.torrent`);

const ours = (path, options) => () =>
  jsonChild(process.execPath, [join(here, "lib", "ours-create.js"), path, JSON.stringify(options)]);
const mktorrent = (path, log2) => () => {
  const r = timed("mktorrent", ["-t", String(cores), "-l", String(log2), "-d", "-o", out("mk"), path], {
    stdio: ["ignore", "ignore", "pipe"],
  });
  timed("rm", ["-f", out("mk")]);
  return r;
};
const mktorrentHash = (path, log2) => {
  const file = out("mkhash");
  timed("mktorrent", ["-t", String(cores), "-l", String(log2), "-d", "-o", file, path], { stdio: "ignore" });
  const { stdout } = timed("transmission-show", [file]);
  timed("rm", ["-f", file]);
  return /Hash: ([0-9a-f]{40})/.exec(stdout)?.[1];
};

console.log(`# torrent-create: v1, ${cores} cores, node ${process.version}`);
console.log(`preparing data (made once under bench/.data) ... ${loadNote()}`);
const big = bigFile();
const bigBytes = sizeOf(big);
warm(big);

// Everything in interleaved rounds (the machine is shared): the limits of this machine, measured now
// (OpenSSL SHA-1 on every core, a plain read), ours, mktorrent, create-torrent (slow: its last round only).
const skipCt = process.env.BENCH_SKIP_CREATE_TORRENT === "1";
let round = 0;
const r = rounds({
  sha1: () => ({ ms: 1e12 / opensslSpeed("sha1", 2) }), // ms per GB, so "fastest" is the best rate
  read: () => timed("sh", ["-c", 'cat "$1" > /dev/null', "read", big]),
  ours: ours(big, { version: "v1", pieceLength: MiB }),
  mk: mktorrent(big, 20),
  ct: () =>
    skipCt || ++round < RUNS
      ? { ms: Number.POSITIVE_INFINITY }
      : jsonChild(process.execPath, [join(here, "lib", "create-torrent-peer.js"), big, String(MiB)]),
});
const sha1Limit = 1e9 / (r.sha1.ms / 1000);
const read = r.read;
const oursBig = r.ours;
const mkBig = r.mk;
const ctBig = skipCt ? undefined : r.ct;
const mkHash = mktorrentHash(big, 20);

const oursRate = mbps(bigBytes, oursBig.ms);
const rows = [
  ["2 GiB file, 1 MiB pieces", "MB/s", "ours ÷ it"],
  ["ours (@seedpress/torrent v1)", fmt(mbps(bigBytes, oursBig.ms)), "1.00"],
  [`mktorrent -t ${cores}`, fmt(mbps(bigBytes, mkBig.ms)), fmt(mkBig.ms / oursBig.ms, 2)],
];
if (ctBig) rows.push(["create-torrent (npm)", fmt(mbps(bigBytes, ctBig.ms)), fmt(ctBig.ms / oursBig.ms, 2)]);
rows.push([
  `openssl speed -evp sha1 -multi ${cores}`,
  fmt(sha1Limit / 1e6),
  fmt(oursRate / (sha1Limit / 1e6), 2),
]);
rows.push([
  "sequential read (cat)",
  fmt(mbps(bigBytes, read.ms)),
  fmt(oursRate / mbps(bigBytes, read.ms), 2),
]);
console.log();
table(rows);
console.log();
console.log(`ours peak RSS: ${fmt(oursBig.maxRssMiB, 1)} MiB`);
console.log(
  `info hash ours ${oursBig.infoHash} / mktorrent ${mkHash}: ${oursBig.infoHash === mkHash ? "equal" : "DIFFERENT"}`,
);
console.log(
  `targets: ≥ 1.0× mktorrent: ${fmt(mkBig.ms / oursBig.ms, 2)}×; ≥ 5× create-torrent: ${ctBig ? `${fmt(ctBig.ms / oursBig.ms, 2)}×` : "skipped"}; ≥ 85 % of SHA-1 limit: ${fmt((100 * oursRate) / (sha1Limit / 1e6), 1)} %`,
);

console.log();
console.log(`preparing ${SMALL} small files ...`);
const folder = smallFiles(SMALL);
const folderBytes = sizeOf(folder);
warm(folder);
const small = rounds({
  ours: ours(folder, { version: "v1", pieceLength: 256 * 1024 }),
  mk: mktorrent(folder, 18),
});
const oursSmall = small.ours;
const mkSmall = small.mk;
const mkSmallHash = mktorrentHash(folder, 18);
console.log();
table([
  [`${SMALL} files, ${fmt(folderBytes / 1e6)} MB, 256 KiB pieces`, "seconds", "MB/s", "time ÷ mktorrent"],
  [
    "ours (@seedpress/torrent v1)",
    fmt(oursSmall.ms / 1000, 2),
    fmt(mbps(folderBytes, oursSmall.ms)),
    fmt(oursSmall.ms / mkSmall.ms, 2),
  ],
  [`mktorrent -t ${cores}`, fmt(mkSmall.ms / 1000, 2), fmt(mbps(folderBytes, mkSmall.ms)), "1.00"],
]);
console.log();
console.log(`ours peak RSS: ${fmt(oursSmall.maxRssMiB, 1)} MiB`);
console.log(
  `info hash ours ${oursSmall.infoHash} / mktorrent ${mkSmallHash}: ${oursSmall.infoHash === mkSmallHash ? "equal" : "DIFFERENT"}`,
);
console.log(`target: within 1.5× of mktorrent's time: ${fmt(oursSmall.ms / mkSmall.ms, 2)}×`);
console.log(`\ndone: ${loadNote()}`);
