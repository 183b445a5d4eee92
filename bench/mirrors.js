#!/usr/bin/env node
// Bench: checkMirrors over 20 mirrors × 8 pieces of 1 MiB on loopback (nginx, one process with a
// server block per mirror), beside curl fetching the very same 160 ranges (no hashing) in the same
// run. Prints wall time, the ratio to curl and the checker's peak RSS for 1, 20 and 100 mirrors
// (memory must stay flat in the number of mirrors). Goal: 20 × 8 × 1 MiB under 2 s.
// Run under the bench lock: flock /tmp/bench.lock node bench/mirrors.js
// Env: BENCH_RUNS (default 3).
import { spawn, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const dist = join(repo, "packages/mirrors/dist/index.js");
const torrentDist = join(repo, "packages/torrent/dist/index.js");
const PIECE = 1 << 20;
const SIZE = 64 * PIECE;

if (process.argv[2] === "--child") await child(process.argv[3], Number(process.argv[4]), process.argv[5]);
else await main();

/** One checker run in a fresh process: prints { ms, rss, ok, pieces } as JSON. */
async function child(torrentFile, mirrors, base) {
  const { checkMirrors } = await import(pathToFileURL(dist).href);
  const { parseTorrent } = await import(pathToFileURL(torrentDist).href);
  const meta = parseTorrent(readFileSync(torrentFile));
  const ports = base.split(",");
  const urls = Array.from(
    { length: mirrors },
    (_, i) => `http://127.0.0.1:${ports[i % ports.length]}/m${i}/`,
  );
  const t0 = performance.now();
  const report = await checkMirrors(meta, { mirrors: urls, urlList: false, pieces: 8, seed: 1 });
  const ms = performance.now() - t0;
  const bytes = report.mirrors.reduce((s, m) => s + m.bytes, 0);
  const ok = report.mirrors.every((m) => m.status !== "failed" && m.pieces.ok === 8);
  const pieces = report.pieces.map((p) => p.piece);
  console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, ok, bytes, pieces }));
}

function freePort() {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once("error", rej);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => res(port));
    });
  });
}

async function startNginx(dir, root, ports) {
  const servers = ports
    .map(
      (p) =>
        `server { listen 127.0.0.1:${p}; root ${root}; location ~ ^/m\\d+/(.*)$ { try_files /$1 =404; } }`,
    )
    .join("\n");
  const conf = join(dir, "nginx.conf");
  const t = (n) => join(dir, n);
  writeFileSync(
    conf,
    `daemon off; master_process off; worker_processes 1; pid ${t("nginx.pid")}; error_log ${t("error.log")} warn;
events { worker_connections 1024; }
http { access_log off; sendfile on; keepalive_requests 10000; default_type application/octet-stream;
client_body_temp_path ${t("b")}; proxy_temp_path ${t("p")}; fastcgi_temp_path ${t("f")}; uwsgi_temp_path ${t("u")}; scgi_temp_path ${t("s")};
${servers} }`,
  );
  const proc = spawn("nginx", ["-c", conf, "-p", dir, "-e", t("error.log")], { stdio: "ignore" });
  await new Promise((r) => setTimeout(r, 300));
  if (proc.exitCode !== null) throw new Error(`nginx exited: ${readFileSync(t("error.log"), "utf8")}`);
  return proc;
}

function runChild(torrent, mirrors, ports) {
  const r = spawnSync(
    process.execPath,
    [fileURLToPath(import.meta.url), "--child", torrent, String(mirrors), ports.join(",")],
    {
      encoding: "utf8",
    },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

function runCurl(dir, ports, pieces) {
  // The same requests the checker makes: per mirror, one ranged GET per piece; 8 transfers at once.
  const lines = [];
  for (let i = 0; i < 20; i++) {
    for (const p of pieces) {
      const end = Math.min(SIZE, (p + 1) * PIECE) - 1;
      lines.push(
        `url = "http://127.0.0.1:${ports[i % ports.length]}/m${i}/release.bin"`,
        `range = ${p * PIECE}-${end}`,
        "output = /dev/null",
      );
    }
  }
  const config = join(dir, "curl.cfg");
  writeFileSync(config, `${lines.join("\n")}\n`);
  const t0 = performance.now();
  const r = spawnSync("curl", ["-s", "--fail", "--parallel", "--parallel-max", "8", "-K", config]);
  if (r.status !== 0) throw new Error(`curl failed (${r.status})`);
  return performance.now() - t0;
}

async function main() {
  for (const tool of ["nginx", "curl", "mktorrent"]) {
    if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
      console.error(`bench/mirrors.js: ${tool} is not installed`);
      process.exit(2);
    }
  }
  if (!existsSync(dist)) {
    console.error("bench/mirrors.js: build first (npx turbo run build --filter=@seedpress/mirrors)");
    process.exit(2);
  }
  const runs = Number(process.env.BENCH_RUNS ?? 3);
  const dir = join(here, ".data", "mirrors");
  const root = join(dir, "root");
  mkdirSync(root, { recursive: true });
  const file = join(root, "release.bin");
  if (!existsSync(file) || statSync(file).size !== SIZE)
    writeFileSync(file, randomFillSync(Buffer.alloc(SIZE)));
  const torrent = join(dir, "release.torrent");
  rmSync(torrent, { force: true });
  spawnSync("mktorrent", ["-l", "20", "-o", torrent, file], { stdio: "ignore" });
  const ports = [];
  for (let i = 0; i < 20; i++) ports.push(await freePort());
  const nginx = await startNginx(dir, root, ports);
  try {
    console.log(
      `load before: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    const results = { ours: [], curl: [] };
    let pieces;
    for (let i = 0; i < runs; i++) {
      const r = runChild(torrent, 20, ports);
      if (!r.ok || r.bytes !== 20 * 8 * PIECE) throw new Error(`check did not pass: ${JSON.stringify(r)}`);
      pieces = r.pieces;
      results.ours.push(r);
      results.curl.push(runCurl(dir, ports, pieces));
    }
    const best = (xs) => Math.min(...xs);
    const ours = best(results.ours.map((r) => r.ms));
    const curl = best(results.curl);
    const mib = (b) => `${(b / 2 ** 20).toFixed(1)} MiB`;
    console.log(`20 mirrors × 8 pieces × 1 MiB (pieces ${pieces.join(",")}), best of ${runs}:`);
    console.log(
      `  checkMirrors: ${ours.toFixed(0)} ms (goal < 2000 ms), peak RSS ${mib(Math.max(...results.ours.map((r) => r.rss)))}`,
    );
    console.log(`  curl --parallel-max 8, same 160 ranges, no hashing: ${curl.toFixed(0)} ms`);
    console.log(`  ratio ours / curl: ${(ours / curl).toFixed(2)}`);
    for (const n of [1, 100]) {
      const r = runChild(torrent, n, ports);
      console.log(`  ${String(n).padStart(3)} mirrors: ${r.ms.toFixed(0)} ms, peak RSS ${mib(r.rss)}`);
    }
    console.log(
      `load after: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(" ")}`,
    );
    if (ours >= 2000) process.exitCode = 1;
  } finally {
    nginx.kill("SIGTERM");
  }
}
