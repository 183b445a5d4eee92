import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";
import { announceQuery, decode, get, hex20, peerIdBytes, text } from "./helpers.js";

const H1 = hex20(1);
let running: RunningTracker | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

/** Writes `pieces` to one TCP connection (each separately) and collects everything until it closes. */
async function raw(port: number, pieces: string[], closeAfterMs?: number): Promise<string> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1", async () => {
      for (const p of pieces) {
        s.write(p);
        await new Promise((r) => setTimeout(r, 5));
      }
      if (closeAfterMs !== undefined) setTimeout(() => s.end(), closeAfterMs);
    });
    let out = "";
    s.on("data", (d) => {
      out += d.toString("latin1");
    });
    s.on("close", () => resolve(out));
  });
}

function bodies(reply: string): string[] {
  return reply
    .split(/HTTP\/1\.1 /)
    .filter(Boolean)
    .map((r) => r.slice(r.indexOf("\r\n\r\n") + 4));
}

describe("HTTP fast path", () => {
  it("answers pipelined requests in order, split anywhere, and honours Connection: close", async () => {
    running = await startTracker({ allow: [H1], udpPort: false, rateLimit: false });
    const port = Number(new URL(running.httpUrl!).port);
    const req = (n: number, extra = "") =>
      `GET /announce?${announceQuery({ infoHash: H1, peerId: peerIdBytes(n), port: 7000 + n })} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
    // Byte-at-a-time for the first request, then the rest in one piece.
    const pieces = [...req(1).split(""), req(2) + req(3, "Connection: close\r\n")];
    const reply = await raw(port, pieces);
    const got = bodies(reply).map((b) => decode(Buffer.from(b, "latin1")));
    expect(got.map((d) => d.incomplete)).toEqual([1, 2, 3]);
    expect(reply).toMatch(/Connection: close\r\n/);
  });

  it("closes HTTP/1.0 connections unless keep-alive is asked, and answers scrapes", async () => {
    running = await startTracker({ allow: [H1], udpPort: false, rateLimit: false });
    const port = Number(new URL(running.httpUrl!).port);
    const q = announceQuery({ infoHash: H1, peerId: peerIdBytes(1) });
    const one = await raw(port, [`GET /announce?${q} HTTP/1.0\r\n\r\n`]);
    expect(one).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(one).toMatch(/Connection: close/);
    const scrape = await raw(port, [`GET /scrape?info_hash=${q.split("&")[0]!.slice(10)} HTTP/1.0\r\n\r\n`]);
    const files = decode(Buffer.from(bodies(scrape)[0]!, "latin1")).files;
    expect(Object.values(files)).toEqual([{ complete: 0, incomplete: 1, downloaded: 0 }]);
  });

  it("hands anything unusual to node:http on the same connection", async () => {
    running = await startTracker({ allow: [H1], udpPort: false, rateLimit: false });
    const port = Number(new URL(running.httpUrl!).port);
    const q = announceQuery({ infoHash: H1, peerId: peerIdBytes(1) });
    // An announce, then a stats request on the same keep-alive connection.
    const mixed = await raw(port, [
      `GET /announce?${q} HTTP/1.1\r\nHost: x\r\n\r\nGET /stats.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    ]);
    const parts = bodies(mixed);
    expect(decode(Buffer.from(parts[0]!, "latin1")).incomplete).toBe(1);
    expect(JSON.parse(parts[1]!).peers).toBe(1);
    // A body on a GET: node:http parses it properly.
    const withBody = await raw(port, [
      `GET /announce?${q} HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc`,
    ]);
    expect(decode(Buffer.from(bodies(withBody)[0]!, "latin1")).incomplete).toBe(1);
    // A bad request line and an oversized header both get 4xx from node:http.
    expect(await raw(port, ["GET /announce?x HTTP/9.9\r\n\r\n"])).toMatch(/^HTTP\/1\.1 4\d\d/);
    expect(await raw(port, [`GET /announce?${"a".repeat(20_000)}`])).toMatch(/^HTTP\/1\.1 4\d\d/);
    // Bare LF line ends: handed over at once (node:http refuses them with 400), never left waiting.
    expect(await raw(port, [`GET /announce?${q} HTTP/1.1\nHost: x\n\n`])).toMatch(/^HTTP\/1\.1 400/);
    const failure = await raw(port, [`GET /announce?info_hash=zz HTTP/1.1\r\nConnection: close\r\n\r\n`]);
    expect(text(decode(Buffer.from(bodies(failure)[0]!, "latin1"))["failure reason"])).toMatch(
      /invalid info_hash/,
    );
  });

  it("serves IPv6 clients on an IPv6 listener, with 18-byte peers6", async () => {
    running = await startTracker({ host: "::1", allow: [H1], udpPort: false, rateLimit: false });
    expect(running.httpUrl).toMatch(/^http:\/\/\[::1\]:\d+\/announce$/);
    const url = running.httpUrl!;
    const first = await get(`${url}?${announceQuery({ infoHash: H1, peerId: peerIdBytes(1), port: 6001 })}`);
    expect(decode(first.body).incomplete).toBe(1);
    const second = decode(
      (await get(`${url}?${announceQuery({ infoHash: H1, peerId: peerIdBytes(2), port: 6002 })}`)).body,
    );
    const p6 = Buffer.from(second.peers6);
    expect(p6.length).toBe(18);
    expect(p6.readUInt16BE(16)).toBe(6001);
  });
});
