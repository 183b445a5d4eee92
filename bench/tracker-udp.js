// UDP announce load (BEP 15): a small generator (8 sockets, 16 requests in flight on each, connection id
// reused, random info hashes from the allowlisted pool of 1,000, random peer ids, numwant 50) against
// our tracker, bittorrent-tracker's server and opentracker, in one run. Prints announces/s, p99, the
// server's CPU time per announce (/proc/<pid>/stat), RSS after, and the ratios. The generator shares the
// machine's cores, so at the top end it, not the tracker, sets the rate; CPU per announce is the
// fairer figure. Run it alone: flock /tmp/seedpress-bench.lock node bench/tracker-udp.js [seconds]
import { createSocket } from "node:dgram";
import { cpuMicros, fmt, POOL, rssMiB, startServer, workDir } from "./lib/tracker-bench.js";

const seconds = Number(process.argv[2] ?? 10);
const SOCKETS = 8;
const WINDOW = 16;
const hashes = POOL.map((h) => Buffer.from(h, "hex"));

async function load(port) {
  let ok = 0;
  let errors = 0;
  const latencies = [];
  let running = true;
  const sockets = [];
  await Promise.all(
    Array.from({ length: SOCKETS }, async (_, s) => {
      const socket = createSocket("udp4");
      sockets.push(socket);
      const sent = new Map();
      let tx = s << 24;
      let connectionId;
      const connect = Buffer.alloc(16);
      connect.writeUInt32BE(0x417, 0);
      connect.writeUInt32BE(0x27101980, 4);
      connect.writeUInt32BE(0, 8);
      connect.writeUInt32BE(tx, 12);
      const packet = Buffer.alloc(98);
      const send = () => {
        tx = (tx + 1) >>> 0;
        connectionId.copy(packet, 0);
        packet.writeUInt32BE(1, 8);
        packet.writeUInt32BE(tx, 12);
        hashes[Math.floor(Math.random() * hashes.length)].copy(packet, 16);
        packet.write(`-UD0001-${String(Math.floor(Math.random() * 200000)).padStart(12, "0")}`, 36, "latin1");
        packet.writeUInt32BE(0, 64);
        packet.writeUInt32BE(Math.floor(Math.random() * 4), 68);
        packet.writeInt32BE(50, 92);
        packet.writeUInt16BE(1024 + Math.floor(Math.random() * 60000), 96);
        sent.set(tx, process.hrtime.bigint());
        socket.send(packet, port, "127.0.0.1");
      };
      await new Promise((resolve) => {
        socket.on("message", (msg) => {
          const action = msg.readUInt32BE(0);
          const id = msg.readUInt32BE(4);
          if (action === 0) {
            connectionId = msg.subarray(8, 16);
            resolve();
            return;
          }
          const t0 = sent.get(id);
          if (t0 === undefined) return;
          sent.delete(id);
          if (action === 1) {
            ok++;
            if ((ok & 15) === 0) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
          } else errors++;
          if (running) send();
        });
        socket.send(connect, port, "127.0.0.1");
      });
      for (let i = 0; i < WINDOW; i++) send();
      // Lost datagrams would shrink the window: top it up every 100 ms.
      const refill = setInterval(() => {
        const now = process.hrtime.bigint();
        for (const [id, t] of sent) {
          if (now - t > 200_000_000n) {
            sent.delete(id);
            if (running) send();
          }
        }
      }, 100);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      running = false;
      clearInterval(refill);
    }),
  );
  for (const s of sockets) s.close();
  latencies.sort((a, b) => a - b);
  return { ok, errors, rps: ok / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN };
}

const dir = workDir();
const results = [];
for (const kind of ["ours", "bittorrent-tracker", "opentracker"]) {
  const server = await startServer(kind, dir);
  try {
    await new Promise((r) => setTimeout(r, 1000)); // opentracker reads its whitelist in the background
    const before = cpuMicros(server.pid);
    const r = await load(server.udp);
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
