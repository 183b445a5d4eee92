// createPublisher on its own: one server for web seed, index, .torrent files, stats and tracker; torrents
// read back by an independent parser (parse-torrent); start-up errors close every listener; symlinks out
// of the folder publish nothing.
import { createHash, randomBytes } from "node:crypto";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPublisher, PublishError, type Publisher } from "@seedpress/publish";
import { createTorrent } from "@seedpress/torrent";
import parseTorrentFile from "parse-torrent";
import { afterAll, describe, expect, it } from "vitest";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-publish-"));
const open: Publisher[] = [];
afterAll(async () => {
  await Promise.all(open.map((p) => p.close()));
  rmSync(dir, { recursive: true, force: true });
});

function folder(name: string, files: Record<string, Uint8Array | string>): string {
  const root = path.join(dir, name);
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), data);
  }
  return root;
}

async function start(options: Parameters<typeof createPublisher>[0]): Promise<Publisher> {
  const p = await createPublisher({ port: 0, ...options });
  open.push(p);
  return p;
}

/** A port that is free now (the OS picked it and we let it go). */
async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function canBind(port: number): Promise<boolean> {
  const s = createServer();
  return new Promise((resolve) => {
    s.once("error", () => resolve(false));
    s.listen(port, "127.0.0.1", () => s.close(() => resolve(true)));
  });
}

const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest("hex");

describe("createPublisher", () => {
  const book = randomBytes(300_000);
  const root = folder("site", { "book.pdf": book, "Release/a.bin": randomBytes(70_000), ".secret": "x" });

  it("serves the files, their torrents, an index, /stats and /metrics from one server", async () => {
    const p = await start({ root });
    expect(p.torrents.map((t) => t.name)).toEqual(["Release", "book.pdf"]);
    const res = await fetch(`${p.baseUrl}book.pdf.torrent`);
    expect(res.headers.get("content-type")).toBe("application/x-bittorrent");
    const parsed = await parseTorrentFile(Buffer.from(await res.arrayBuffer()));
    expect(parsed.urlList).toEqual([`${p.baseUrl}book.pdf`]);
    expect(parsed.announce[0]).toBe(`${p.baseUrl}announce`);
    const range = await fetch(`${p.baseUrl}book.pdf`, { headers: { Range: "bytes=10-19" } });
    expect(range.status).toBe(206);
    expect(Buffer.from(await range.arrayBuffer()).equals(book.subarray(10, 20))).toBe(true);
    const index = await (await fetch(p.baseUrl)).text();
    expect(index).toContain("Release");
    expect(index).not.toContain(".secret");
    const stats = JSON.parse(await (await fetch(`${p.baseUrl}stats.json`)).text());
    const row = stats.torrents.find((t: { name: string }) => t.name === "book.pdf");
    expect(row.originBytes).toBe(10);
    expect(row.completed).toBe(0);
    expect(await (await fetch(`${p.baseUrl}stats`)).text()).toContain("Offload");
    const metrics = await (await fetch(`${p.baseUrl}metrics`)).text();
    expect(metrics).toMatch(
      /^seedpress_origin_bytes_total\{torrent="book.pdf",info_hash="[0-9a-f]{40}"\} \d+$/m,
    );
    expect(metrics).toContain("# TYPE seedpress_offload_ratio gauge");
  });

  it("a port taken is ERR_PUBLISH_LISTEN (an environment error) and leaves nothing open", async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
    const port = (blocker.address() as { port: number }).port;
    const error = await createPublisher({ root, port }).catch((e) => e);
    blocker.close();
    expect(error).toBeInstanceOf(PublishError);
    expect(error.code).toBe("ERR_PUBLISH_LISTEN");
    expect(error.environment).toBe(true);
  });

  it("a UDP port taken closes the HTTP listener it had opened", async () => {
    const port = await freePort();
    const udpBlocker = (await import("node:dgram")).createSocket("udp4");
    await new Promise<void>((r) => udpBlocker.bind(0, "127.0.0.1", () => r()));
    const udpPort = udpBlocker.address().port;
    const error = await createPublisher({ root, port, udpPort }).catch((e) => e);
    udpBlocker.close();
    expect(error.code).toBe("ERR_PUBLISH_LISTEN");
    expect(error.message).toContain(String(udpPort));
    expect(await canBind(port)).toBe(true);
  });

  it("a bad option is a coded input error, before any port is opened", async () => {
    for (const bad of [{ port: 70000 }, { baseUrl: "ftp://x/" }, { publicUdpPort: 0 }]) {
      const error = await createPublisher({ root, ...bad }).catch((e) => e);
      expect(error.code).toBe("ERR_PUBLISH_OPTION");
      expect(error.environment).toBe(false);
    }
    const missing = await createPublisher({ root: path.join(dir, "nope") }).catch((e) => e);
    expect(missing.code).toBe("ERR_PUBLISH_ROOT");
  });

  it("keeps torrents in torrentsDir, leaving the folder untouched", async () => {
    const ro = folder("ro", { "x.bin": randomBytes(40_000) });
    const keep = path.join(dir, "keep");
    const p = await start({ root: ro, torrentsDir: keep });
    expect(readdirSync(ro)).toEqual(["x.bin"]);
    expect(readdirSync(keep)).toEqual(["x.bin.torrent"]);
    expect(p.torrentsDir).toEqual({ dir: keep, beside: false });
    const served = Buffer.from(await (await fetch(`${p.baseUrl}x.bin.torrent`)).arrayBuffer());
    expect(served.equals(readFileSync(path.join(keep, "x.bin.torrent")))).toBe(true);
  });

  it("re-wraps a reused torrent for the public base URL and public UDP port; the info hash stays", async () => {
    const data = randomBytes(50_000);
    const old = folder("reuse", { "r.bin": data });
    const local = await createTorrent(path.join(old, "r.bin"), {
      webSeeds: ["http://127.0.0.1:8080/r.bin"],
      announce: ["http://127.0.0.1:8080/announce", "udp://127.0.0.1:8080", "https://other.example/announce"],
    });
    writeFileSync(path.join(old, "r.bin.torrent"), local.torrent);
    const events: string[] = [];
    const p = await start({
      root: old,
      baseUrl: "https://dl.example/files",
      publicUdpPort: 6969,
      udpPort: 0,
      onEvent: (e) => e.type === "reconciled" && events.push(e.changes.join("; ")),
    });
    const onDisk = await parseTorrentFile(readFileSync(path.join(old, "r.bin.torrent")));
    const listening = p.server.address() as { port: number };
    const served = await parseTorrentFile(
      Buffer.from(await (await fetch(`http://127.0.0.1:${listening.port}/r.bin.torrent`)).arrayBuffer()),
    );
    for (const t of [served, onDisk]) {
      expect(t.infoHash).toBe(sha1(local.infoBuffer));
      expect(t.urlList).toEqual(["https://dl.example/files/r.bin"]);
      expect(t.announce).toEqual([
        "https://dl.example/files/announce",
        "udp://dl.example:6969",
        "wss://dl.example/files/",
        "https://other.example/announce",
      ]);
    }
    expect(events.join(" ")).toContain("dropped http://127.0.0.1:8080/r.bin");
  });

  it("without a public UDP port, a public base URL keeps UDP out of new torrents", async () => {
    const fresh = folder("fresh", { "f.bin": randomBytes(20_000) });
    const p = await start({ root: fresh, baseUrl: "https://dl.example/", udpPort: 0 });
    expect(p.announce.some((u) => u.startsWith("udp:"))).toBe(false);
    const local = await start({ root: folder("fresh2", { "g.bin": "g" }), udpPort: 0 });
    expect(local.announce.some((u) => /^udp:\/\/127\.0\.0\.1:\d+$/.test(u))).toBe(true);
  });

  it("publishes nothing a symlink takes outside the folder or into .git", async () => {
    const outside = folder("outside", { "private.key": "SECRET KEY", "docs/notes.txt": "private notes" });
    const linked = folder("linked", { "ok.bin": randomBytes(10_000), ".git/config": "[core]" });
    symlinkSync(path.join(outside, "private.key"), path.join(linked, "link-out"));
    symlinkSync(path.join(outside, "docs"), path.join(linked, "dir-out"));
    symlinkSync(path.join(linked, ".git"), path.join(linked, "git-link"));
    symlinkSync(path.join(outside, "private.key"), path.join(linked, "ok.bin.torrent"));
    const skipped: string[] = [];
    const p = await start({ root: linked, onEvent: (e) => e.type === "skipped" && skipped.push(e.name) });
    expect(p.torrents.map((t) => t.name)).toEqual(["ok.bin"]);
    expect(skipped.sort()).toEqual(["dir-out", "git-link", "link-out"]);
    const index = await (await fetch(p.baseUrl)).text();
    for (const leak of ["link-out", "dir-out", "git-link", "notes.txt", "config"])
      expect(index).not.toContain(leak);
    expect((await fetch(`${p.baseUrl}link-out.torrent`)).status).toBe(404);
    expect((await fetch(`${p.baseUrl}git-link/config`)).status).toBe(404);
    expect((await fetch(`${p.baseUrl}link-out`)).status).toBe(404);
    // The .torrent link out was neither read as ok.bin's torrent nor written through.
    expect(readFileSync(path.join(outside, "private.key"), "utf8")).toBe("SECRET KEY");
    expect((await parseTorrentFile(readFileSync(path.join(linked, "ok.bin.torrent")))).name).toBe("ok.bin");
  });

  it("close() frees the port", async () => {
    const port = await freePort();
    const p = await createPublisher({ root, port, tracker: false });
    expect(await canBind(port)).toBe(false);
    await p.close();
    expect(await canBind(port)).toBe(true);
  });
});
