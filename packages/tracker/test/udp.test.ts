import type { RemoteInfo } from "node:dgram";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker, Tracker, UdpTracker } from "../src/index.js";
import { hex20, peerIdBytes } from "./helpers.js";
import { announcePacket, scrapePacket, UdpClient } from "./udp-client.js";

const H1 = hex20(1);
const H2 = hex20(2);
let running: RunningTracker | undefined;
const clients: UdpClient[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await running?.close();
  running = undefined;
});

function client(host: string, port: number): UdpClient {
  const c = new UdpClient(host, port);
  clients.push(c);
  return c;
}

function ipv4Peers(msg: Buffer): string[] {
  const out: string[] = [];
  for (let i = 20; i + 6 <= msg.length; i += 6)
    out.push(`${msg.subarray(i, i + 4).join(".")}:${msg.readUInt16BE(i + 4)}`);
  return out;
}

function errorText(msg: Buffer): string {
  expect(msg.readUInt32BE(0)).toBe(3);
  return msg.subarray(8).toString();
}

describe("UDP tracker (BEP 15)", () => {
  it("connects, announces and returns 6-byte IPv4 peers with interval, leechers and seeders", async () => {
    running = await startTracker({ allow: [H1], httpPort: false, rateLimit: false, interval: 900 });
    const port = Number(new URL(running.udpUrl!).port);
    const a = client("127.0.0.1", port);
    const b = client("127.0.0.1", port);
    const idA = await a.connect();
    const idB = await b.connect();
    let tx = a.tx();
    const first = await a.request(
      announcePacket({
        connectionId: idA,
        tx,
        infoHash: H1,
        peerId: peerIdBytes(1),
        port: 7001,
        left: 0,
        event: 2,
      }),
    );
    expect(first.readUInt32BE(0)).toBe(1);
    expect(first.readUInt32BE(4)).toBe(tx);
    expect(first.readUInt32BE(8)).toBe(900);
    tx = b.tx();
    const second = await b.request(
      announcePacket({ connectionId: idB, tx, infoHash: H1, peerId: peerIdBytes(2), port: 7002, event: 2 }),
    );
    expect(second.readUInt32BE(12)).toBe(1); // leechers
    expect(second.readUInt32BE(16)).toBe(1); // seeders
    expect(ipv4Peers(second)).toEqual(["127.0.0.1:7001"]);
  });

  it("answers IPv6 clients on udp6 with 18-byte peers", async () => {
    running = await startTracker({
      allow: [H1],
      httpPort: false,
      rateLimit: false,
      udpHosts: ["127.0.0.1", "::1"],
    });
    const port = Number(new URL(running.udpUrl!).port);
    expect(running.udp!.sockets.map((s) => s.address().family).sort()).toEqual(["IPv4", "IPv6"]);
    const port6 = running.udp!.sockets[1]!.address().port;
    const a = client("::1", port6);
    const b = client("::1", port6);
    const v4 = client("127.0.0.1", port);
    await a.request(
      announcePacket({
        connectionId: await a.connect(),
        tx: 77,
        infoHash: H1,
        peerId: peerIdBytes(1),
        port: 6001,
      }),
    );
    await v4.request(
      announcePacket({
        connectionId: await v4.connect(),
        tx: 78,
        infoHash: H1,
        peerId: peerIdBytes(3),
        port: 6003,
      }),
    );
    const r = await b.request(
      announcePacket({
        connectionId: await b.connect(),
        tx: 79,
        infoHash: H1,
        peerId: peerIdBytes(2),
        port: 6002,
      }),
    );
    expect(r.length).toBe(20 + 18);
    expect(r.subarray(20, 36).equals(Buffer.from("00000000000000000000000000000001", "hex"))).toBe(true);
    expect(r.readUInt16BE(36)).toBe(6001);
  });

  it("scrapes many hashes positionally, with zeros for hashes it does not serve", async () => {
    running = await startTracker({ allow: [H1, H2], httpPort: false, rateLimit: false });
    const c = client("127.0.0.1", Number(new URL(running.udpUrl!).port));
    const id = await c.connect();
    await c.request(
      announcePacket({
        connectionId: id,
        tx: 5,
        infoHash: H2,
        peerId: peerIdBytes(1),
        port: 6001,
        left: 0,
        event: 1,
      }),
    );
    await c.request(
      announcePacket({ connectionId: id, tx: 6, infoHash: H2, peerId: peerIdBytes(2), port: 6002 }),
    );
    const r = await c.request(scrapePacket(id, 9, [H1, hex20(99), H2]));
    expect(r.readUInt32BE(0)).toBe(2);
    expect(r.length).toBe(8 + 36);
    const triple = (i: number) => [
      r.readUInt32BE(8 + i * 12),
      r.readUInt32BE(12 + i * 12),
      r.readUInt32BE(16 + i * 12),
    ];
    expect(triple(0)).toEqual([0, 0, 0]);
    expect(triple(1)).toEqual([0, 0, 0]);
    expect(triple(2)).toEqual([1, 1, 1]); // seeders, completed, leechers
  });

  it("refuses unknown hashes, bad events and ports with error packets no bigger than the request", async () => {
    running = await startTracker({ allow: [H1], httpPort: false, rateLimit: false });
    const c = client("127.0.0.1", Number(new URL(running.udpUrl!).port));
    const id = await c.connect();
    const refusal = async (packet: Buffer, pattern: RegExp) => {
      const reply = await c.request(packet);
      expect(errorText(reply)).toMatch(pattern);
      expect(reply.length).toBeLessThanOrEqual(packet.length);
    };
    await refusal(
      announcePacket({ connectionId: id, tx: 13, infoHash: hex20(5), peerId: peerIdBytes(1), port: 1 }),
      /not served/,
    );
    await refusal(
      announcePacket({ connectionId: id, tx: 14, infoHash: H1, peerId: peerIdBytes(1), port: 1, event: 9 }),
      /invalid event/,
    );
    await refusal(
      announcePacket({ connectionId: id, tx: 15, infoHash: H1, peerId: peerIdBytes(1), port: 0 }),
      /invalid port/,
    );
    // A short packet's refusal is cut to the packet's own size.
    const short = Buffer.alloc(20);
    id.copy(short, 0);
    short.writeUInt32BE(1, 8);
    short.writeUInt32BE(16, 12);
    const cut = await c.request(short);
    expect(cut.readUInt32BE(0)).toBe(3);
    expect(cut.length).toBe(20);
  });

  it("parses BEP 41 options and refuses truncated ones", async () => {
    running = await startTracker({ allow: [H1], httpPort: false, rateLimit: false });
    const c = client("127.0.0.1", Number(new URL(running.udpUrl!).port));
    const id = await c.connect();
    const path = Buffer.from("/announce?x=1");
    const good = Buffer.concat([
      Buffer.from([1, 2, 9]),
      path.subarray(0, 9),
      Buffer.from([2, 4]),
      path.subarray(9),
      Buffer.from([0]),
    ]);
    const ok = await c.request(
      announcePacket({
        connectionId: id,
        tx: 21,
        infoHash: H1,
        peerId: peerIdBytes(1),
        port: 1,
        options: good,
      }),
    );
    expect(ok.readUInt32BE(0)).toBe(1);
    const bad = Buffer.from([2, 40, 0x2f, 0x61]);
    const r = await c.request(
      announcePacket({
        connectionId: id,
        tx: 22,
        infoHash: H1,
        peerId: peerIdBytes(1),
        port: 1,
        options: bad,
      }),
    );
    expect(errorText(r)).toMatch(/BEP 41/);
  });

  it("accepts a connection id for two time slots (about 5 minutes) and only from the address it was given to", async () => {
    const slot = 150_000;
    let now = 1000 * slot;
    const tracker = await new Tracker({ allow: [H1], rateLimit: false, clock: () => now }).ready();
    const udp = new UdpTracker(tracker);
    const from = (address: string): RemoteInfo => ({ address, port: 5555, family: "IPv4", size: 0 });
    const connect = Buffer.alloc(16);
    connect.writeUInt32BE(0x417, 0);
    connect.writeUInt32BE(0x27101980, 4);
    connect.writeUInt32BE(1, 12);
    const id = udp.onMessage(undefined, 6, connect, from("10.1.2.3"))!.subarray(8, 16);
    // A connection id that is wrong for the address (or expired) gets no answer at all: no reflection.
    const ask = (ip: string) =>
      udp.onMessage(undefined, 6, scrapePacket(id, 2, [H1]), from(ip))?.readUInt32BE(0);
    expect(ask("10.1.2.3")).toBe(2);
    expect(ask("10.1.2.4")).toBeUndefined();
    now += 2 * slot - 1;
    expect(ask("10.1.2.3")).toBe(2);
    now += 1;
    expect(ask("10.1.2.3")).toBeUndefined();
    await tracker.close();
  });

  it("answers malformed packets of every length 0-120 with nothing or a reply no bigger than they are", async () => {
    running = await startTracker({ allow: [H1], httpPort: false, rateLimit: false });
    const udp = running.udp!;
    const c = client("127.0.0.1", Number(new URL(running.udpUrl!).port));
    const id = await c.connect();
    const rinfo = c.socket.address() as unknown as RemoteInfo;
    const me: RemoteInfo = { address: "127.0.0.1", port: rinfo.port, family: "IPv4", size: 0 };
    for (let length = 0; length <= 120; length++) {
      for (const action of [0, 1, 2, 3, 0xffffffff]) {
        for (const fill of [0x00, 0xff, 0x41]) {
          const p = Buffer.alloc(length, fill);
          if (length >= 8 && action !== 0) id.copy(p, 0);
          if (length >= 12) p.writeUInt32BE(action, 8);
          if (length >= 16) p.writeUInt32BE(0xabcd0000 + length, 12);
          const reply = udp.onMessage(undefined, 6, p, me);
          // Silent unless the packet is a real connect, or carries the connection id given to this address.
          const answerable = length >= 16 && (action === 1 || action === 2);
          if (!answerable) {
            expect(reply, `length ${length} action ${action}`).toBeUndefined();
            c.send(p);
            continue;
          }
          expect(reply, `length ${length} action ${action}`).toBeDefined();
          expect(reply!.readUInt32BE(4)).toBe(0xabcd0000 + length);
          expect(reply!.length).toBeLessThanOrEqual(Math.max(length, 20));
          c.send(p);
        }
      }
    }
    const r = await c.request(
      announcePacket({
        connectionId: await c.connect(),
        tx: 999,
        infoHash: H1,
        peerId: peerIdBytes(1),
        port: 9,
      }),
    );
    expect(r.readUInt32BE(0)).toBe(1);
  });
});
