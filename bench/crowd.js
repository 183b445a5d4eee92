#!/usr/bin/env node
// Bench: a flash crowd. `seedpress serve` publishes a release (several files); N libtorrent sessions
// (bench/crowd_lt.py, one process) arrive over a window, each with a home-uplink upload cap, announcing
// only to our tracker, and leave when done (or linger). Then the same crowd as curl clients against nginx
// behind a link of the same cap: the HTTP-only baseline. Prints origin bytes ÷ delivered, origin bytes in
// copies of the release, completion p50/p95/max for both, and draws docs/<svg>.
// Run under the bench lock: flock /tmp/bench.lock node bench/crowd.js [options]
//   --clients N (40)  --size-mib M (48)  --files F (4)  --arrival S (20: seconds over which they arrive)
//   --upload SIZE (2MiB: per-client upload cap)  --linger S (0)  --max-rate SIZE (none: origin cap)
//   --offload on|off (on)  --baseline nginx|none (nginx)  --timeout S (300)  --seed K (1: arrival times)
//   --svg FILE (none)  --label TEXT  --json (print the whole result as JSON)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { runHttpCrowd, startNginx, startRelay } from "./lib/crowd-http.js";
import { crowdSvg } from "./lib/crowd-svg.js";
import { rng } from "./lib/data-sets.js";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const cli = join(repo, "apps/cli/dist/index.js");
const { values: argv } = parseArgs({
  options: {
    clients: { type: "string", default: "40" },
    "size-mib": { type: "string", default: "48" },
    files: { type: "string", default: "4" },
    arrival: { type: "string", default: "20" },
    upload: { type: "string", default: "2MiB" },
    linger: { type: "string", default: "0" },
    "max-rate": { type: "string" },
    offload: { type: "string", default: "on" },
    baseline: { type: "string", default: "nginx" },
    timeout: { type: "string", default: "300" },
    seed: { type: "string", default: "1" },
    svg: { type: "string" },
    label: { type: "string" },
    json: { type: "boolean" },
  },
});

function bytes(text) {
  const m = /^(\d+(?:\.\d+)?)\s*(|k|m|g)i?b?$/i.exec(text);
  if (!m) throw new Error(`not a size: ${text}`);
  return Math.round(Number(m[1]) * 1024 ** " kmg".indexOf(m[2].toLowerCase() || " "));
}

const opts = {
  clients: Number(argv.clients),
  size: Number(argv["size-mib"]) * 2 ** 20,
  files: Number(argv.files),
  arrival: Number(argv.arrival),
  upload: bytes(argv.upload),
  linger: Number(argv.linger),
  maxRate: argv["max-rate"] ? bytes(argv["max-rate"]) : 0,
  offload: argv.offload,
  timeout: Number(argv.timeout),
  seed: Number(argv.seed),
};
if (!existsSync(cli)) {
  console.error("bench/crowd.js: build first (npm run build)");
  process.exit(2);
}

/** A Poisson process conditioned on N arrivals in the window: N sorted uniform times. Own address each. */
function crowd() {
  const random = rng(opts.seed); // the same arrival times for every run with the same --seed
  const times = Array.from({ length: opts.clients }, () => random() * opts.arrival).sort((a, b) => a - b);
  if (opts.clients === 1) times[0] = 0;
  return times.map((at, i) => ({ at, ip: `127.0.${1 + Math.floor(i / 250)}.${1 + (i % 250)}` }));
}

/** bench/.data/crowd/<size>-<files>/release-1.0/part-N.bin, made once. */
function release() {
  const base = join(here, ".data", "crowd", `${argv["size-mib"]}mib-${opts.files}`);
  const dir = join(base, "release-1.0");
  if (!existsSync(dir) || readdirSync(dir).length !== opts.files) {
    rmSync(base, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const each = Math.floor(opts.size / opts.files);
    for (let f = 0; f < opts.files; f++) {
      const size = f === opts.files - 1 ? opts.size - each * (opts.files - 1) : each;
      writeFileSync(join(dir, `part-${f + 1}.bin`), randomBytes(size));
    }
  }
  return { root: base, dir, names: readdirSync(dir).sort() };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
}

function summarise(kind, clients, originBytes, delivered, samples) {
  const done = clients
    .filter((c) => c.secs !== null)
    .map((c) => c.secs)
    .sort((a, b) => a - b);
  return {
    kind,
    complete: done.length,
    clients: clients.length,
    originBytes,
    deliveredBytes: delivered,
    originShare: delivered > 0 ? originBytes / delivered : null,
    originCopies: originBytes / opts.size,
    p50: quantile(done, 0.5),
    p95: quantile(done, 0.95),
    max: done.at(-1) ?? null,
    samples,
    clientsDetail: clients,
  };
}

function startServe(root) {
  const args = [cli, "serve", root, "--port", "0", "--offload", opts.offload];
  if (opts.maxRate) args.push("--max-rate", String(opts.maxRate));
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stderr.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.stdout.on("data", (d) => {
      out += d;
      const m = /serving .* at (\S+) /.exec(out);
      if (m && out.includes("press Ctrl+C")) resolve({ child, base: m[1], output: () => out });
    });
    child.once("exit", (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

async function originOf(base) {
  const stats = await (await fetch(`${base}stats.json`)).json();
  return stats.torrents.find((t) => t.name === "release-1.0")?.originBytes ?? 0;
}

async function runSeedpress(rel, clients, work) {
  const serve = await startServe(rel.root);
  const torrentFile = join(work, "release.torrent");
  writeFileSync(
    torrentFile,
    Buffer.from(await (await fetch(`${serve.base}release-1.0.torrent`)).arrayBuffer()),
  );
  const config = join(work, "lt.json");
  const save = join(work, "lt");
  writeFileSync(
    config,
    JSON.stringify({
      torrent: torrentFile,
      save_root: save,
      clients,
      upload_limit: opts.upload,
      linger: opts.linger,
      timeout: opts.timeout,
    }),
  );
  const py = spawn("/usr/bin/python3", [join(here, "crowd_lt.py"), config], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const starts = new Map();
  const detail = clients.map(() => ({ secs: null }));
  const samples = [];
  let delivered = 0;
  let end;
  let lastT;
  const poll = setInterval(async () => {
    const origin = await originOf(serve.base).catch(() => undefined);
    if (origin !== undefined && lastT !== undefined) samples.push({ t: lastT, origin, delivered });
  }, 1000);
  for await (const line of createInterface({ input: py.stdout })) {
    const e = JSON.parse(line);
    lastT = e.t;
    if (e.ev === "start") starts.set(e.i, e.t);
    else if (e.ev === "done") detail[e.i].secs = e.t - starts.get(e.i);
    else if (e.ev === "sample") delivered = e.bytes;
    else if (e.ev === "end") end = e;
  }
  clearInterval(poll);
  const origin = await originOf(serve.base);
  samples.push({ t: end?.t ?? lastT ?? 0, origin, delivered });
  serve.child.kill("SIGINT");
  rmSync(save, { recursive: true, force: true });
  return summarise("seedpress", detail, origin, (end?.complete ?? 0) * opts.size, samples);
}

async function runHttp(rel, clients, work) {
  const nginx = await startNginx(rel.root, join(work, "nginx"));
  const relay = await startRelay(nginx.port, opts.maxRate);
  const urls = rel.names.map((n) => `http://127.0.0.1:${relay.port}/release-1.0/${n}`);
  const samples = [];
  const t0 = performance.now();
  const poll = setInterval(() => {
    const t = (performance.now() - t0) / 1000;
    samples.push({ t, origin: relay.bytes, delivered: relay.bytes });
  }, 1000);
  const results = await runHttpCrowd({ urls, clients });
  clearInterval(poll);
  samples.push({ t: (performance.now() - t0) / 1000, origin: relay.bytes, delivered: relay.bytes });
  relay.close();
  nginx.stop();
  const detail = results.map((r) => ({ secs: r.ok ? r.secs : null }));
  return summarise(
    "http",
    detail,
    relay.bytes,
    detail.filter((d) => d.secs !== null).length * opts.size,
    samples,
  );
}

function line(r) {
  const f = (v, d = 1) => (v === null ? "-" : v.toFixed(d));
  return `${r.kind.padEnd(9)} complete ${r.complete}/${r.clients}  origin ${(r.originBytes / 2 ** 20).toFixed(0)} MiB = ${f(r.originCopies, 2)} copies, ${f(r.originShare === null ? null : r.originShare * 100)} % of delivered  completion p50 ${f(r.p50)} s  p95 ${f(r.p95)} s  max ${f(r.max)} s`;
}

const rel = release();
const clients = crowd();
const work = join(here, ".data", "crowd", `run-${process.pid}`);
mkdirSync(work, { recursive: true });
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(" ");
const label =
  argv.label ??
  `${opts.clients} clients over ${opts.arrival}s, ${argv["size-mib"]} MiB in ${opts.files} files, upload ${argv.upload}/client, linger ${opts.linger}s, origin cap ${argv["max-rate"] ?? "none"}, offload ${opts.offload}`;
console.log(`crowd: ${label}; ${cpus().length} cores, load ${load()}`);
const ours = await runSeedpress(rel, clients, work);
console.log(line(ours));
const http = argv.baseline === "nginx" ? await runHttp(rel, clients, work) : undefined;
if (http) console.log(line(http));
if (http && ours.p50 !== null && http.p50 !== null)
  console.log(
    `ratio   origin bytes seedpress/http ${(ours.originBytes / http.originBytes).toFixed(3)}  p50 ${(ours.p50 / http.p50).toFixed(2)}x  p95 ${(ours.p95 / http.p95).toFixed(2)}x`,
  );
console.log(`load after: ${load()}`);
if (argv.svg) {
  writeFileSync(resolve(argv.svg), crowdSvg(label, ours, http));
  console.log(`drew ${argv.svg}`);
}
if (argv.json) console.log(JSON.stringify({ label, options: opts, ours, http }));
rmSync(work, { recursive: true, force: true });
