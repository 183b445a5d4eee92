// WebTorrent's browser bundle in headless Chromium downloads from our web seed alone. The page is served from
// another origin (another port), so every request is a CORS request and ranged ones are preflighted.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWebseedServer, type WebseedServer } from "../src/index.js";
import { makeContent } from "./torrent-fixture.js";

const repo = join(import.meta.dirname, "../../..");
const bundle = join(repo, "test-peers/node_modules/webtorrent/dist/webtorrent.min.js");

let content: ReturnType<typeof makeContent>;
let ws: WebseedServer;
let page: Server;
let pagePort: number;
let browser: Browser;
const preflights: string[] = [];

const html = `<!doctype html><meta charset="utf-8"><title>webseed test</title>
<script type="module">
import WebTorrent from "/webtorrent.min.js";
async function sha256(buf) {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", buf));
  return [...d].map((b) => b.toString(16).padStart(2, "0")).join("");
}
window.download = async (torrentUrl) => {
  const client = new WebTorrent({ dht: false, tracker: false, lsd: false, utp: false });
  const bytes = new Uint8Array(await (await fetch(torrentUrl)).arrayBuffer());
  const torrent = await new Promise((resolve, reject) => {
    client.on("error", reject);
    client.add(bytes, { announce: [] }, (t) => (t.done ? resolve(t) : t.once("done", () => resolve(t))));
  });
  const files = [];
  for (const file of torrent.files) {
    const buf = file.length === 0 ? new ArrayBuffer(0) : await file.arrayBuffer();
    files.push({ path: file.path, length: buf.byteLength, sha256: await sha256(buf) });
  }
  const wires = torrent.wires.map((w) => w.type);
  await new Promise((r) => client.destroy(r));
  return { files, wires };
};
window.ready = true;
</script>`;

beforeAll(async () => {
  content = makeContent();
  ws = createWebseedServer({
    root: content.root,
    onRequest: (log) => {
      if (log.method === "OPTIONS") preflights.push(log.url);
    },
  });
  const { port } = await ws.listen(0);
  const torrents = content.torrents(`http://127.0.0.1:${port}/`);
  page = createServer((req, res) => {
    const routes: Record<string, [string, () => Buffer | string]> = {
      "/": ["text/html; charset=utf-8", () => html],
      "/webtorrent.min.js": ["text/javascript", () => readFileSync(bundle)],
      "/single.torrent": ["application/x-bittorrent", () => readFileSync(torrents.singleTorrent)],
      "/multi.torrent": ["application/x-bittorrent", () => readFileSync(torrents.multiTorrent)],
    };
    const route = routes[req.url ?? ""];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "Content-Type": route[0] }).end(route[1]());
  });
  await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
  pagePort = (page.address() as AddressInfo).port;
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
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => page?.close(resolve));
  await ws?.close();
  content?.cleanup();
});

describe("WebTorrent in headless Chromium", () => {
  for (const which of ["single", "multi"] as const) {
    it(`downloads the ${which}-file torrent over CORS from the web seed alone`, async () => {
      const tab = await browser.newPage();
      try {
        await tab.goto(`http://127.0.0.1:${pagePort}/`);
        await tab.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
        const result = (await tab.evaluate(
          (url) => (globalThis as unknown as { download(u: string): Promise<unknown> }).download(url),
          `/${which}.torrent`,
        )) as { files: { path: string; length: number; sha256: string }[]; wires: string[] };
        const expected = [...content.files]
          .filter(([path]) => (which === "multi") === path.includes("/"))
          .map(([path, data]) => ({
            path,
            length: data.length,
            sha256: createHash("sha256").update(data).digest("hex"),
          }))
          .sort((a, b) => a.path.localeCompare(b.path));
        expect([...result.files].sort((a, b) => a.path.localeCompare(b.path))).toEqual(expected);
        expect(result.wires.every((type) => type === "webSeed")).toBe(true);
      } finally {
        await tab.close();
      }
    });
  }

  it("the browser preflighted its ranged requests and the web seed answered them", () => {
    expect(preflights.length).toBeGreaterThan(0);
  });
});
