// What holds for the in-memory store holds for Redis: the same HTTP and UDP tests on both — the
// allowlist, bad input, BEP 41 options, IPv6, stopped peers, scrape, the dictionary form.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type RunningTracker, type StartTrackerOptions, startTracker } from "../src/index.js";
import { announce, compactPeers, decode, get, hex20, pct, peerIdBytes, text, wsClient } from "./helpers.js";
import { RedisServer } from "./redis-server.js";
import { announcePacket, UdpClient } from "./udp-client.js";

let redis: RedisServer;
beforeAll(async () => {
  redis = await RedisServer.start();
});
afterAll(async () => {
  await redis.stop();
});
let running: RunningTracker | undefined;
const clients: UdpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.close();
  running = undefined;
});

let seq = 0;
describe.each(["memory", "redis"] as const)("%s store", (kind) => {
  // A fresh hash per test: the Redis database is shared by the tests of this file.
  const fresh = () => hex20(0x1000 + ++seq);
  const start = async (options: StartTrackerOptions) => {
    running = await startTracker({
      rateLimit: false,
      ...(kind === "redis" ? { store: redis.url } : {}),
      ...options,
    });
    return running;
  };

  it("refuses hashes not allowed and bad input with failure reasons", async () => {
    const h = fresh();
    const t = await start({ allow: [h], udpPort: false });
    const url = t.httpUrl!;
    expect(text((await announce(url, { infoHash: hex20(0xdead) })).data["failure reason"])).toMatch(
      /not served/,
    );
    expect(text((await announce(url, { infoHash: h, port: 0 })).data["failure reason"])).toMatch(
      /invalid port/,
    );
    expect(text((await announce(url, { infoHash: h, left: -1 })).data["failure reason"])).toMatch(
      /invalid left/,
    );
    const bad = decode((await get(`${url}?info_hash=zz&peer_id=x&port=1`)).body);
    expect(text(bad["failure reason"])).toMatch(/invalid info_hash/);
  });

  it("lists peers, removes stopped ones, scrapes, and answers the dictionary form", async () => {
    const h = fresh();
    const t = await start({ allow: [h], udpPort: false });
    const url = t.httpUrl!;
    await announce(url, { infoHash: h, peerId: peerIdBytes(1), port: 7001, left: 0 });
    const two = (await announce(url, { infoHash: h, peerId: peerIdBytes(2), port: 7002 })).data;
    expect(two).toMatchObject({ complete: 1, incomplete: 1 });
    expect(compactPeers(two.peers)).toEqual(["127.0.0.1:7001"]);
    const dict = (await announce(url, { infoHash: h, peerId: peerIdBytes(3), port: 7003, compact: 0 })).data;
    expect(dict.peers.map((p: { port: number }) => p.port).sort()).toEqual([7001, 7002]);
    expect(dict.peers.map((p: { "peer id": Uint8Array }) => text(p["peer id"])).sort()).toEqual(
      [peerIdBytes(1), peerIdBytes(2)].map(String),
    );
    await announce(url, { infoHash: h, peerId: peerIdBytes(2), port: 7002, event: "stopped" });
    const files = decode(
      (await get(`${url.replace("announce", "scrape")}?info_hash=${pct(Buffer.from(h, "hex"))}`)).body,
    ).files;
    expect(Object.values(files)).toEqual([{ complete: 1, incomplete: 1, downloaded: 0 }]);
  });

  it("answers a new peer of a full swarm without storing it (maxPeersPerSwarm)", async () => {
    const h = fresh();
    const t = await start({ allow: [h], udpPort: false, maxPeersPerSwarm: 2 });
    const url = t.httpUrl!;
    await announce(url, { infoHash: h, peerId: peerIdBytes(1), port: 7001, left: 0 });
    await announce(url, { infoHash: h, peerId: peerIdBytes(2), port: 7002 });
    const third = (await announce(url, { infoHash: h, peerId: peerIdBytes(3), port: 7003 })).data;
    expect(third).toMatchObject({ complete: 1, incomplete: 1 });
    expect(compactPeers(third.peers).sort()).toEqual(["127.0.0.1:7001", "127.0.0.1:7002"]);
    // A stored peer still re-announces (and turns seeder) in a full swarm.
    const again = (await announce(url, { infoHash: h, peerId: peerIdBytes(2), port: 7002, left: 0 })).data;
    expect(again).toMatchObject({ complete: 2, incomplete: 0 });
  });

  it("serves IPv6 clients with 18-byte peers6", async () => {
    const h = fresh();
    const t = await start({ host: "::1", allow: [h], udpPort: false });
    await announce(t.httpUrl!, { infoHash: h, peerId: peerIdBytes(1), port: 6001 });
    const second = (await announce(t.httpUrl!, { infoHash: h, peerId: peerIdBytes(2), port: 6002 })).data;
    const p6 = Buffer.from(second.peers6);
    expect(p6.length).toBe(18);
    expect(p6.readUInt16BE(16)).toBe(6001);
  });

  it("counts WebSocket, HTTP and UDP peers of a torrent as one swarm on every protocol", async () => {
    const h = fresh();
    const t = await start({ allow: [h], ws: true });
    const binary = Buffer.from(h, "hex").toString("latin1");
    // A browser seeder over WebSocket.
    const ws = await wsClient(t.wsUrl!);
    const seeder = {
      action: "announce",
      info_hash: binary,
      peer_id: "-WW0001-000000000001",
      numwant: 0,
      left: 0,
    };
    ws.send({ ...seeder, event: "started" });
    const joined = ws.next();
    expect(await joined).toMatchObject({ complete: 1, incomplete: 0 });
    // An HTTP leecher: its answer counts the browser seeder (which it cannot be given as a peer).
    const http = (await announce(t.httpUrl!, { infoHash: h, peerId: peerIdBytes(1), port: 7001 })).data;
    expect(http).toMatchObject({ complete: 1, incomplete: 1 });
    expect(compactPeers(http.peers)).toEqual([]);
    // A UDP leecher, then a UDP scrape.
    const c = new UdpClient("127.0.0.1", Number(new URL(t.udpUrl!.replace("udp:", "http:")).port));
    clients.push(c);
    const id = await c.connect();
    const udp = await c.request(
      announcePacket({ connectionId: id, tx: 1, infoHash: h, peerId: peerIdBytes(2), port: 7002 }),
    );
    expect([udp.readUInt32BE(12), udp.readUInt32BE(16)]).toEqual([2, 1]); // leechers, seeders
    const scrapePacket = Buffer.alloc(36);
    id.copy(scrapePacket, 0);
    scrapePacket.writeUInt32BE(2, 8);
    scrapePacket.writeUInt32BE(9, 12);
    Buffer.from(h, "hex").copy(scrapePacket, 16);
    const scraped = await c.request(scrapePacket);
    expect([scraped.readUInt32BE(8), scraped.readUInt32BE(12), scraped.readUInt32BE(16)]).toEqual([1, 0, 2]);
    // HTTP scrape and a WebSocket announce and scrape agree.
    const files = decode(
      (await get(`${t.httpUrl!.replace("announce", "scrape")}?info_hash=${pct(Buffer.from(h, "hex"))}`)).body,
    ).files;
    expect(Object.values(files)).toEqual([{ complete: 1, incomplete: 2, downloaded: 0 }]);
    ws.send(seeder);
    const again = ws.next();
    expect(await again).toMatchObject({ complete: 1, incomplete: 2 });
    ws.send({ action: "scrape", info_hash: binary });
    const scrape = ws.next();
    expect(((await scrape).files as Record<string, unknown>)[binary]).toEqual({
      complete: 1,
      incomplete: 2,
      downloaded: 0,
    });
    ws.ws.terminate();
  });

  it("UDP: announces with BEP 41 options, refuses truncated ones and unknown hashes", async () => {
    const h = fresh();
    const t = await start({ allow: [h], httpPort: false });
    const c = new UdpClient("127.0.0.1", Number(new URL(t.udpUrl!.replace("udp:", "http:")).port));
    clients.push(c);
    const id = await c.connect();
    const options = Buffer.from([2, 9, ...Buffer.from("/announce"), 0]);
    const ok = await c.request(
      announcePacket({ connectionId: id, tx: 1, infoHash: h, peerId: peerIdBytes(1), port: 5, options }),
    );
    expect(ok.readUInt32BE(0)).toBe(1);
    expect(ok.readUInt32BE(12)).toBe(1); // leechers: itself
    const cut = await c.request(
      announcePacket({
        connectionId: id,
        tx: 2,
        infoHash: h,
        peerId: peerIdBytes(1),
        port: 5,
        options: Buffer.from([2, 40, 1]),
      }),
    );
    expect(cut.subarray(8).toString()).toMatch(/BEP 41/);
    const unknown = await c.request(
      announcePacket({ connectionId: id, tx: 3, infoHash: hex20(0xbeef), peerId: peerIdBytes(1), port: 5 }),
    );
    expect(unknown.subarray(8).toString()).toMatch(/not served/);
  });
});
