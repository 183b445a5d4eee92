#!/usr/bin/env node
// Bench (issue 9): the `seedpress` command as a whole process, start-up included, beside its floor
// and its peer: `seedpress --help` against a bare `node -e 0`; `seedpress create` of a 1 GiB and a
// 4 GiB file in the page cache against `mktorrent -t <cores>` (same piece length, same info hash);
// then the 1 GiB case again, in-process and whole-process, with one busy process on the box.
// Interleaved rounds (hyperfine-like repeated runs, contenders alternating so load falls on all);
// prints median and best times and the ratios the issue sets targets for.
// Run under the bench lock: flock /tmp/bench.lock node bench/cli-start.js
// Env: BENCH_RUNS (create rounds, default 5), BENCH_START_RUNS (start-up rounds, default 30),
// BENCH_SKIP_4GIB=1, BENCH_SKIP_BUSY=1.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { bigFile, warm } from "./lib/data-sets.js";
import { cores, fmt, jsonChild, loadNote, RUNS, table } from "./lib/measure.js";

const here = dirname(fileURLToPath(import.meta.url));
const cli = resolve(here, "..", "apps", "cli", "bin", "seedpress.js");
if (!existsSync(resolve(here, "..", "apps", "cli", "dist", "index.js"))) {
  console.error("bench/cli-start.js: build first: npm run build");
  process.exit(2);
}
const MiB = 1024 * 1024;
const START_RUNS = Number(process.env.BENCH_START_RUNS ?? 30);
const SKIP_4GIB = process.env.BENCH_SKIP_4GIB === "1";
const SKIP_BUSY = process.env.BENCH_SKIP_BUSY === "1";
const out = (name) => join(tmpdir(), `seedpress-cli-bench-${process.pid}-${name}.torrent`);

/** Wall time of one run of a command, in ms; throws on failure. */
function wall(cmd, args) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"], encoding: "utf8" });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return ms;
}

/** `runs` interleaved rounds of every contender; returns { name: sorted times }. */
function measure(contenders, runs) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) for (const [name, fn] of Object.entries(contenders)) times[name].push(fn());
  for (const list of Object.values(times)) list.sort((a, b) => a - b);
  return times;
}
const median = (list) => list[Math.floor(list.length / 2)];

function report(title, times, ratios) {
  console.log(`\n## ${title} (${loadNote()})`);
  table([
    ["", "median ms", "best ms", "runs"],
    ...Object.entries(times).map(([name, list]) => [
      name,
      fmt(median(list), 1),
      fmt(list[0], 1),
      list.length,
    ]),
  ]);
  for (const [label, value, target] of ratios) {
    console.log(`${label}: ${fmt(value, 2)}×  (target ${target})`);
  }
}

const oursCreate = (file) => () =>
  wall(process.execPath, [
    cli,
    "create",
    file,
    "-o",
    out("ours"),
    "--force",
    "-q",
    "-l",
    "1MiB",
    "--no-date",
    "--no-created-by",
  ]);
const mktorrent = (file) => () => {
  rmSync(out("mk"), { force: true });
  return wall("mktorrent", ["-t", String(cores), "-l", "20", "-d", "-o", out("mk"), file]);
};
const inProcess = (file) => () =>
  jsonChild(process.execPath, [
    join(here, "lib", "ours-create.js"),
    file,
    JSON.stringify({ pieceLength: MiB }),
  ]).ms;

function sameInfoHash() {
  const info = (file) =>
    JSON.parse(spawnSync(process.execPath, [cli, "info", file, "--json"], { encoding: "utf8" }).stdout)
      .infoHash;
  const [a, b] = [info(out("ours")), info(out("mk"))];
  if (a !== b) throw new Error(`info hashes differ: ours ${a}, mktorrent ${b}`);
  return a;
}

function createCase(label, file, runs) {
  warm(file);
  const times = measure(
    { "seedpress create": oursCreate(file), [`mktorrent -t${cores}`]: mktorrent(file) },
    runs,
  );
  const hash = sameInfoHash();
  const mk = times[`mktorrent -t${cores}`];
  const ours = times["seedpress create"];
  return { times, ratio: median(mk) / median(ours), bestRatio: mk[0] / ours[0], hash, label };
}

console.log(`# cli-start: node ${process.version}, ${cores} cores; ${loadNote()}`);

// 1. Start-up: --help loads no command module.
const start = measure(
  {
    "node -e 0": () => wall(process.execPath, ["-e", "0"]),
    "seedpress --help": () => wall(process.execPath, [cli, "--help"]),
    "seedpress --version": () => wall(process.execPath, [cli, "--version"]),
  },
  START_RUNS,
);
report("start-up", start, [
  [
    "seedpress --help / node -e 0 (median)",
    median(start["seedpress --help"]) / median(start["node -e 0"]),
    "≤ 1.5",
  ],
]);

// 2. Whole-process create beside mktorrent.
const one = bigFile("big-1GiB.bin", 1024 * MiB);
const c1 = createCase("1 GiB", one, RUNS);
report(`create 1 GiB, 1 MiB pieces (info hash ${c1.hash})`, c1.times, [
  ["speed vs mktorrent (mktorrent time / ours, medians)", c1.ratio, "≥ 0.85"],
  ["speed vs mktorrent (best runs)", c1.bestRatio, "≥ 0.85"],
]);
if (!SKIP_4GIB) {
  const four = bigFile("big-4GiB.bin", 4096 * MiB);
  const c4 = createCase("4 GiB", four, Math.max(3, Math.ceil(RUNS / 2)));
  report(`create 4 GiB, 1 MiB pieces (info hash ${c4.hash})`, c4.times, [
    ["speed vs mktorrent (mktorrent time / ours, medians)", c4.ratio, "≥ 0.95"],
    ["speed vs mktorrent (best runs)", c4.bestRatio, "≥ 0.95"],
  ]);
}

// 3. Contention: one other process spinning on a core while both hash the 1 GiB file.
if (!SKIP_BUSY) {
  const spinner = spawn(process.execPath, ["-e", "for(;;){}"], { stdio: "ignore" });
  try {
    warm(one);
    const busy = measure(
      {
        "in-process createTorrent": inProcess(one),
        "seedpress create": oursCreate(one),
        [`mktorrent -t${cores}`]: mktorrent(one),
      },
      RUNS,
    );
    const mk = median(busy[`mktorrent -t${cores}`]);
    report("create 1 GiB with one busy process on the box", busy, [
      ["in-process vs mktorrent (medians)", mk / median(busy["in-process createTorrent"]), "≥ 0.9"],
      [
        "in-process vs mktorrent (best runs)",
        busy[`mktorrent -t${cores}`][0] / busy["in-process createTorrent"][0],
        "≥ 0.9",
      ],
      ["whole-process vs mktorrent", mk / median(busy["seedpress create"]), "(no target)"],
    ]);
  } finally {
    spinner.kill();
  }
}
rmSync(out("ours"), { force: true });
rmSync(out("mk"), { force: true });
