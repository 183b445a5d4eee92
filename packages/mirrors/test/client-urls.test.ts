// The URLs we check are the URLs real clients ask for: libtorrent and aria2 download a torrent with
// awkward file names from nginx web seeds, and nginx's access log (the request line as sent) must
// hold exactly the URLs webSeedFileUrl() builds for that client.
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseTorrent } from "@seedpress/torrent";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type WebSeedClient, webSeedFileUrl } from "../src/index.js";
import { type NginxMirror, startNginx } from "./nginx.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-client-urls-"));
const NAME = "Rel 2 é";
// Characters where the clients differ: "!*()" (libtorrent keeps, aria2 encodes), "'", "+", "&",
// "=", spaces and UTF-8.
const FILES = ["a b.bin", "sub (1)/x!*'+&=.bin", "ünï/çödé.txt"];
const root = path.join(dir, "root");
const servers = new Map<string, NginxMirror>();

beforeAll(async () => {
  for (const [i, name] of FILES.entries()) {
    const file = path.join(root, NAME, name);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, randomFillSync(Buffer.alloc(20_000 + i * 7_000)));
  }
  // A single-file torrent of the first file, under a web seed folder of its own.
  mkdirSync(path.join(root, "single"));
  writeFileSync(path.join(root, "single", FILES[0]!), readFileSync(path.join(root, NAME, FILES[0]!)));
  for (const client of ["libtorrent", "aria2"])
    servers.set(client, await startNginx(path.join(dir, client), root));
  // WebTorrent runs in a page of another origin: CORS, and an answer to the Range preflight.
  const cors = [
    'add_header Access-Control-Allow-Origin "*" always;',
    'add_header Access-Control-Allow-Headers "range, cache-control" always;',
    'add_header Access-Control-Expose-Headers "content-range, content-length" always;',
    "location / { if ($request_method = OPTIONS) { return 204; } }",
  ].join("\n");
  servers.set("webtorrent", await startNginx(path.join(dir, "webtorrent"), root, cors));
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function makeTorrent(client: string, single: boolean): string {
  const out = path.join(dir, `${client}-${single ? "single" : "multi"}.torrent`);
  const content = single ? path.join(root, "single", FILES[0]!) : path.join(root, NAME);
  // WebTorrent asks for a single-file web seed's URL as it is: give it the file's URL.
  const file = client === "webtorrent" ? encodeURIComponent(FILES[0]!) : "";
  const seed = `${servers.get(client)!.origin}/${single ? `single/${file}` : ""}`;
  execFileSync("mktorrent", ["-l", "15", "-w", seed, "-o", out, content], {
    stdio: "ignore",
  });
  return out;
}

function requested(client: string): string[] {
  const log = readFileSync(path.join(dir, client, "access.log"), "utf8");
  return [...new Set([...log.matchAll(/"GET (\S+) HTTP/g)].map((m) => m[1]!))].sort();
}

const repo = path.join(import.meta.dirname, "../../..");
const PAGE = `<!doctype html><meta charset="utf-8"><script type="module">
import WebTorrent from "/webtorrent.min.js";
window.download = async (torrentUrl) => {
  const client = new WebTorrent({ dht: false, tracker: false, lsd: false, utp: false });
  const bytes = new Uint8Array(await (await fetch(torrentUrl)).arrayBuffer());
  const torrent = await new Promise((resolve, reject) => {
    client.on("error", reject);
    client.add(bytes, { announce: [] }, (t) => (t.done ? resolve(t) : t.once("done", () => resolve(t))));
  });
  const lengths = torrent.files.map((f) => f.length);
  await new Promise((r) => client.destroy(r));
  return lengths;
};
window.ready = true;
</script>`;

/** Serves the page, WebTorrent's browser bundle and the torrents from another origin. */
async function startPage(torrents: string[]): Promise<{ server: Server; origin: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/") return res.writeHead(200, { "content-type": "text/html" }).end(PAGE);
    if (req.url === "/webtorrent.min.js")
      return res
        .writeHead(200, { "content-type": "text/javascript" })
        .end(readFileSync(path.join(repo, "test-peers/node_modules/webtorrent/dist/webtorrent.min.js")));
    const torrent = torrents.find((t) => req.url === `/${path.basename(t)}`);
    if (torrent) return res.writeHead(200).end(readFileSync(torrent));
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function expected(client: WebSeedClient, torrent: string): string[] {
  const meta = parseTorrent(readFileSync(torrent));
  const base = meta.urlList[0]!;
  return meta.files.map((_, i) => new URL(webSeedFileUrl(client, base, meta, i)).pathname).sort();
}

const LT_DOWNLOAD = `
import sys, time, libtorrent as lt
ses = lt.session({"listen_interfaces": "127.0.0.1:0", "enable_dht": False, "enable_lsd": False,
                  "enable_upnp": False, "enable_natpmp": False})
h = ses.add_torrent({"ti": lt.torrent_info(sys.argv[1]), "save_path": sys.argv[2]})
deadline = time.time() + 30
while time.time() < deadline:
    if h.status().is_seeding:
        sys.exit(0)
    time.sleep(0.1)
sys.exit(1)
`;

describe("the URL each client builds", () => {
  it("libtorrent asks for exactly webSeedFileUrl('libtorrent', …)", () => {
    const torrents = [makeTorrent("libtorrent", false), makeTorrent("libtorrent", true)];
    for (const [i, torrent] of torrents.entries()) {
      const r = spawnSync("/usr/bin/python3", ["-c", LT_DOWNLOAD, torrent, path.join(dir, `lt-out-${i}`)], {
        encoding: "utf8",
        timeout: 90_000,
      });
      expect(r.status, r.stderr).toBe(0);
    }
    expect(requested("libtorrent")).toEqual([...torrents.flatMap((t) => expected("libtorrent", t))].sort());
  });

  it("aria2 asks for exactly webSeedFileUrl('aria2', …)", () => {
    const torrents = [makeTorrent("aria2", false), makeTorrent("aria2", true)];
    for (const [i, torrent] of torrents.entries()) {
      const r = spawnSync(
        "aria2c",
        [torrent, "-d", path.join(dir, `aria2-out-${i}`), "--seed-time=0", "--enable-dht=false"].concat([
          "--bt-enable-lpd=false",
          "--enable-peer-exchange=false",
          "--summary-interval=0",
        ]),
        { encoding: "utf8", timeout: 90_000 },
      );
      expect(r.status, r.stdout).toBe(0);
    }
    expect(requested("aria2")).toEqual([...torrents.flatMap((t) => expected("aria2", t))].sort());
  });

  it("WebTorrent (in Chromium) asks for exactly webSeedFileUrl('webtorrent', …)", async () => {
    const torrents = [makeTorrent("webtorrent", false), makeTorrent("webtorrent", true)];
    const page = await startPage(torrents);
    const browser = await chromium.launch({
      executablePath: "/usr/bin/chromium",
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
      ],
    });
    try {
      const tab = await browser.newPage();
      await tab.goto(`${page.origin}/`);
      await tab.waitForFunction(() => (globalThis as unknown as { ready?: boolean }).ready === true);
      for (const torrent of torrents) {
        const lengths = await tab.evaluate(
          (url) => (globalThis as unknown as { download(u: string): Promise<number[]> }).download(url),
          `/${path.basename(torrent)}`,
        );
        expect(lengths).toEqual(parseTorrent(readFileSync(torrent)).files.map((f) => f.length));
      }
    } finally {
      await browser.close();
      await new Promise((resolve) => page.server.close(resolve));
    }
    expect(requested("webtorrent")).toEqual([...torrents.flatMap((t) => expected("webtorrent", t))].sort());
  });
});
