// Issue 10: property tests over the parsers that face the network. Whatever the bytes, the UDP packet
// handler and the HTTP query and head parsers either answer or throw our own coded error — never
// anything else, never a hang.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseHead } from "../src/fast-http.js";
import { announceBody, scrapeBody } from "../src/http.js";
import { parseAnnounce, parseScrape } from "../src/http-query.js";
import { Tracker, TrackerError, UdpTracker } from "../src/index.js";
import { hex20 } from "./helpers.js";

const runs = { numRuns: 3000 };

function onlyCoded(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(TrackerError);
    expect((error as TrackerError).code).toMatch(/^ERR_TRACKER_/);
  }
}

// Query strings built from the pieces a parser cares about, mixed with arbitrary text.
const key = fc.constantFrom(
  "info_hash",
  "peer_id",
  "port",
  "left",
  "event",
  "numwant",
  "compact",
  "uploaded",
  "downloaded",
  "no_peer_id",
  "x",
  "",
);
const value = fc.oneof(
  fc.string(),
  fc.stringMatching(/^(%[0-9a-fA-F]{2}){0,22}$/),
  fc.nat().map(String),
  fc.constantFrom("started", "completed", "stopped", "paused", "empty", "%", "%g0", "-1", "1e9"),
);
const query = fc
  .array(fc.tuple(key, fc.option(value, { nil: undefined })), { maxLength: 12 })
  .map((pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join("&"));
const url = fc.oneof(
  query.map((q) => `/announce?${q}`),
  fc.string().map((s) => `/announce?${s}`),
);

describe("fuzz", () => {
  it("HTTP announce and scrape queries: a result or a coded error", () => {
    const tracker = new Tracker({ allow: [hex20(1)], rateLimit: false });
    fc.assert(
      fc.property(url, (u) => {
        const q = u.indexOf("?");
        onlyCoded(() => parseAnnounce(u, q));
        onlyCoded(() => parseScrape(u, q));
        // The full path answers a bencoded body whatever the query (a refusal is a body too).
        const a = announceBody(tracker, u, q, "127.0.0.1");
        const s = scrapeBody(tracker, u, q, "::1");
        expect(Buffer.isBuffer(a) && Buffer.isBuffer(s)).toBe(true);
        expect((a as Buffer)[0]).toBe(0x64);
      }),
      runs,
    );
    void tracker.close();
  });

  it("HTTP request heads: parsed or handed on, never a throw", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), fc.string({ maxLength: 200 }), (junk, text) => {
        for (const head of [
          Buffer.concat([Buffer.from("GET /announce?"), Buffer.from(junk), Buffer.from("\r\n\r\n")]),
          Buffer.from(`GET /scrape?${text} HTTP/1.1\r\n${text}\r\n\r\n`, "latin1"),
        ]) {
          const end = head.indexOf("\r\n\r\n");
          const parsed = parseHead(head, 0, end, true);
          if (parsed) expect(typeof parsed.url).toBe("string");
        }
      }),
      runs,
    );
  });

  it("UDP datagrams: a reply no bigger than a real request needs, or silence, never a throw", () => {
    const tracker = new Tracker({ allow: [hex20(1)], rateLimit: false });
    const udp = new UdpTracker(tracker);
    const connect = Buffer.from("0000041727101980000000000000002a", "hex");
    const id = udp.onMessage(undefined, 6, connect, {
      address: "10.0.0.1",
      port: 1,
      family: "IPv4",
      size: 16,
    })!;
    const packet = fc.oneof(
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
      // Packets carrying the valid connection id and a known action reach the deeper parsers.
      fc.tuple(fc.constantFrom(0, 1, 2, 3), fc.uint8Array({ maxLength: 200 })).map(([action, rest]) => {
        const p = Buffer.alloc(16 + rest.length);
        id.copy(p, 0, 8, 16);
        p.writeUInt32BE(action, 8);
        Buffer.from(rest).copy(p, 16);
        return p;
      }),
    );
    fc.assert(
      fc.property(packet, (p) => {
        const reply = udp.onMessage(undefined, 6, p, {
          address: "10.0.0.1",
          port: 1,
          family: "IPv4",
          size: p.length,
        });
        if (reply !== undefined) expect(reply.length).toBeLessThanOrEqual(Math.max(p.length, 20));
      }),
      runs,
    );
    void tracker.close();
  });
});
