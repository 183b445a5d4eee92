// WebTorrent's own browser bundle in headless Chromium, for the WebSocket tracker tests: a tiny web
// server for the page, a browser with a fresh profile, and the seed / download steps run in a page.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { type BrowserContext, chromium, type Page } from "playwright-core";
import { tempDir } from "./helpers.js";

const bundle = readFileSync(
  fileURLToPath(
    new URL("../../../test-peers/node_modules/webtorrent/dist/webtorrent.min.js", import.meta.url),
  ),
);
export const SIZE = 200_000;
// No DHT, no web seeds, no STUN: the tracker's signalling is the only way for two pages to meet.
const html = `<!doctype html><meta charset="utf-8"><script type="module">
import WebTorrent from "/webtorrent.min.js";
window.makeClient = () => new WebTorrent({ dht: false, lsd: false, utPex: false, webSeeds: false, tracker: { rtcConfig: { iceServers: [] } } });
window.payload = () => { const b = new Uint8Array(${SIZE}); for (let i = 0; i < b.length; i++) b[i] = (i * 31 + 7) & 255; return b; };
window.ready = true;
</script>`;

/** SHA-256 of the payload, computed here by Node, not by the page. */
export function expectedDigest(): string {
  const expected = Buffer.alloc(SIZE);
  for (let i = 0; i < SIZE; i++) expected[i] = (i * 31 + 7) & 255;
  return createHash("sha256").update(expected).digest("hex");
}

export interface BrowserPeers {
  pages: [Page, Page];
  close(): Promise<void>;
}

/** A page server and one Chromium (fresh --user-data-dir) with two pages that have loaded WebTorrent. */
export async function browserPeers(): Promise<BrowserPeers> {
  const web: Server = createServer((req, res) => {
    if (req.url === "/webtorrent.min.js")
      res.writeHead(200, { "content-type": "text/javascript" }).end(bundle);
    else res.writeHead(200, { "content-type": "text/html" }).end(html);
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
  const origin = `http://127.0.0.1:${(web.address() as AddressInfo).port}/`;
  let context: BrowserContext | undefined;
  try {
    // A persistent context is how Playwright takes a --user-data-dir: a new empty folder each run.
    context = await chromium.launchPersistentContext(tempDir("seedpress-chromium-"), {
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
    const pages = [await context.newPage(), await context.newPage()] as [Page, Page];
    for (const p of pages) {
      await p.goto(origin);
      await p.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
    }
    const opened = context;
    return {
      pages,
      close: async () => {
        await opened.close();
        web.close();
      },
    };
  } catch (error) {
    await context?.close();
    web.close();
    throw error;
  }
}

/** The page seeds the payload announcing to `url`; returns the .torrent bytes and the magnet link. */
export function seed(page: Page, url: string): Promise<{ torrent: number[]; magnet: string }> {
  return page.evaluate(
    (announce) =>
      new Promise<{ torrent: number[]; magnet: string }>((resolve) => {
        // biome-ignore lint/suspicious/noExplicitAny: page globals
        const w = globalThis as any;
        w.client = w.makeClient();
        w.client.seed(
          new File([w.payload()], "hello.bin"),
          { announce: [announce] },
          (t: { torrentFile: Uint8Array; magnetURI: string }) => {
            w.torrent = t;
            resolve({ torrent: Array.from(t.torrentFile as Uint8Array), magnet: t.magnetURI });
          },
        );
      }),
    url,
  );
}

/** The seeding page announces again (after the tracker was told to allow its torrent). */
export async function reannounce(page: Page): Promise<void> {
  await page.evaluate(() => {
    // biome-ignore lint/suspicious/noExplicitAny: page globals
    (globalThis as any).torrent.discovery.tracker.update();
  });
}

/** The page downloads the magnet through `url` only; returns the SHA-256 (hex) of the bytes it got. */
export function download(page: Page, magnet: string, url: string): Promise<string> {
  return page.evaluate(
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
    { magnet, url },
  );
}
