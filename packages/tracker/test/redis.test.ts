// The Redis store against a real redis-server: the same answers as the in-memory store, two tracker
// processes sharing one Redis (libtorrent sessions on each find each other), counts that survive
// `kill -9` of a tracker and of Redis (AOF), and Redis going away and coming back.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { readFileSync, writeFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MemoryStore, type PeerAnnounce, type SwarmStore, startTracker, Tracker } from "../src/index.js";
import {
  announce,
  compactPeers,
  decode,
  get,
  hex20,
  pct,
  peerIdBytes,
  tempDir,
  text,
  wsClient,
} from "./helpers.js";
import { RedisServer } from "./redis-server.js";
import { announcePacket, UdpClient } from "./udp-client.js";

const run = promisify(execFile);
const dist = fileURLToPath(new URL("../dist/index.js", import.meta.url));
const ltScript = fileURLToPath(new URL("./fixtures/lt_swarm.py", import.meta.url));
const H1 = hex20(0x51);
let redis: RedisServer;
const children: ChildProcess[] = [];
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});
afterEach(() => {
  for (const c of children.splice(0)) c.kill("SIGKILL");
});

interface Child {
  proc: ChildProcess;
  http: string;
  udp: string;
}

/** A tracker process on the built package, sharing `url`'s Redis. */
async function child(url: string, allow: string[], extra = ""): Promise<Child> {
  const script = `
    const { startTracker } = await import(${JSON.stringify(dist)});
    const t = await startTracker({ store: ${JSON.stringify(url)}, allow: ${JSON.stringify(allow)},
      rateLimit: false, interval: 60, minInterval: 10 ${extra} });
    process.stdout.write(JSON.stringify({ http: t.httpUrl, udp: t.udpUrl }) + "\\n");`;
  const proc = spawn(process.execPath, ["--input-type=module", "-e", script], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(proc);
  const [line] = (await once(proc.stdout!, "data")) as [Buffer];
  return { proc, ...JSON.parse(line.toString()) };
}

async function scrape(http: string, hex: string) {
  const body = (await get(`${http.replace("announce", "scrape")}?info_hash=${pct(Buffer.from(hex, "hex"))}`))
    .body;
  return Object.values(decode(body).files)[0] as { complete: number; incomplete: number; downloaded: number };
}

function peer(n: number, extra: Partial<PeerAnnounce> = {}): PeerAnnounce {
  return {
    swarm: Buffer.from(H1, "hex").toString("latin1"),
    peerId: `-RS0001-${String(n).padStart(12, "0")}`,
    addr: Buffer.from([10, 1, (n >> 8) & 0xff, n & 0xff, 0x1a, 0xe1]),
    seeder: false,
    event: 2,
    numwant: 200,
    now: 1_000_000,
    ...extra,
  };
}

describe("RedisStore", () => {
  it("answers the same counts and peer sets as the MemoryStore through one scripted history", async () => {
    const tracker = await new Tracker({ store: redis.url, allow: [H1], interval: 60 }).ready();
    const store = tracker.store;
    const memory = new MemoryStore({ peerTtl: 120 });
    const both = async (a: PeerAnnounce) => {
      const [r, m] = [await store.announce(a), memory.announce(a)];
      expect({
        ...r,
        peers4: compactPeers(r.peers4).sort(),
        peers6: Buffer.from(r.peers6).toString("hex").length,
      }).toEqual({
        ...m,
        peers4: compactPeers(m.peers4).sort(),
        peers6: Buffer.from(m.peers6).toString("hex").length,
      });
      return r;
    };
    const swarm = peer(0).swarm;
    for (let i = 0; i < 30; i++) await both(peer(i, { seeder: i % 5 === 0 }));
    await both(peer(3, { event: 3 })); // stopped
    const done = await both(peer(4, { seeder: true, event: 1 })); // completed: counted once
    expect(done).toMatchObject({ completed: true, downloaded: 1 });
    expect(await both(peer(4, { seeder: true, event: 1 }))).toMatchObject({
      completed: false,
      downloaded: 1,
    });
    // IPv6 peers share the swarm; an IPv4 asker gets its own family first.
    const v6 = Buffer.alloc(18, 0x20);
    v6[17] = 7;
    await both({ ...peer(100), addr: v6 });
    const some = await store.announce(peer(1, { numwant: 5 }));
    expect(some.peers4.length).toBe(30);
    expect(compactPeers(some.peers4)).not.toContain("10.1.0.1:6881");
    expect(await store.counts(swarm)).toEqual(memory.counts(swarm));
    expect(await store.totals()).toEqual(memory.totals());
    // Expiry: everyone but one peer announced at t0; at t0 + ttl + 1 only the refreshed one is left.
    await both(peer(7, { now: 1_000_100 }));
    await store.expire(1_000_121);
    memory.expire(1_000_121);
    expect(await store.counts(swarm)).toEqual(memory.counts(swarm));
    expect(await store.totals()).toEqual(memory.totals());
    expect(await store.totals()).toMatchObject({ swarms: 1, peers: 1 });
    await store.expire(1_000_300);
    expect(await store.totals()).toMatchObject({ swarms: 0, peers: 0, seeders: 0, peers6: 0 });
    expect((await store.counts(swarm)).downloaded).toBe(1);
    await tracker.close();
  });

  it("samples numwant fairly: every peer of a big swarm comes up about equally often", async () => {
    const store = (await new Tracker({ store: redis.url, allow: [H1], interval: 60 }).ready()).store;
    const swarm = Buffer.from(hex20(0x77), "hex").toString("latin1");
    for (let i = 0; i < 300; i++)
      await store.announce({ ...peer(i, { seeder: i < 100, numwant: 0 }), swarm });
    const seen = new Map<string, number>();
    for (let k = 0; k < 200; k++) {
      const r = await store.announce({ ...peer(1000, { numwant: 30 }), swarm });
      const got = compactPeers(r.peers4);
      expect(new Set(got).size).toBe(30);
      for (const p of got) seen.set(p, (seen.get(p) ?? 0) + 1);
    }
    // 6,000 draws over 300 peers: 20 each on average; every peer is drawn, none hogs the answers.
    expect(seen.size).toBe(300);
    expect(Math.max(...seen.values())).toBeLessThan(60);
    await store.close?.();
  });
});

describe("RedisStore's copies of hot swarms", () => {
  it("answer with this process's own announces at once, and with other processes' within peerCacheMs", async () => {
    const { RedisStore } = await import("../src/redis-store.js");
    const a = new RedisStore({ url: redis.url, prefix: "copy:", peerCacheMs: 400 });
    const b = new RedisStore({ url: redis.url, prefix: "copy:", peerCacheMs: 400 });
    await Promise.all([a.open(), b.open()]);
    const ask = (store: typeof a, n: number) =>
      store.announce(peer(n, { now: Math.floor(Date.now() / 1000) }));
    await ask(a, 1); // A fetches its copy of the swarm
    await ask(a, 2); // A's own announce: in A's copy at once
    expect(compactPeers((await ask(a, 3)).peers4).sort()).toEqual(["10.1.0.1:6881", "10.1.0.2:6881"]);
    await ask(b, 4); // another process: counted at once, listed by A once A's copy is refreshed
    const early = await ask(a, 3);
    expect(early.incomplete).toBe(4);
    expect(compactPeers(early.peers4)).not.toContain("10.1.0.4:6881");
    await new Promise((r) => setTimeout(r, 450));
    expect(compactPeers((await ask(a, 3)).peers4)).toContain("10.1.0.4:6881");
    await Promise.all([a.close(), b.close()]);
  });
});

describe("two tracker processes sharing one Redis", () => {
  it("libtorrent sessions announcing to A and to B find each other and finish; scrapes agree", async () => {
    const dir = tempDir();
    const content = join(dir, "seed");
    const leech = join(dir, "leech");
    await mkdir(content);
    await mkdir(leech);
    const data = Buffer.alloc(300_000);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7919) & 0xff;
    writeFileSync(join(content, "payload.bin"), data);
    const torrent = join(dir, "payload.torrent");
    await run("mktorrent", [
      "-l",
      "15",
      "-a",
      "http://127.0.0.1:1/announce",
      "-o",
      torrent,
      join(content, "payload.bin"),
    ]);
    const { stdout: hexOut } = await run("/usr/bin/python3", [
      "-c",
      "import libtorrent as lt,sys; print(lt.torrent_info(sys.argv[1]).info_hashes().v1)",
      torrent,
    ]);
    const hash = hexOut.trim();
    const a = await child(redis.url, [hash]);
    const b = await child(redis.url, [hash]);
    const { stdout } = await run(
      "/usr/bin/python3",
      [ltScript, torrent, content, leech, a.http, `${b.udp}/announce`],
      {
        timeout: 90_000,
      },
    );
    const result = JSON.parse(stdout);
    expect(result.errors).toEqual([]);
    expect(result.done).toBe(true);
    for (const s of result.peer_sources) expect(s & result.tracker_flag).toBe(result.tracker_flag);
    expect(readFileSync(join(leech, "payload.bin")).equals(data)).toBe(true);
    const [sa, sb] = [await scrape(a.http, hash), await scrape(b.http, hash)];
    expect(sa).toEqual(sb);
    expect(sa.complete + sa.incomplete).toBeGreaterThanOrEqual(1);
  });
});

describe("a tracker started before its Redis", () => {
  it("starts, refuses with 'tracker storage unavailable', then serves once Redis is up", async () => {
    const late = await RedisServer.prepare();
    const warnings: string[] = [];
    const running = await startTracker({
      store: late.url,
      allow: [H1],
      udpPort: false,
      rateLimit: false,
      onWarning: (e) => warnings.push(e.message),
    });
    try {
      const down = await announce(running.httpUrl!, { infoHash: H1, peerId: peerIdBytes(1) });
      expect(text(down.data["failure reason"])).toBe("tracker storage unavailable");
      expect(warnings.join("\n")).toMatch(/redis redis:\/\/127\.0\.0\.1/);
      await late.launch();
      let data: Record<string, unknown> = {};
      for (let i = 0; i < 100; i++) {
        data = (await announce(running.httpUrl!, { infoHash: H1, peerId: peerIdBytes(1) })).data;
        if (data["failure reason"] === undefined) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(data).toMatchObject({ incomplete: 1 });
    } finally {
      await running.close();
      await late.stop();
    }
  });
});

describe("WebSocket signalling across processes", () => {
  it("an offer from a peer on A reaches a peer on B, and only its answer comes back, to that connection", async () => {
    const hash = hex20(0x3c);
    const ih = Buffer.from(hash, "hex").toString("latin1");
    const a = await child(redis.url, [hash], ", ws: true");
    const b = await child(redis.url, [hash], ", ws: true");
    const wsUrl = (c: Child) => c.http.replace("http:", "ws:").replace("/announce", "");
    const pid = (n: number) => `-WW0001-${String(n).padStart(12, "0")}`;
    const oid = `offer-${"7".repeat(14)}`;
    const onB = await wsClient(wsUrl(b));
    const onA = await wsClient(wsUrl(a));
    try {
      onB.send({
        action: "announce",
        info_hash: ih,
        peer_id: pid(2),
        numwant: 0,
        left: 10,
        event: "started",
      });
      expect(await onB.next()).toMatchObject({ action: "announce", info_hash: ih });
      onA.send({
        action: "announce",
        info_hash: ih,
        peer_id: pid(1),
        numwant: 1,
        left: 10,
        event: "started",
        offers: [{ offer: { type: "offer", sdp: "v=0 a" }, offer_id: oid }],
      });
      // Both browser peers, one on each process, are in the swarm's counts on both.
      expect(await onA.next()).toMatchObject({ action: "announce", info_hash: ih, incomplete: 2 });
      expect(await scrape(b.http, hash)).toMatchObject({ complete: 0, incomplete: 2 });
      const offer = await onB.next();
      expect(offer).toMatchObject({ offer: { type: "offer", sdp: "v=0 a" }, offer_id: oid, peer_id: pid(1) });
      // A forged answer (an offer id B never got) is refused; the real one reaches A.
      onB.send({
        action: "announce",
        info_hash: ih,
        peer_id: pid(2),
        to_peer_id: pid(1),
        offer_id: `x${oid.slice(1)}`,
        answer: { type: "answer", sdp: "v=0 forged" },
      });
      expect((await onB.next())["failure reason"]).toMatch(/does not match/);
      onB.send({
        action: "announce",
        info_hash: ih,
        peer_id: pid(2),
        to_peer_id: pid(1),
        offer_id: oid,
        answer: { type: "answer", sdp: "v=0 b" },
      });
      expect(await onA.next()).toMatchObject({
        answer: { type: "answer", sdp: "v=0 b" },
        offer_id: oid,
        peer_id: pid(2),
      });
    } finally {
      onA.ws.terminate();
      onB.ws.terminate();
    }
  });
});

describe("a live peer_id is one connection's across processes", () => {
  it("a second connection claiming it on another process is refused, until the first one leaves", async () => {
    const hash = hex20(0x3d);
    const ih = Buffer.from(hash, "hex").toString("latin1");
    const a = await child(redis.url, [hash], ", ws: true");
    const b = await child(redis.url, [hash], ", ws: true");
    const wsUrl = (c: Child) => c.http.replace("http:", "ws:").replace("/announce", "");
    const id = "-WW0001-claimed00001";
    const announce = { action: "announce", info_hash: ih, peer_id: id, numwant: 0, left: 10 };
    const first = await wsClient(wsUrl(a));
    const second = await wsClient(wsUrl(b));
    const third = await wsClient(wsUrl(b));
    try {
      first.send({ ...announce, event: "started" });
      expect((await first.next())["failure reason"]).toBeUndefined();
      // Same swarm, same peer_id, other process: refused; a re-announce of the holder still works.
      second.send({ ...announce, event: "started" });
      expect((await second.next())["failure reason"]).toBe(
        "peer_id is in use by another connection in this swarm",
      );
      first.send({ ...announce, event: "update" });
      expect((await first.next())["failure reason"]).toBeUndefined();
      // Once the holder's connection closes, its claim goes with it and the id may be used again.
      first.ws.close();
      await once(first.ws, "close");
      let reply: Record<string, unknown> = {};
      for (let i = 0; i < 50; i++) {
        third.send({ ...announce, event: "started" });
        reply = await third.next();
        if (reply["failure reason"] === undefined) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(reply).toMatchObject({ action: "announce", info_hash: ih });
      expect(reply["failure reason"]).toBeUndefined();
      // And now the connection on A is the one refused.
      const fourth = await wsClient(wsUrl(a));
      try {
        fourth.send({ ...announce, event: "started" });
        expect((await fourth.next())["failure reason"]).toBe(
          "peer_id is in use by another connection in this swarm",
        );
      } finally {
        fourth.ws.terminate();
      }
    } finally {
      first.ws.terminate();
      second.ws.terminate();
      third.ws.terminate();
    }
  });
});

describe("durability and outages", () => {
  it("keeps every acknowledged completed through kill -9 of a tracker mid-flood and of Redis", async () => {
    const hash = hex20(0x99);
    const a = await child(redis.url, [hash]);
    const b = await child(redis.url, [hash]);
    let acknowledged = 0;
    const flood = (async () => {
      for (let i = 0; i < 2000; i++) {
        try {
          const r = await announce(a.http, {
            infoHash: hash,
            peerId: peerIdBytes(i),
            left: 0,
            event: "completed",
          });
          if (r.data.downloaded !== undefined) acknowledged++;
        } catch {
          return; // the process is gone
        }
      }
    })();
    while (acknowledged < 200) await new Promise((r) => setTimeout(r, 5));
    a.proc.kill("SIGKILL");
    await flood;
    expect(acknowledged).toBeGreaterThanOrEqual(200);
    const afterKill = (await scrape(b.http, hash)).downloaded;
    // Nothing acknowledged is lost; at most the one in flight was counted without its answer.
    expect(afterKill).toBeGreaterThanOrEqual(acknowledged);
    expect(afterKill).toBeLessThanOrEqual(acknowledged + 1);
    await redis.kill9();
    await redis.launch();
    let after = -1;
    for (let i = 0; i < 100 && after < 0; i++) {
      const body = (
        await get(`${b.http.replace("announce", "scrape")}?info_hash=${pct(Buffer.from(hash, "hex"))}`)
      ).body;
      const files = decode(body).files;
      if (files) after = (Object.values(files)[0] as { downloaded: number }).downloaded;
      else await new Promise((r) => setTimeout(r, 100));
    }
    expect(after).toBe(afterKill);
  });

  it("answers 'tracker storage unavailable' while Redis is down, shows it in /metrics, and recovers", async () => {
    const hash = hex20(0xaa);
    const a = await child(redis.url, [hash]);
    expect((await announce(a.http, { infoHash: hash, peerId: peerIdBytes(1) })).data.incomplete).toBe(1);
    const metrics = async () => (await get(a.http.replace("announce", "metrics"))).body.toString();
    expect(await metrics()).toMatch(/^seedpress_tracker_storage_up 1$/m);
    await redis.kill9();
    const down = await announce(a.http, { infoHash: hash, peerId: peerIdBytes(2) });
    expect(text(down.data["failure reason"])).toBe("tracker storage unavailable");
    expect(await metrics()).toMatch(/^seedpress_tracker_storage_up 0$/m);
    const udp = new UdpClient("127.0.0.1", Number(new URL(a.udp.replace("udp:", "http:")).port));
    try {
      const id = await udp.connect(); // needs no storage
      const reply = await udp.request(
        announcePacket({ connectionId: id, tx: 5, infoHash: hash, peerId: peerIdBytes(3), port: 9 }),
      );
      expect(reply.readUInt32BE(0)).toBe(3);
      expect(reply.subarray(8).toString()).toBe("tracker storage unavailable");
      await redis.launch();
      let up: Record<string, unknown> = {};
      for (let i = 0; i < 100; i++) {
        up = (await announce(a.http, { infoHash: hash, peerId: peerIdBytes(4) })).data;
        if (up["failure reason"] === undefined) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(up["failure reason"]).toBeUndefined();
      expect(up.incomplete).toBe(2); // peer 1 (kept by AOF) and peer 4
      expect(await metrics()).toMatch(/^seedpress_tracker_storage_up 1$/m);
    } finally {
      udp.close();
    }
  });
});

// A reference for the type checker: both stores satisfy the one interface.
const _stores: SwarmStore[] = [new MemoryStore()];
void _stores;
