import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { afterEach, describe, expect, it } from "vitest";
import {
  createHttpHandler,
  type RunningTracker,
  startTracker,
  Tracker,
  trackerRouter,
} from "../src/index.js";
import type { StoreTotals } from "../src/store.js";
import {
  announce,
  announceQuery,
  compactPeers,
  decode,
  get,
  hex20,
  pct,
  peerIdBytes,
  text,
} from "./helpers.js";

const H1 = hex20(1);
const H2 = hex20(2);
const H3 = hex20(3);
let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(options: Parameters<typeof startTracker>[0] = {}) {
  running = await startTracker({ allow: [H1, H2], udpPort: false, rateLimit: false, ...options });
  return running.httpUrl!;
}

describe("HTTP announce", () => {
  it("answers compact announces with the other peers, counts, interval, min interval and tracker id", async () => {
    const url = await start({ interval: 600, minInterval: 60, trackerId: "tid42" });
    const first = await announce(url, { infoHash: H1, peerId: peerIdBytes(1), port: 7001, event: "started" });
    expect(first.status).toBe(200);
    expect(first.data.interval).toBe(600);
    expect(first.data["min interval"]).toBe(60);
    expect(text(first.data["tracker id"])).toBe("tid42");
    expect(compactPeers(first.data.peers)).toEqual([]);
    const second = await announce(url, {
      infoHash: H1,
      peerId: peerIdBytes(2),
      port: 7002,
      left: 0,
      event: "started",
    });
    expect(compactPeers(second.data.peers)).toEqual(["127.0.0.1:7001"]);
    expect(second.data.complete).toBe(1);
    expect(second.data.incomplete).toBe(1);
    const again = await announce(url, { infoHash: H1, peerId: peerIdBytes(1), port: 7001 });
    expect(compactPeers(again.data.peers)).toEqual(["127.0.0.1:7002"]);
  });

  it("answers the dictionary form with ip, peer id and port, and leaves peer ids out on no_peer_id", async () => {
    const url = await start();
    await announce(url, { infoHash: H1, peerId: peerIdBytes(7), port: 7007 });
    const dict = await announce(url, { infoHash: H1, peerId: peerIdBytes(8), port: 7008, compact: 0 });
    expect(dict.data.peers).toHaveLength(1);
    expect(text(dict.data.peers[0].ip)).toBe("127.0.0.1");
    expect(dict.data.peers[0].port).toBe(7007);
    expect(Buffer.from(dict.data.peers[0]["peer id"]).equals(peerIdBytes(7))).toBe(true);
    const noId = await announce(url, {
      infoHash: H1,
      peerId: peerIdBytes(8),
      port: 7008,
      compact: 0,
      extra: "no_peer_id=1",
    });
    expect(noId.data.peers[0]["peer id"]).toBeUndefined();
  });

  it("lists IPv6 peers in peers6 (18 bytes each) and IPv4 peers in peers", async () => {
    const tracker = await new Tracker({ allow: [H1], rateLimit: false }).ready();
    const handler = createHttpHandler(tracker);
    const v4 = createServer(handler).listen(0, "127.0.0.1");
    const v6 = createServer(handler).listen(0, "::1");
    await Promise.all([
      new Promise((r) => v4.once("listening", r)),
      new Promise((r) => v6.once("listening", r)),
    ]);
    try {
      const u4 = `http://127.0.0.1:${(v4.address() as AddressInfo).port}/announce`;
      const u6 = `http://[::1]:${(v6.address() as AddressInfo).port}/announce`;
      await announce(u6, { infoHash: H1, peerId: peerIdBytes(1), port: 5001 });
      const fromV4 = await announce(u4, { infoHash: H1, peerId: peerIdBytes(2), port: 5002 });
      const p6 = Buffer.from(fromV4.data.peers6);
      expect(p6.length).toBe(18);
      expect(p6.subarray(0, 16).equals(Buffer.from("00000000000000000000000000000001", "hex"))).toBe(true);
      expect(p6.readUInt16BE(16)).toBe(5001);
      const fromV6 = await announce(u6, { infoHash: H1, peerId: peerIdBytes(1), port: 5001 });
      expect(compactPeers(fromV6.data.peers)).toEqual(["127.0.0.1:5002"]);
      expect(fromV6.data.peers6).toBeUndefined();
    } finally {
      v4.close();
      v6.close();
      await tracker.close();
    }
  });

  it("counts completed once per peer, removes a stopped peer and frees the empty swarm", async () => {
    const url = await start();
    const tracker = running!.tracker;
    await announce(url, { infoHash: H1, peerId: peerIdBytes(1), event: "started" });
    const done = await announce(url, { infoHash: H1, peerId: peerIdBytes(1), left: 0, event: "completed" });
    expect(done.data.downloaded).toBe(1);
    expect(done.data.complete).toBe(1);
    expect(done.data.incomplete).toBe(0);
    const repeat = await announce(url, { infoHash: H1, peerId: peerIdBytes(1), left: 0, event: "completed" });
    expect(repeat.data.downloaded).toBe(1);
    expect((tracker.store.totals() as StoreTotals).swarms).toBe(1);
    const stopped = await announce(url, { infoHash: H1, peerId: peerIdBytes(1), left: 0, event: "stopped" });
    expect(stopped.data.complete).toBe(0);
    expect(tracker.store.totals()).toMatchObject({ swarms: 0, peers: 0 });
    const scrape = decode(
      (await get(`${url.replace("announce", "scrape")}?info_hash=${pct(Buffer.from(H1, "hex"))}`)).body,
    );
    const entry = Object.values(scrape.files)[0] as { downloaded: number };
    expect(entry.downloaded).toBe(1);
  });

  it("a stopped from another address cannot remove a peer, whatever peer id it sends", async () => {
    const tracker = await new Tracker({ allow: [H1], rateLimit: false }).ready();
    const handler = createHttpHandler(tracker);
    const v4 = createServer(handler).listen(0, "127.0.0.1");
    const v6 = createServer(handler).listen(0, "::1");
    await Promise.all([
      new Promise((r) => v4.once("listening", r)),
      new Promise((r) => v6.once("listening", r)),
    ]);
    try {
      await announce(`http://127.0.0.1:${(v4.address() as AddressInfo).port}/announce`, {
        infoHash: H1,
        peerId: peerIdBytes(1),
      });
      await announce(`http://[::1]:${(v6.address() as AddressInfo).port}/announce`, {
        infoHash: H1,
        peerId: peerIdBytes(1),
        event: "stopped",
      });
      expect((tracker.store.totals() as StoreTotals).peers).toBe(1);
    } finally {
      v4.close();
      v6.close();
      await tracker.close();
    }
  });

  it("returns 50 peers by default and caps numwant at 200", async () => {
    const url = await start();
    for (let i = 0; i < 260; i++)
      await announce(url, { infoHash: H2, peerId: peerIdBytes(i), port: 10000 + i, numwant: 0 });
    const def = await announce(url, { infoHash: H2, peerId: peerIdBytes(999), port: 9999 });
    expect(compactPeers(def.data.peers)).toHaveLength(50);
    const huge = await announce(url, {
      infoHash: H2,
      peerId: peerIdBytes(999),
      port: 9999,
      numwant: 100000000,
    });
    const peers = compactPeers(huge.data.peers);
    expect(peers).toHaveLength(200);
    expect(new Set(peers).size).toBe(200);
    expect(peers).not.toContain("127.0.0.1:9999");
    const all = await announce(url, { infoHash: H2, peerId: peerIdBytes(5), port: 10005, numwant: 200 });
    expect(compactPeers(all.data.peers)).not.toContain("127.0.0.1:10005");
  });

  it("refuses every malformed announce with a bencoded failure reason and HTTP 200, and stays up", async () => {
    const url = await start();
    const ih = pct(Buffer.from(H1, "hex"));
    const pid = pct(peerIdBytes(1));
    const base = "port=6881&uploaded=0&downloaded=0&left=5";
    const cases: [string, RegExp][] = [
      [`peer_id=${pid}&${base}`, /missing info_hash/],
      [`info_hash=${pct(Buffer.alloc(19, 1))}&peer_id=${pid}&${base}`, /invalid info_hash/],
      [`info_hash=${pct(Buffer.alloc(21, 1))}&peer_id=${pid}&${base}`, /invalid info_hash/],
      [`info_hash=%zz${ih.slice(3)}&peer_id=${pid}&${base}`, /invalid info_hash/],
      [`info_hash=${ih}&${base}`, /missing peer_id/],
      [`info_hash=${ih}&peer_id=${pct(Buffer.alloc(19, 65))}&${base}`, /invalid peer_id/],
      [`info_hash=${ih}&peer_id=${pct(Buffer.alloc(21, 65))}&${base}`, /invalid peer_id/],
      [`info_hash=${ih}&peer_id=${pid}&uploaded=0&downloaded=0&left=5`, /missing port/],
      [`info_hash=${ih}&peer_id=${pid}&port=0&left=5`, /invalid port/],
      [`info_hash=${ih}&peer_id=${pid}&port=65536&left=5`, /invalid port/],
      [`info_hash=${ih}&peer_id=${pid}&port=68a1&left=5`, /invalid port/],
      [`info_hash=${ih}&peer_id=${pid}&port=-1&left=5`, /invalid port/],
      [`info_hash=${ih}&peer_id=${pid}&port=6881&left=lots`, /invalid left/],
      [`info_hash=${ih}&peer_id=${pid}&port=6881&uploaded=1e5`, /invalid uploaded/],
      [`info_hash=${ih}&peer_id=${pid}&port=6881&downloaded=-3`, /invalid downloaded/],
      [`info_hash=${ih}&peer_id=${pid}&port=6881&numwant=ten`, /invalid numwant/],
      [`info_hash=${ih}&peer_id=${pid}&port=6881&event=finished`, /invalid event/],
      [`info_hash=${pct(Buffer.from(H3, "hex"))}&peer_id=${pid}&${base}`, /not served/],
      ["", /missing info_hash/],
    ];
    for (const [query, reason] of cases) {
      const res = await get(`${url}?${query}`);
      expect(res.status, query).toBe(200);
      const data = decode(res.body);
      expect(text(data["failure reason"]), query).toMatch(reason);
      expect(data.peers, query).toBeUndefined();
    }
    const ok = await announce(url, { infoHash: H1 });
    expect(ok.data["failure reason"]).toBeUndefined();
    const metrics = await get(url.replace("announce", "metrics"));
    expect(metrics.body.toString()).toMatch(/seedpress_tracker_failures_total\{reason="invalid port"\} 4/);
  });

  it("answers garbage request lines with 400 and keeps serving", async () => {
    const url = await start();
    const { port } = new URL(url);
    const net = await import("node:net");
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect(Number(port), "127.0.0.1", () => s.write("\x00\x01GARBAGE\r\n\r\n"));
      let data = "";
      s.on("data", (d) => {
        data += d;
      });
      s.on("close", () => resolve(data));
    });
    expect(reply).toMatch(/^HTTP\/1\.1 400/);
    expect((await announce(url, { infoHash: H1 })).status).toBe(200);
  });
});

describe("HTTP scrape (BEP 48)", () => {
  it("answers many info hashes at once, leaving out hashes it does not serve", async () => {
    const url = await start();
    await announce(url, { infoHash: H1, peerId: peerIdBytes(1), left: 0 });
    await announce(url, { infoHash: H1, peerId: peerIdBytes(2) });
    await announce(url, { infoHash: H2, peerId: peerIdBytes(3) });
    const q = [H2, H1, H3].map((h) => `info_hash=${pct(Buffer.from(h, "hex"))}`).join("&");
    const res = await get(`${url.replace("announce", "scrape")}?${q}`);
    expect(res.status).toBe(200);
    // The raw body must list keys in sorted order (bencode's rule); the independent decoder then reads it.
    expect(res.body.indexOf(Buffer.from(H1, "hex"))).toBeLessThan(res.body.indexOf(Buffer.from(H2, "hex")));
    const files = decode(res.body).files;
    const byHex = Object.fromEntries(
      Object.entries(files).map(([k, v]) => [Buffer.from(k, "latin1").toString("hex"), v]),
    );
    expect(byHex).toEqual({
      [H1]: { complete: 1, incomplete: 1, downloaded: 0 },
      [H2]: { complete: 0, incomplete: 1, downloaded: 0 },
    });
  });

  it("refuses a scrape without info_hash (no full scrape) or with a malformed one", async () => {
    const url = (await start()).replace("announce", "scrape");
    expect(text(decode((await get(url)).body)["failure reason"])).toMatch(/missing info_hash/);
    expect(text(decode((await get(`${url}?info_hash=abc`)).body)["failure reason"])).toMatch(
      /invalid info_hash/,
    );
    const many = Array.from(
      { length: 101 },
      (_, i) => `info_hash=${pct(Buffer.from(hex20(i + 10), "hex"))}`,
    ).join("&");
    expect(text(decode((await get(`${url}?${many}`)).body)["failure reason"])).toMatch(/too many/);
  });
});

describe("addresses, limits and expiry", () => {
  it("believes X-Forwarded-For only from trusted proxies, taking the rightmost untrusted entry", async () => {
    const url = await start({ trustProxy: ["127.0.0.1"] });
    const q = announceQuery({ infoHash: H1, peerId: peerIdBytes(1), port: 6000 });
    await get(`${url}?${q}`, { "x-forwarded-for": "6.6.6.6, 203.0.113.9" });
    const seen = await announce(url, { infoHash: H1, peerId: peerIdBytes(2), port: 6001 });
    expect(compactPeers(seen.data.peers)).toEqual(["203.0.113.9:6000"]);
    await running!.close();
    const untrusted = await start();
    await get(`${untrusted}?${q}`, { "x-forwarded-for": "203.0.113.9" });
    const direct = await announce(untrusted, { infoHash: H1, peerId: peerIdBytes(2), port: 6001 });
    expect(compactPeers(direct.data.peers)).toEqual(["127.0.0.1:6000"]);
  });

  it("rate-limits announces per IP with a failure reason", async () => {
    const url = await start({ rateLimit: { burst: 3, perSecond: 0.001 } });
    for (let i = 0; i < 3; i++)
      expect((await announce(url, { infoHash: H1 })).data["failure reason"]).toBeUndefined();
    expect(text((await announce(url, { infoHash: H1 })).data["failure reason"])).toMatch(/rate limit/);
  });

  it("expires peers after 2 × interval and frees their swarm", async () => {
    let now = 1_000_000_000;
    const url = await start({ interval: 100, clock: () => now });
    const tracker = running!.tracker;
    await announce(url, { infoHash: H1, peerId: peerIdBytes(1) });
    now += 150_000;
    await announce(url, { infoHash: H1, peerId: peerIdBytes(2) });
    now += 60_000; // peer 1 is 210 s old (> 200), peer 2 is 60 s old
    await tracker.sweep();
    expect(tracker.store.totals()).toMatchObject({ swarms: 1, peers: 1 });
    now += 150_000;
    await tracker.sweep();
    expect(tracker.store.totals()).toMatchObject({ swarms: 0, peers: 0 });
  });

  it("caps peers per swarm and swarms in total, still answering", async () => {
    const url = await start({ maxPeersPerSwarm: 2, maxSwarms: 1 });
    for (let i = 0; i < 4; i++) await announce(url, { infoHash: H1, peerId: peerIdBytes(i), port: 7000 + i });
    const tracker = running!.tracker;
    expect((tracker.store.totals() as StoreTotals).peers).toBe(2);
    const other = await announce(url, { infoHash: H2, peerId: peerIdBytes(9) });
    expect(other.data["failure reason"]).toBeUndefined();
    expect((tracker.store.totals() as StoreTotals).swarms).toBe(1);
  });

  it("answers everything in open mode (opt-in)", async () => {
    const url = await start({ allow: [], open: true });
    expect((await announce(url, { infoHash: H3 })).data["failure reason"]).toBeUndefined();
  });
});

describe("express router", () => {
  it("serves announce, scrape and stats under a mount path", async () => {
    const tracker = await new Tracker({ allow: [H1], rateLimit: false }).ready();
    const app = express();
    app.use("/tracker", trackerRouter(tracker));
    app.get("/other", (_req, res) => {
      res.send("other route");
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await announce(`${base}/tracker/announce`, { infoHash: H1, peerId: peerIdBytes(1), port: 4000 });
      const res = await announce(`${base}/tracker/announce`, { infoHash: H1, peerId: peerIdBytes(2) });
      expect(compactPeers(res.data.peers)).toEqual(["127.0.0.1:4000"]);
      const stats = JSON.parse((await get(`${base}/tracker/stats.json`)).body.toString());
      expect(stats.peers).toBe(2);
      expect((await get(`${base}/other`)).body.toString()).toBe("other route");
    } finally {
      server.close();
      await tracker.close();
    }
  });
});
