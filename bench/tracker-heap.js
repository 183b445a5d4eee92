// Memory per peer at 100,000 peers: our MemoryStore against bittorrent-tracker's Swarm (the structure its
// server keeps peers in), fed the same peers in the same run. Counts V8 heap plus ArrayBuffer memory (our
// typed arrays live outside the V8 heap; counting both keeps the figure honest).
// Run: flock /tmp/seedpress-bench.lock node bench/tracker-heap.js
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

if (typeof gc !== "function") {
  // Re-run with the collector exposed (run-all starts benches without flags).
  const r = spawnSync(process.execPath, ["--expose-gc", fileURLToPath(import.meta.url)], {
    stdio: "inherit",
  });
  process.exit(r.status ?? 1);
}
// TRACKER_DIST: another build of the package (an older one, for a before/after figure).
const { MemoryStore } = await import(
  process.env.TRACKER_DIST ?? fileURLToPath(new URL("../packages/tracker/dist/index.js", import.meta.url))
);
const { default: Swarm } = await import(
  fileURLToPath(new URL("../test-peers/node_modules/bittorrent-tracker/lib/server/swarm.js", import.meta.url))
);

const PEERS = 100_000;
function measure() {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/** Peer n: a distinct 20-byte id, IPv4 address and port, spread over `swarms` swarms. */
function peer(n, swarms) {
  const id = `-XX0001-${String(n).padStart(12, "0")}`;
  const ip = [10, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const port = 1024 + (n % 60000);
  return { id, ip, port, swarm: n % swarms, left: n % 5 === 0 ? 0 : 1 };
}

function swarmKey(i) {
  return Buffer.from(i.toString(16).padStart(40, "0"), "hex").toString("latin1");
}

function ours(swarms) {
  const keys = Array.from({ length: swarms }, (_, i) => swarmKey(i));
  const before = measure();
  const store = new MemoryStore({ maxPeersPerSwarm: 1_000_000 });
  for (let n = 0; n < PEERS; n++) {
    const p = peer(n, swarms);
    const addr = Buffer.from([...p.ip, p.port >> 8, p.port & 255]);
    // As the HTTP parser makes it: a fresh latin1 string per request.
    const peerId = String.fromCharCode(...Buffer.from(p.id));
    store.announce({
      swarm: keys[p.swarm],
      peerId,
      addr,
      seeder: p.left === 0,
      event: 2,
      numwant: 0,
      now: 1000,
    });
  }
  const after = measure();
  if (store.totals().peers !== PEERS) throw new Error("not every peer was stored");
  return (after - before) / PEERS;
}

function theirs(swarms) {
  const hexes = Array.from({ length: swarms }, (_, i) => i.toString(16).padStart(40, "0"));
  const before = measure();
  const server = { peersCacheLength: 1_000_000, peersCacheTtl: 3_600_000 };
  const all = hexes.map((h) => new Swarm(h, server));
  for (let n = 0; n < PEERS; n++) {
    const p = peer(n, swarms);
    const ip = p.ip.join(".");
    // What its HTTP parser hands the swarm (peer_id as hex, addr as "ip:port").
    const params = {
      type: "http",
      event: "started",
      peer_id: Buffer.from(p.id).toString("hex"),
      ip,
      port: p.port,
      addr: `${ip}:${p.port}`,
      left: p.left,
      numwant: 0,
      compact: 1,
    };
    all[p.swarm].announce(params, () => undefined);
  }
  const after = measure();
  // Keep the swarms alive past the measurement (and check they hold every peer).
  const stored = all.reduce((sum, s) => sum + s.complete + s.incomplete, 0);
  if (stored !== PEERS) throw new Error(`bittorrent-tracker kept ${stored} peers`);
  return (after - before) / PEERS;
}

console.log(`memory per peer at ${PEERS.toLocaleString("en")} peers (V8 heap + ArrayBuffers, after GC)`);
console.log("layout                    ours B/peer   bittorrent-tracker B/peer   ratio");
for (const swarms of [1000, 1]) {
  const o = ours(swarms);
  // bittorrent-tracker walks every peer of a swarm on each announce, so one swarm of 100,000 takes hours.
  const t = swarms === 1 ? Number.NaN : theirs(swarms);
  const label =
    swarms === 1 ? "1 swarm of 100,000" : `${swarms.toLocaleString("en")} swarms of ${PEERS / swarms}`;
  console.log(
    `${label.padEnd(25)} ${o.toFixed(0).padStart(11)} ${(Number.isNaN(t) ? "(not run)" : t.toFixed(0)).padStart(27)}   ${Number.isNaN(t) ? "" : `${(t / o).toFixed(2)}x less`}`,
  );
}
