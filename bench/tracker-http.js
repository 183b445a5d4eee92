// HTTP announce load: wrk (-t1 -c64, keep-alive, Lua script: random info hashes from an allowlisted pool
// of 1,000, compact=1, numwant=50) against our tracker, bittorrent-tracker's server and opentracker, in
// one run. Each tracker gets a 2 s warm-up, then two back-to-back runs ("fresh", then "filled" with the first run's peers).
// Prints requests/s, p99 latency, the server's CPU time per announce (from /proc/<pid>/stat), RSS after,
// and the ratios. Run it alone: flock /tmp/seedpress-bench.lock node bench/tracker-http.js [seconds]
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { cpuMicros, fmt, rssMiB, startServer, workDir } from "./lib/tracker-bench.js";

const run = promisify(execFile);
const seconds = Number(process.argv[2] ?? 10);
const lua = fileURLToPath(new URL("./lib/tracker-announce.lua", import.meta.url));

async function wrk(port, duration = seconds) {
  const { stdout } = await run(
    "wrk",
    ["-t1", "-c64", `-d${duration}s`, "--latency", "-s", lua, `http://127.0.0.1:${port}`],
    {
      timeout: (seconds + 30) * 1000,
    },
  );
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1]);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const p99m = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
  const p99 = p99m ? Number(p99m[1]) * (p99m[2] === "us" ? 0.001 : p99m[2] === "s" ? 1000 : 1) : Number.NaN;
  const errors = /Non-2xx or 3xx responses: (\d+)|Socket errors: (.*)/.exec(stdout)?.[0] ?? "";
  return { requests, rps, p99, errors };
}

const dir = workDir();
const results = [];
for (const kind of ["ours", "bittorrent-tracker", "opentracker"]) {
  const server = await startServer(kind, dir);
  try {
    // Check it answers an allowlisted announce (opentracker loads its whitelist in the background).
    let text = "";
    for (let i = 0; i < 100; i++) {
      const probe = await fetch(
        `http://127.0.0.1:${server.http}/announce?info_hash=${"%00".repeat(19)}%01&peer_id=-PR0001-000000000001&port=1000&left=1&compact=1`,
      );
      text = Buffer.from(await probe.arrayBuffer()).toString("latin1");
      if (!text.includes("failure")) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    if (text.includes("failure")) throw new Error(`${kind} refused the probe: ${text}`);
    await wrk(server.http, 2); // warm-up (JIT, connection setup), not reported
    for (const phase of ["fresh", "filled"]) {
      const before = cpuMicros(server.pid);
      const r = await wrk(server.http);
      const cpu = cpuMicros(server.pid) - before;
      results.push({ kind, phase, ...r, cpuPerReq: cpu / r.requests, rss: rssMiB(server.pid) });
    }
  } finally {
    server.stop();
  }
}

console.log(
  `HTTP announce, wrk -t1 -c64 -d${seconds}s, keep-alive, 1,000 allowlisted info hashes, compact=1, numwant=50`,
);
console.log("tracker              phase    req/s     p99 ms   CPU µs/announce   RSS MiB  notes");
for (const r of results) {
  console.log(
    `${r.kind.padEnd(20)} ${r.phase.padEnd(7)} ${fmt(r.rps).padStart(7)} ${fmt(r.p99, 2).padStart(10)} ${fmt(r.cpuPerReq, 1).padStart(17)} ${fmt(r.rss, 1).padStart(9)}  ${r.errors}`,
  );
}
const get = (kind, phase) => results.find((r) => r.kind === kind && r.phase === phase);
for (const phase of ["fresh", "filled"]) {
  const o = get("ours", phase);
  const b = get("bittorrent-tracker", phase);
  const t = get("opentracker", phase);
  console.log(
    `ratios (${phase}): ours/bittorrent-tracker req/s ${fmt(o.rps / b.rps, 2)}x, CPU per announce ${fmt(b.cpuPerReq / o.cpuPerReq, 2)}x less;` +
      ` ours/opentracker req/s ${fmt(o.rps / t.rps, 2)}x, CPU per announce ${fmt(o.cpuPerReq / t.cpuPerReq, 2)}x of opentracker's`,
  );
}
const o1 = get("ours", "fresh");
const o2 = get("ours", "filled");
console.log(`ours filled/fresh req/s: ${fmt(o2.rps / o1.rps, 2)} (1.00 = no slow-down as swarms fill)`);
