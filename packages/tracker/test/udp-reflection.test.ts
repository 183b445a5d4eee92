// Issue 10, item 10: a UDP tracker must not be a reflector. A spoofed source address gets nothing back
// for junk, bad protocol ids, unknown actions or forged connection ids, and nothing past the rate limit.
import { createSocket, type Socket } from "node:dgram";
import { once } from "node:events";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import { hex20, peerIdBytes } from "./helpers.js";
import { announcePacket } from "./udp-client.js";

let running: RunningTracker | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.close();
  socket = undefined;
  await running?.close();
  running = undefined;
});

/** Sends every packet `times` times from one real socket; counts the replies and their bytes. */
async function blast(port: number, packets: Buffer[], times: number) {
  const s = createSocket("udp4");
  socket = s;
  s.bind(0, "127.0.0.1");
  await once(s, "listening");
  let replies = 0;
  let bytes = 0;
  s.on("message", (m) => {
    replies++;
    bytes += m.length;
  });
  let sent = 0;
  for (let i = 0; i < times; i++) {
    for (const p of packets) {
      s.send(p, port, "127.0.0.1");
      sent += p.length;
    }
    if (i % 50 === 49) await new Promise((r) => setTimeout(r, 5));
  }
  // A reply, if any, arrives long before this; the probe below proves the socket still answers.
  await new Promise((r) => setTimeout(r, 300));
  return { replies, bytes, sent };
}

function connectPacket(protocolHi = 0x417, protocolLo = 0x27101980, action = 0): Buffer {
  const p = Buffer.alloc(16);
  p.writeUInt32BE(protocolHi, 0);
  p.writeUInt32BE(protocolLo, 4);
  p.writeUInt32BE(action, 8);
  p.writeUInt32BE(77, 12);
  return p;
}

describe("UDP reflection", () => {
  it("sends no byte back for junk, bad protocol ids, unknown actions and forged connection ids", async () => {
    running = await startTracker({ allow: [hex20(1)], httpPort: false, rateLimit: false });
    const port = Number(new URL(running.udpUrl!).port);
    const forged = Buffer.from("0123456789abcdef", "hex");
    const packets = [
      Buffer.alloc(16, 0x41),
      Buffer.alloc(120, 0xff),
      connectPacket(0x418), // bad protocol id
      connectPacket(0x417, 0x27101980, 7), // unknown action
      announcePacket({ connectionId: forged, tx: 5, infoHash: hex20(1), peerId: peerIdBytes(1), port: 1 }),
      Buffer.concat([forged, Buffer.from([0, 0, 0, 2, 0, 0, 0, 9]), Buffer.alloc(20)]), // forged-id scrape
      Buffer.concat([forged, Buffer.from([0, 0, 0, 1, 0, 0, 0, 9])]), // 16 bytes that once became 40
    ];
    const r = await blast(port, packets, 200);
    expect(r.sent).toBeGreaterThan(50_000);
    expect(r).toMatchObject({ replies: 0, bytes: 0 });
    // Still answering real clients.
    const probe = await blast(port, [connectPacket()], 1);
    expect(probe).toMatchObject({ replies: 1, bytes: 16 });
    expect(running.udp!.metrics.badPackets).toBe(1400);
  });

  it("answers nothing past the rate limit", async () => {
    running = await startTracker({
      allow: [hex20(1)],
      httpPort: false,
      rateLimit: { burst: 10, perSecond: 0.001 },
    });
    const port = Number(new URL(running.udpUrl!).port);
    const r = await blast(port, [connectPacket()], 500);
    expect(r.replies).toBe(10);
    expect(r.bytes).toBe(160);
    expect(running.tracker.metrics.rateLimited).toBe(490);
  });
});
