// The URLs we check are the URLs real clients ask for: libtorrent and aria2 download a torrent with
// awkward file names from nginx web seeds, and nginx's access log (the request line as sent) must
// hold exactly the URLs webSeedFileUrl() builds for that client.
import { execFileSync, spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseTorrent } from "@seedpress/torrent";
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
});
afterAll(async () => {
  await Promise.all([...servers.values()].map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

function makeTorrent(client: string, single: boolean): string {
  const out = path.join(dir, `${client}-${single ? "single" : "multi"}.torrent`);
  const content = single ? path.join(root, "single", FILES[0]!) : path.join(root, NAME);
  const seed = `${servers.get(client)!.origin}/${single ? "single/" : ""}`;
  execFileSync("mktorrent", ["-l", "15", "-w", seed, "-o", out, content], {
    stdio: "ignore",
  });
  return out;
}

function requested(client: string): string[] {
  const log = readFileSync(path.join(dir, client, "access.log"), "utf8");
  return [...new Set([...log.matchAll(/"GET (\S+) HTTP/g)].map((m) => m[1]!))].sort();
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
});
