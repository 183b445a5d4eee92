// End to end: build, serve dist/ on 127.0.0.1, click the download link in headless Chromium, get a valid
// .torrent, then let aria2c fetch the file through that torrent (web seed only) and compare the bytes.
import { createHash } from "node:crypto";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readTorrent, run } from "../../../test-peers/site-example-readers.js";
import { buildExample, here } from "./build-example.js";
import { type StaticServer, serveStatic } from "./static-server.js";

const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");

let server: StaticServer;

beforeAll(async () => {
  server = await serveStatic(join(here, "dist"));
});
afterAll(async () => {
  await server?.close();
});

describe("vite-site end to end", () => {
  it("Chromium gets the .torrent from the link; aria2c downloads the file from its web seed", async () => {
    // The port is known only now, so the site is built for this server's URL.
    await buildExample(server.url);
    const original = await readFile(join(here, "dist", "downloads", "seedpress-demo-1.0.img"));

    const browser = await chromium.launch({
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
    let torrentBytes: Buffer;
    let suggested: string;
    try {
      const context = await browser.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(`${server.url}downloads/`);
      expect(await page.getAttribute("#download", "type")).toBe("application/x-bittorrent");
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download")]);
      suggested = download.suggestedFilename();
      const path = await download.path();
      torrentBytes = await readFile(path);
    } finally {
      await browser.close();
    }
    expect(suggested).toBe("seedpress-demo-1.0.img.torrent");
    const torrent = await readTorrent(torrentBytes);
    expect(torrent.urlList).toEqual([`${server.url}downloads/seedpress-demo-1.0.img`]);
    expect(torrent.length).toBe(original.length);

    const work = await mkdtemp(join(tmpdir(), "seedpress-e2e-"));
    const torrentFile = join(work, "got.torrent");
    await writeFile(torrentFile, torrentBytes);
    const before = server.requests.length;
    await run(
      "aria2c",
      [
        "--dir",
        join(work, "out"),
        "--seed-time=0",
        "--enable-dht=false",
        "--enable-dht6=false",
        "--bt-enable-lpd=false",
        "--enable-peer-exchange=false",
        "--summary-interval=0",
        "--console-log-level=warn",
        torrentFile,
      ],
      { timeout: 90_000 },
    );
    const got = await readFile(join(work, "out", "seedpress-demo-1.0.img"));
    expect(got.length).toBe(original.length);
    expect(sha256(got)).toBe(sha256(original));
    // The bytes came from the web seed URL (no peers exist).
    const seedHits = server.requests
      .slice(before)
      .filter((r) => r.path === "/downloads/seedpress-demo-1.0.img");
    expect(seedHits.length).toBeGreaterThan(0);
  });
});
