// The tracker beyond one process: HTTP and UDP announces per second, p50/p99 and server CPU per announce
// for (a) one process with the in-memory store, (b) one process with Redis, (c) `seedpress tracker
// --workers 2` with Redis — beside opentracker and bittorrent-tracker in the same run — and Redis
// used_memory per peer at 100,000 peers (1,000 swarms of 100, and one swarm of 100,000).
// CPU per announce counts the tracker's processes (all workers) and, separately, redis-server's.
// HTTP: wrk -t1 -c64, keep-alive, 1,000 allowlisted hashes, compact, numwant 50 (bench/lib/tracker-announce.lua).
// Run it alone: flock /tmp/bench.lock node bench/tracker-scale.js [seconds]
import { execFile, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cpuMicros, fmt, freePort, startServer, workDir } from "./lib/tracker-bench.js";
import { udpLoad } from "./lib/tracker-udp-load.js";

const run = promisify(execFile);
const seconds = Number(process.argv[2] ?? 8);
const lua = fileURLToPath(new URL("./lib/tracker-announce.lua", import.meta.url));
const cli = fileURLToPath(new URL("../apps/cli/dist/index.js", import.meta.url));
const dist = fileURLToPath(new URL("../packages/tracker/dist/index.js", import.meta.url));

async function wrk(port, duration) {
  const { stdout } = await run(
    "wrk",
    ["-t1", "-c64", `-d${duration}s`, "--latency", "-s", lua, `http://127.0.0.1:${port}`],
    { timeout: (duration + 30) * 1000 },
  );
  const ms = (re) => {
    const m = re.exec(stdout);
    return m ? Number(m[1]) * (m[2] === "us" ? 0.001 : m[2] === "s" ? 1000 : 1) : Number.NaN;
  };
  return {
    requests: Number(/(\d+) requests in/.exec(stdout)?.[1]),
    rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]),
    p50: ms(/50%\s+([\d.]+)(us|ms|s)/),
    p99: ms(/99%\s+([\d.]+)(us|ms|s)/),
    errors: /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout)?.[0] ?? "",
  };
}

/** A process and its descendants (the workers of --workers N). */
function tree(pid) {
  const out = [pid];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const kids = readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").trim();
    for (const k of kids ? kids.split(" ") : []) out.push(...tree(Number(k)));
  }
  return out;
}

const cpuOf = (pids) => pids.reduce((sum, p) => sum + cpuMicros(p), 0);

/** Idle and total ticks of the whole box (every core), to show how much CPU was left unused. */
function boxTicks() {
  const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
}

async function startRedis(dir) {
  const port = await freePort();
  const proc = spawn(
    "/usr/bin/redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes"],
    { stdio: ["ignore", "pipe", "ignore"] },
  );
  await new Promise((resolve) => {
    let text = "";
    proc.stdout.on("data", (d) => {
      text += d;
      if (text.includes("Ready to accept")) resolve();
    });
  });
  const cli = (...args) => run("redis-cli", ["-p", String(port), ...args]).then((r) => r.stdout.trim());
  return { port, pid: proc.pid, url: `redis://127.0.0.1:${port}/0`, cli, stop: () => proc.kill("SIGKILL") };
}

async function startWorkers(dir, redisUrl) {
  const http = await freePort();
  const udp = await freePort();
  const child = spawn(
    process.execPath,
    [
      cli,
      "tracker",
      "--workers",
      "2",
      "--store",
      redisUrl,
      "--http-port",
      String(http),
      "--udp-port",
      String(udp),
      "--allow",
      join(dir, "whitelist.txt"),
      "--rate-limit",
      "1000000000:1000000000",
      "--json",
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve) => child.stdout.once("data", resolve));
  return { pid: child.pid, http, udp, stop: () => child.kill("SIGTERM") };
}

async function measure(name, server, redis) {
  const rows = [];
  const pids = () => tree(server.pid);
  await wrk(server.http, 2); // warm-up (JIT, connections), not reported
  for (const proto of ["http", "udp"]) {
    const before = cpuOf(pids());
    const redisBefore = redis ? cpuMicros(redis.pid) : 0;
    const box = boxTicks();
    const r = proto === "http" ? await wrk(server.http, seconds) : await udpLoad(server.udp, seconds);
    const n = proto === "http" ? r.requests : r.ok + r.errors;
    const cpu = cpuOf(pids()) - before;
    const redisCpu = redis ? cpuMicros(redis.pid) - redisBefore : 0;
    const boxAfter = boxTicks();
    const idle = (boxAfter.idle - box.idle) / (boxAfter.total - box.total);
    rows.push({
      name,
      proto,
      rps: r.rps,
      p50: r.p50,
      p99: r.p99,
      cpu: cpu / n,
      redisCpu: redisCpu / n,
      errors: r.errors,
      idle,
    });
  }
  return rows;
}

/** Redis bytes per peer: 100,000 peers through the store, used_memory before and after. */
async function memoryPerPeer(redis, layout) {
  await redis.cli("FLUSHALL");
  const { Tracker } = await import(dist);
  const tracker = await new Tracker({ store: redis.url, open: true, rateLimit: false }).ready();
  const before = Number(/used_memory:(\d+)/.exec(await redis.cli("INFO", "memory"))[1]);
  const now = Math.floor(Date.now() / 1000);
  const swarms = layout === "spread" ? 1000 : 1;
  const tasks = [];
  for (let i = 0; i < 100_000; i++) {
    const swarm = Buffer.alloc(20);
    swarm.writeUInt32BE(i % swarms, 16);
    const addr = Buffer.from([10, (i >> 16) & 255, (i >> 8) & 255, i & 255, 0x1a, 0xe1]);
    const peerId = `-BM0001-${String(i).padStart(12, "0")}`;
    tasks.push(
      tracker.store.announce({
        swarm: swarm.toString("latin1"),
        peerId,
        addr,
        seeder: i % 3 === 0,
        event: 2,
        numwant: 0,
        now,
      }),
    );
    if (tasks.length === 500) await Promise.all(tasks.splice(0));
  }
  await Promise.all(tasks);
  const after = Number(/used_memory:(\d+)/.exec(await redis.cli("INFO", "memory"))[1]);
  await tracker.close();
  return (after - before) / 100_000;
}

const dir = workDir();
const results = [];
const memory = {};
const redis = await startRedis(dir);
try {
  for (const kind of ["memory", "redis", "workers2-redis", "opentracker", "bittorrent-tracker"]) {
    await redis.cli("FLUSHALL");
    let server;
    if (kind === "memory") server = await startServer("ours", dir);
    else if (kind === "redis") {
      process.env.TRACKER_STORE = redis.url;
      server = await startServer("ours", dir);
      delete process.env.TRACKER_STORE;
    } else if (kind === "workers2-redis") server = await startWorkers(dir, redis.url);
    else server = await startServer(kind, dir);
    try {
      await new Promise((r) => setTimeout(r, 1000)); // opentracker reads its whitelist in the background
      results.push(...(await measure(kind, server, kind.includes("redis") ? redis : undefined)));
    } finally {
      server.stop();
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  memory.spread = await memoryPerPeer(redis, "spread");
  memory.hot = await memoryPerPeer(redis, "hot");
} finally {
  redis.stop();
}

const load = readFileSync("/proc/loadavg", "utf8").split(" ").slice(0, 3).join(" ");
console.log(
  `tracker scale, ${seconds}s per run, 1,000 allowlisted hashes, numwant 50; load average before end: ${load}`,
);
console.log(
  "HTTP: wrk -t1 -c64 keep-alive; UDP: 8 sockets x 16 in flight (the generator shares the 2 cores)",
);
console.log(
  "tracker              proto    req/s    p50 ms   p99 ms   CPU µs/announce (tracker + redis)  box idle  errors",
);
for (const r of results) {
  const cpu = r.redisCpu > 0 ? `${fmt(r.cpu, 1)} + ${fmt(r.redisCpu, 1)}` : fmt(r.cpu, 1);
  console.log(
    `${r.name.padEnd(20)} ${r.proto.padEnd(5)} ${fmt(r.rps).padStart(8)} ${fmt(r.p50, 2).padStart(9)} ${fmt(r.p99, 2).padStart(8)}   ${cpu.padStart(22)}  ${fmt(100 * r.idle, 0).padStart(6)} %  ${r.errors}`,
  );
}
const get = (name, proto) => results.find((r) => r.name === name && r.proto === proto);
for (const proto of ["http", "udp"]) {
  const [a, b, c, o, bt] = ["memory", "redis", "workers2-redis", "opentracker", "bittorrent-tracker"].map(
    (k) => get(k, proto),
  );
  console.log(
    `${proto}: (c)/(b) ${fmt(c.rps / b.rps, 2)}x (target 1.6x); (b)/bittorrent-tracker ${fmt(b.rps / bt.rps, 2)}x (target 5x); ` +
      `(a)/bittorrent-tracker ${fmt(a.rps / bt.rps, 2)}x (target 5x); (a)/opentracker ${fmt(a.rps / o.rps, 2)}x; ` +
      `(a) CPU ${fmt(a.cpu, 1)} µs/announce (target ≤ 30 over HTTP)`,
  );
}
console.log(
  `Redis used_memory per peer at 100,000 peers: ${fmt(memory.spread, 0)} B (1,000 swarms of 100), ${fmt(memory.hot, 0)} B (one swarm of 100,000); target ≤ 200 B`,
);
