// UDP announce load (BEP 15): a small generator (8 sockets, 16 requests in flight on each, connection id
// reused, random info hashes from the allowlisted pool of 1,000, random peer ids, numwant 50) against
// our tracker, bittorrent-tracker's server and opentracker, in one run. Prints announces/s, p99, the
// server's CPU time per announce (/proc/<pid>/stat), RSS after, and the ratios. The generator shares the
// machine's cores, so at the top end it, not the tracker, sets the rate; CPU per announce is the
// fairer figure. Run it alone: flock /tmp/seedpress-bench.lock node bench/tracker-udp.js [seconds]
import { cpuMicros, fmt, rssMiB, startServer, workDir } from "./lib/tracker-bench.js";
import { udpLoad } from "./lib/tracker-udp-load.js";

const seconds = Number(process.argv[2] ?? 10);
const SOCKETS = 8;
const WINDOW = 16;

const dir = workDir();
const results = [];
for (const kind of ["ours", "bittorrent-tracker", "opentracker"]) {
  const server = await startServer(kind, dir);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // opentracker reads its whitelist in the background
    const before = cpuMicros(server.pid);
    const r = await udpLoad(server.udp, seconds, SOCKETS, WINDOW);
    const cpu = cpuMicros(server.pid) - before;
    results.push({ kind, ...r, cpuPerReq: cpu / (r.ok + r.errors), rss: rssMiB(server.pid) });
  } finally {
    server.stop();
  }
}

console.log(
  `UDP announce, ${SOCKETS} sockets x ${WINDOW} in flight, ${seconds}s, 1,000 allowlisted info hashes, numwant=50`,
);
console.log("tracker              announces/s   p99 ms   CPU µs/announce   RSS MiB  errors");
for (const r of results) {
  console.log(
    `${r.kind.padEnd(20)} ${fmt(r.rps).padStart(11)} ${fmt(r.p99, 2).padStart(8)} ${fmt(r.cpuPerReq, 1).padStart(17)} ${fmt(r.rss, 1).padStart(9)}  ${r.errors}`,
  );
}
const [o, b, t] = ["ours", "bittorrent-tracker", "opentracker"].map((k) => results.find((r) => r.kind === k));
console.log(
  `ratios: ours/bittorrent-tracker announces/s ${fmt(o.rps / b.rps, 2)}x, CPU per announce ${fmt(b.cpuPerReq / o.cpuPerReq, 2)}x less;` +
    ` ours/opentracker announces/s ${fmt(o.rps / t.rps, 2)}x, CPU per announce ${fmt(o.cpuPerReq / t.cpuPerReq, 2)}x of opentracker's`,
);
