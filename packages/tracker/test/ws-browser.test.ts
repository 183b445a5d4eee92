import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type Browser, chromium } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { type RunningTracker, startTracker } from "../src/index.js";

// WebTorrent's own browser bundle, in two headless Chromium pages, exchanging a file through our
// WebSocket tracker. No DHT, no web seeds, no STUN: the tracker's signalling is the only way to meet.
const bundle = readFileSync(
  fileURLToPath(
    new URL("../../../test-peers/node_modules/webtorrent/dist/webtorrent.min.js", import.meta.url),
  ),
);
const SIZE = 200_000;
const page = `<!doctype html><meta charset="utf-8"><script type="module">
import WebTorrent from "/webtorrent.min.js";
window.makeClient = () => new WebTorrent({ dht: false, lsd: false, utPex: false, webSeeds: false, tracker: { rtcConfig: { iceServers: [] } } });
window.payload = () => { const b = new Uint8Array(${SIZE}); for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 255; return b; };
window.ready = true;
</script>`;

let running: RunningTracker | undefined;
let web: Server | undefined;
let browser: Browser | undefined;
afterEach(async () => {
  await browser?.close();
  browser = undefined;
  web?.close();
  await running?.close();
  running = undefined;
});

describe("WebTorrent browser peers through our WebSocket tracker", () => {
  it("two Chromium pages exchange a file", async () => {
    running = await startTracker({ udpPort: false, ws: true, rateLimit: false });
    const wsUrl = running.wsUrl!;
    web = createServer((req, res) => {
      if (req.url === "/webtorrent.min.js")
        res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
      else res.writeHead(200, { "content-type": "text/html" }).end(page);
    });
    await new Promise<void>((r) => web!.listen(0, "127.0.0.1", () => r()));
    const origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
    browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        // Plain host candidates instead of mDNS names, which nothing here resolves.
        "--disable-features=WebRtcHideLocalIpsWithMdns",
      ],
    });
    const seeder = await browser.newPage();
    const leecher = await browser.newPage();
    for (const p of [seeder, leecher]) {
      await p.goto(origin);
      await p.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
    }
    // The seeder makes the torrent; the tracker refuses it until the publisher allows it, then it re-announces.
    const made = await seeder.evaluate(
      (url) =>
        new Promise<{ torrent: number[]; magnet: string }>((resolve) => {
          // biome-ignore lint/suspicious/noExplicitAny: page globals
          const w = globalThis as any;
          w.client = w.makeClient();
          w.client.seed(
            new File([w.payload()], "hello.bin"),
            { announce: [url] },
            (t: { torrentFile: Uint8Array; magnetURI: string }) => {
              w.torrent = t;
              resolve({ torrent: Array.from(t.torrentFile as Uint8Array), magnet: t.magnetURI });
            },
          );
        }),
      wsUrl,
    );
    running.tracker.allowTorrent(Uint8Array.from(made.torrent));
    await seeder.evaluate(() => {
      // biome-ignore lint/suspicious/noExplicitAny: page globals
      (globalThis as any).torrent.discovery.tracker.update();
    });
    const digest = await leecher.evaluate(
      ({ magnet, url }) =>
        new Promise<string>((resolve) => {
          // biome-ignore lint/suspicious/noExplicitAny: page globals
          const w = globalThis as any;
          w.client = w.makeClient();
          w.client.add(
            magnet,
            { announce: [url] },
            (t: { on(e: string, f: () => void): void; files: { arrayBuffer(): Promise<ArrayBuffer> }[] }) => {
              t.on("done", async () => {
                const bytes = await t.files[0]!.arrayBuffer();
                const hash = await crypto.subtle.digest("SHA-256", bytes);
                resolve(Array.from(new Uint8Array(hash), (b) => b.toString(16).padStart(2, "0")).join(""));
              });
            },
          );
        }),
      { magnet: made.magnet, url: wsUrl },
    );
    const expected = Buffer.alloc(SIZE);
    for (let i = 0; i < SIZE; i++) expected[i] = (i * 31 + 7) & 255;
    expect(digest).toBe(createHash("sha256").update(expected).digest("hex"));
    expect(running.ws!.metrics.relayedOffers).toBeGreaterThan(0);
    expect(running.ws!.metrics.relayedAnswers).toBeGreaterThan(0);
  });
});
