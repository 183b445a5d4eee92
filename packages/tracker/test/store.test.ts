import { describe, expect, it } from "vitest";
import { MemoryStore, type PeerAnnounce } from "../src/index.js";

const SWARM = "S".repeat(20);

function peer(n: number, extra: Partial<PeerAnnounce> = {}): PeerAnnounce {
  const addr = Buffer.from([10, 0, (n >> 8) & 0xff, n & 0xff, 0x1a, 0xe1]);
  return {
    swarm: SWARM,
    peerId: `peer-${String(n).padStart(15, "0")}`,
    addr,
    seeder: false,
    event: 0,
    numwant: 50,
    now: 1000,
    ...extra,
  };
}

function entries(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length; i += 6) out.push(Buffer.from(bytes.subarray(i, i + 6)).toString("hex"));
  return out;
}

describe("MemoryStore", () => {
  it("never returns the asker, never repeats a peer, and covers every start offset", () => {
    for (let start = 0; start < 7; start++) {
      const store = new MemoryStore({ random: () => (start + 0.5) / 7 });
      for (let i = 0; i < 7; i++) store.announce(peer(i, { numwant: 0 }));
      const self = peer(3, { numwant: 6 });
      const got = entries(store.announce(self).peers4);
      expect(got).toHaveLength(6);
      expect(new Set(got).size).toBe(6);
      expect(got).not.toContain(self.addr.toString("hex"));
      const fewer = entries(store.announce(peer(3, { numwant: 4 })).peers4);
      expect(fewer).toHaveLength(4);
      expect(fewer).not.toContain(self.addr.toString("hex"));
    }
  });

  it("keeps counts right through seeding, leaving and swap-removal", () => {
    const store = new MemoryStore();
    for (let i = 0; i < 10; i++) store.announce(peer(i, { seeder: i < 3 }));
    expect(store.counts(SWARM)).toEqual({ complete: 3, incomplete: 7, downloaded: 0 });
    store.announce(peer(0, { event: 3 }));
    store.announce(peer(5, { seeder: true, event: 1 }));
    expect(store.counts(SWARM)).toEqual({ complete: 3, incomplete: 6, downloaded: 1 });
    // Every remaining peer is still found by its own key after the swaps.
    for (const i of [1, 2, 3, 4, 5, 6, 7, 8, 9]) {
      const r = store.announce(peer(i, { numwant: 200, seeder: i < 3 || i === 5 }));
      expect(entries(r.peers4)).toHaveLength(8);
    }
    expect(store.totals()).toEqual({ swarms: 1, peers: 9, seeders: 3, leechers: 6, peers6: 0 });
    for (let i = 1; i < 10; i++) store.announce(peer(i, { event: 3 }));
    expect(store.totals()).toEqual({ swarms: 0, peers: 0, seeders: 0, leechers: 0, peers6: 0 });
  });

  it("reports completed only on a leecher's (or new peer's) first completed", () => {
    const store = new MemoryStore();
    expect(store.announce(peer(1)).completed).toBe(false);
    expect(store.announce(peer(1, { seeder: true, event: 1 })).completed).toBe(true);
    expect(store.announce(peer(1, { seeder: true, event: 1 })).completed).toBe(false);
    expect(store.announce(peer(2, { seeder: true, event: 1 })).completed).toBe(true);
  });

  it("updates a peer's port in place", () => {
    const store = new MemoryStore();
    store.announce(peer(1));
    const moved = peer(1);
    moved.addr[5] = 0x99;
    store.announce(moved);
    expect(entries(store.announce(peer(2)).peers4)).toEqual([moved.addr.toString("hex")]);
  });
});

describe("MemoryStore against a plain Map model", () => {
  it("agrees on membership and counts through 20,000 random announces, stops and expiries", () => {
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const store = new MemoryStore({ peerTtl: 50, random: rand });
    const model = new Map<string, { seeder: boolean; expires: number; addr: string }>();
    let now = 1000;
    for (let step = 0; step < 20_000; step++) {
      const n = Math.floor(rand() * 3000);
      const v6 = n % 7 === 0;
      const fixed = v6
        ? Buffer.concat([
            Buffer.from("fd000000000000000000000000ab", "hex"),
            Buffer.from([n >> 8, n & 255, 0x1a, 0xe1]),
          ])
        : Buffer.from([10, 1, (n >> 8) & 255, n & 255, 0x1a, 0xe1]);
      const peerId = `p-${String(n).padStart(18, "0")}`;
      const key = `${peerId}/${fixed.toString("hex")}`;
      const r = rand();
      if (r < 0.15) {
        store.announce({ swarm: SWARM, peerId, addr: fixed, seeder: false, event: 3, numwant: 0, now });
        model.delete(key);
      } else {
        const seeder = rand() < 0.3;
        const res = store.announce({
          swarm: SWARM,
          peerId,
          addr: fixed,
          seeder,
          event: 0,
          numwant: 200,
          now,
        });
        model.set(key, { seeder, expires: now + 50, addr: fixed.toString("hex") });
        // Every returned peer is a live one, never the asker, never twice.
        const seen = new Set<string>();
        for (let i = 0; i < res.peers4.length; i += 6)
          seen.add(Buffer.from(res.peers4.subarray(i, i + 6)).toString("hex"));
        for (let i = 0; i < res.peers6.length; i += 18)
          seen.add(Buffer.from(res.peers6.subarray(i, i + 18)).toString("hex"));
        expect(seen.size).toBe(res.peers4.length / 6 + res.peers6.length / 18);
        expect(seen.has(fixed.toString("hex"))).toBe(false);
        expect(seen.size).toBe(Math.min(200, model.size - 1));
      }
      if (step % 500 === 0) {
        now += 20;
        store.expire(now);
        for (const [k, v] of model) if (v.expires < now) model.delete(k);
      }
      if (step % 250 === 0) {
        const seeders = [...model.values()].filter((v) => v.seeder).length;
        expect(store.totals()).toMatchObject({ peers: model.size, seeders, leechers: model.size - seeders });
        expect(store.counts(SWARM)).toMatchObject({ complete: seeders, incomplete: model.size - seeders });
      }
    }
  });
});
