// The UDP announce load generator shared by the tracker benchmarks: `sockets` sockets with `window`
// requests in flight each, connection id reused, random info hashes from the allowlisted pool of 1,000,
// random peer ids, numwant 50. Returns announces/s and p99 latency.
import { createSocket } from "node:dgram";
import { POOL } from "./tracker-bench.js";

const hashes = POOL.map((h) => Buffer.from(h, "hex"));

export async function udpLoad(port, seconds, SOCKETS = 8, WINDOW = 16) {
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
