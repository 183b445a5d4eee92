#!/usr/bin/env node
// Bench: random 1 MiB and 16 KiB ranges of a 1 GiB file, keep-alive, 16 connections, driven by wrk,
// against @seedpress/webseed, nginx (sendfile on, one worker) and express.static, all in this run.
// Run under the bench lock: flock /tmp/seedpress-bench.lock node bench/webseed.js
// Env: BENCH_SECONDS per run (default 5), BENCH_ROUNDS (3), BENCH_CONNECTIONS (16), BENCH_THREADS (2),
// BENCH_FILE_MIB (1024), BENCH_ONLY (comma-separated server names).
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { createServer } from "node:net";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "..");
const seconds = Number(process.env.BENCH_SECONDS ?? 5);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 16);
const threads = Number(process.env.BENCH_THREADS ?? 2);
const fileSize = Number(process.env.BENCH_FILE_MIB ?? 1024) * 1024 * 1024;
const dataDir = join(here, ".data", "webseed");
const root = join(dataDir, "root");
const file = join(root, "big.bin");
const only = process.env.BENCH_ONLY?.split(",");

for (const tool of ["wrk", "nginx"]) {
  if (spawnSync("sh", ["-c", `command -v ${tool}`]).status !== 0) {
    console.error(
      `bench/webseed.js: ${tool} is not installed (Debian package ${tool === "nginx" ? "nginx-light" : tool})`,
    );
    process.exit(2);
  }
}
const dist = join(repo, "packages/webseed/dist/index.js");
if (!existsSync(dist)) {
  console.error("bench/webseed.js: build first (npx turbo run build --filter=@seedpress/webseed)");
  process.exit(2);
}

mkdirSync(root, { recursive: true });
if (!existsSync(file) || statSync(file).size !== fileSize) {
  console.log(`making ${fileSize / 2 ** 20} MiB of random data in ${file} ...`);
  const fd = openSync(file, "w");
  const chunk = 8 * 1024 * 1024;
  for (let done = 0; done < fileSize; done += chunk)
    writeSync(fd, randomBytes(Math.min(chunk, fileSize - done)));
  closeSync(fd);
}
// Warm the page cache so every server reads from memory, as a hot web seed does.
spawnSync("sh", ["-c", `cat '${file}' > /dev/null`]);

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

async function waitForPort(port, child) {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}`);
    const ok = await fetch(`http://127.0.0.1:${port}/big.bin`, { method: "HEAD" }).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server on ${port} did not come up`);
}

const servers = {
  async seedpress(port) {
    const code = `
      import { createWebseedServer } from ${JSON.stringify(dist)};
      const s = createWebseedServer({ root: ${JSON.stringify(root)} });
      await s.listen(${port}, "127.0.0.1");`;
    return spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "inherit" });
  },
  async nginx(port) {
    const prefix = join(dataDir, "nginx");
    mkdirSync(join(prefix, "logs"), { recursive: true });
    const conf = join(prefix, "nginx.conf");
    writeFileSync(
      conf,
      `daemon off;
worker_processes 1;
user root;
pid ${prefix}/nginx.pid;
error_log ${prefix}/logs/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 10000000;
  keepalive_timeout 65;
  client_body_temp_path ${prefix}/body;
  proxy_temp_path ${prefix}/proxy;
  fastcgi_temp_path ${prefix}/fastcgi;
  uwsgi_temp_path ${prefix}/uwsgi;
  scgi_temp_path ${prefix}/scgi;
  server {
    listen 127.0.0.1:${port};
    root ${root};
  }
}
`,
    );
    return spawn("nginx", ["-p", prefix, "-c", conf], { stdio: "inherit" });
  },
  async "express.static"(port) {
    const express = join(repo, "node_modules/express/index.js");
    const code = `
      import express from ${JSON.stringify(express)};
      const app = express();
      app.use(express.static(${JSON.stringify(root)}));
      app.listen(${port}, "127.0.0.1");`;
    return spawn(process.execPath, ["--input-type=module", "-e", code], { stdio: "inherit" });
  },
};

const lua = join(dataDir, "ranges.lua");
writeFileSync(
  lua,
  `-- Random aligned ranges of RANGE_LEN bytes, like a client fetching pieces from a web seed.
local size = tonumber(os.getenv("FILE_SIZE"))
local len = tonumber(os.getenv("RANGE_LEN"))
local blocks = math.floor(size / len)
local counter = 0
setup = function(thread)
  counter = counter + 1
  thread:set("seed", counter)
end
init = function(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end
request = function()
  local start = math.random(0, blocks - 1) * len
  return wrk.format("GET", "/big.bin", { ["Range"] = "bytes=" .. start .. "-" .. (start + len - 1) })
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %d %d %d %d %d\\n", summary.requests, summary.duration, latency:percentile(99),
    e.connect + e.read + e.write + e.timeout, e.status))
end
`,
);

function runWrk(port, rangeLen) {
  return runWrkFor(port, rangeLen, seconds);
}

function runWrkFor(port, rangeLen, duration) {
  const r = spawnSync(
    "wrk",
    [
      "-t",
      String(threads),
      "-c",
      String(connections),
      "-d",
      `${duration}s`,
      "-s",
      lua,
      `http://127.0.0.1:${port}/big.bin`,
    ],
    { env: { ...process.env, FILE_SIZE: String(fileSize), RANGE_LEN: String(rangeLen) }, encoding: "utf8" },
  );
  const line = r.stdout.split("\n").find((l) => l.startsWith("RESULT "));
  if (!line) throw new Error(`wrk failed: ${r.stdout}\n${r.stderr}`);
  const [requests, durationUs, p99Us, errors, non2xx] = line.split(" ").slice(1).map(Number);
  const reqPerSec = requests / (durationUs / 1e6);
  return { reqPerSec, mbPerSec: (reqPerSec * rangeLen) / 1e6, p99Ms: p99Us / 1000, errors, non2xx };
}

const sizes = [
  ["1 MiB", 1024 * 1024],
  ["16 KiB", 16 * 1024],
];
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

/** CPU seconds (user + system) of a process and its children (nginx: master + worker). */
function cpuSeconds(pid) {
  const pids = [
    pid,
    ...spawnSync("pgrep", ["-P", String(pid)], { encoding: "utf8" })
      .stdout.split(/\s+/)
      .filter(Boolean)
      .map(Number),
  ];
  const ticks = Number(spawnSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).stdout.trim()) || 100;
  let total = 0;
  for (const p of pids) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / ticks;
    } catch {}
  }
  return total;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// All servers run side by side; rounds interleave them so that load from anything else on the machine
// falls on each server alike. Each figure is the median over the rounds.
const running = [];
try {
  for (const [name, start] of Object.entries(servers)) {
    if (only && !only.includes(name)) continue;
    const port = await freePort();
    const child = await start(port);
    running.push({ name, port, child });
    await waitForPort(port, child);
  }
  const results = {};
  for (const [label, len] of sizes) {
    for (const s of running) runWrkFor(s.port, len, 1); // warm-up
    const samples = Object.fromEntries(running.map((s) => [s.name, []]));
    for (let round = 0; round < rounds; round++) {
      const order = running.map((_, i) => running[(i + round) % running.length]);
      for (const s of order) {
        const cpu0 = cpuSeconds(s.child.pid);
        const r = runWrk(s.port, len);
        r.cpuUsPerReq = ((cpuSeconds(s.child.pid) - cpu0) * 1e6) / (r.reqPerSec * seconds);
        samples[s.name].push(r);
      }
    }
    for (const s of running) {
      const xs = samples[s.name];
      const r = {
        reqPerSec: median(xs.map((x) => x.reqPerSec)),
        mbPerSec: median(xs.map((x) => x.mbPerSec)),
        p99Ms: median(xs.map((x) => x.p99Ms)),
        cpuUsPerReq: median(xs.map((x) => x.cpuUsPerReq)),
        errors: xs.reduce((a, x) => a + x.errors, 0),
        non2xx: xs.reduce((a, x) => a + x.non2xx, 0),
      };
      results[s.name] = results[s.name] ?? {};
      results[s.name][label] = r;
      console.log(
        `${s.name.padEnd(15)} ${label.padEnd(7)} ${r.mbPerSec.toFixed(0).padStart(6)} MB/s ${r.reqPerSec.toFixed(0).padStart(7)} req/s  p99 ${r.p99Ms.toFixed(2).padStart(7)} ms  server CPU ${r.cpuUsPerReq.toFixed(0).padStart(5)} us/req  errors ${r.errors} non-2xx ${r.non2xx}`,
      );
    }
  }

  console.log(`\nratios (median of ${rounds} interleaved ${seconds}s runs; throughput, higher is better):`);
  const ours = results.seedpress;
  for (const [label] of sizes) {
    const parts = [];
    const ratio = (a, b) => (a[label].reqPerSec / b[label].reqPerSec).toFixed(2);
    if (ours && results.nginx) parts.push(`seedpress/nginx ${ratio(ours, results.nginx)}x`);
    if (ours && results["express.static"])
      parts.push(`seedpress/express.static ${ratio(ours, results["express.static"])}x`);
    if (results["express.static"] && results.nginx)
      parts.push(`express.static/nginx ${ratio(results["express.static"], results.nginx)}x`);
    console.log(`  ${label.padEnd(7)} ${parts.join("  ")}`);
  }
} finally {
  for (const s of running) s.child.kill("SIGTERM");
  await Promise.all(
    running.map((s) => new Promise((r) => (s.child.exitCode !== null ? r() : s.child.once("exit", r)))),
  );
  if (process.env.BENCH_KEEP_DATA !== "1") rmSync(join(dataDir, "nginx"), { recursive: true, force: true });
}
