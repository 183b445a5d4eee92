import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { type TrackerBeside, trackerBeside } from "../src/index.js";
import { announce, compactPeers, get, hex20, peerIdBytes, text } from "./helpers.js";
import { announcePacket, UdpClient } from "./udp-client.js";

let beside: TrackerBeside | undefined;
const closers: (() => void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) c();
  await beside?.close();
  beside = undefined;
});

describe("trackerBeside (the tracker inside another HTTP server)", () => {
  it("answers /announce on the host server, its own UDP and WebSocket, for the torrents it is told of", async () => {
    const server = createServer((req, res) => {
      if (beside) beside.handle(req, res, () => res.writeHead(200).end("host page"));
      else res.writeHead(503).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    closers.push(() => server.close());
    const port = (server.address() as AddressInfo).port;
    beside = await trackerBeside({ server, baseUrl: `http://127.0.0.1:${port}/`, rateLimit: false });
    expect(beside.announce[0]).toBe(`http://127.0.0.1:${port}/announce`);
    expect(beside.announce[1]).toMatch(/^udp:\/\/127\.0\.0\.1:\d+$/);
    expect(beside.announce[2]).toBe(`ws://127.0.0.1:${port}/`);

    const v1 = hex20(0x51);
    const v2 = "ab".repeat(32);
    const url = beside.announce[0]!;
    expect(text((await announce(url, { infoHash: v1 })).data["failure reason"])).toMatch(/not served/);
    beside.allow({ infoHash: v1, infoHashV2: v2 });
    await announce(url, { infoHash: v1, peerId: peerIdBytes(1), port: 5001 });
    const viaV2 = await announce(url, { infoHash: v2.slice(0, 40), peerId: peerIdBytes(2), port: 5002 });
    expect(compactPeers(viaV2.data.peers)).toEqual(["127.0.0.1:5001"]);
    expect((await get(`http://127.0.0.1:${port}/other`)).body.toString()).toBe("host page");

    const udp = new UdpClient("127.0.0.1", Number(new URL(beside.announce[1]!).port));
    closers.push(() => udp.close());
    const r = await udp.request(
      announcePacket({
        connectionId: await udp.connect(),
        tx: 3,
        infoHash: v1,
        peerId: peerIdBytes(3),
        port: 5003,
      }),
    );
    expect(r.readUInt32BE(0)).toBe(1);
    expect(r.readUInt32BE(12)).toBe(3); // three leechers: two over HTTP, one over UDP

    const ws = new WebSocket(beside.announce[2]!);
    closers.push(() => ws.terminate());
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ action: "scrape", info_hash: Buffer.from(v1, "hex").toString("latin1") }));
    const msg = await new Promise<string>((r) => ws.once("message", (data) => r(data.toString())));
    expect(Object.values(JSON.parse(msg).files)).toEqual([{ complete: 0, incomplete: 3, downloaded: 0 }]);
  });
});
