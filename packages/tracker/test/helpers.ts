// Test helpers: raw announce URLs (binary info_hash/peer_id percent-encoded), bencode decoding through
// the independent `bencode` package, and fixture torrents made by mktorrent / libtorrent.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import bencode from "bencode";
import WebSocket from "ws";

export function pct(bytes: Uint8Array): string {
  return [...bytes].map((b) => `%${b.toString(16).padStart(2, "0")}`).join("");
}

export function hex20(seed: number): string {
  return seed.toString(16).padStart(40, "0");
}

export function peerIdBytes(n: number): Buffer {
  return Buffer.from(`-XX0001-${String(n).padStart(12, "0")}`);
}

export interface AnnounceParams {
  infoHash: string; // hex
  peerId?: Buffer;
  port?: number | string;
  left?: number | string;
  uploaded?: number | string;
  downloaded?: number | string;
  event?: string;
  numwant?: number | string;
  compact?: number;
  extra?: string;
}

export function announceQuery(p: AnnounceParams): string {
  const parts = [
    `info_hash=${pct(Buffer.from(p.infoHash, "hex"))}`,
    `peer_id=${pct(p.peerId ?? peerIdBytes(1))}`,
  ];
  parts.push(
    `port=${p.port ?? 6881}`,
    `uploaded=${p.uploaded ?? 0}`,
    `downloaded=${p.downloaded ?? 0}`,
    `left=${p.left ?? 100}`,
  );
  if (p.event !== undefined) parts.push(`event=${p.event}`);
  if (p.numwant !== undefined) parts.push(`numwant=${p.numwant}`);
  parts.push(`compact=${p.compact ?? 1}`);
  if (p.extra) parts.push(p.extra);
  return parts.join("&");
}

export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Buffer; type: string }> {
  const res = await fetch(url, { headers });
  return {
    status: res.status,
    body: Buffer.from(await res.arrayBuffer()),
    type: res.headers.get("content-type") ?? "",
  };
}

// biome-ignore lint/suspicious/noExplicitAny: decoded bencode is untyped
type Decoded = any;

export function decode(body: Buffer): Decoded {
  return bencode.decode(body) as Decoded;
}

export function text(v: Uint8Array): string {
  return Buffer.from(v).toString("utf8");
}

export async function announce(base: string, p: AnnounceParams) {
  const res = await get(`${base}?${announceQuery(p)}`);
  return { status: res.status, raw: res.body, data: decode(res.body) };
}

/** Compact 6-byte entries → "ip:port". */
export function compactPeers(bytes: Uint8Array | undefined): string[] {
  const out: string[] = [];
  if (!bytes) return out;
  for (let i = 0; i + 6 <= bytes.length; i += 6) {
    out.push(
      `${bytes[i]}.${bytes[i + 1]}.${bytes[i + 2]}.${bytes[i + 3]}:${(bytes[i + 4]! << 8) | bytes[i + 5]!}`,
    );
  }
  return out;
}

export function tempDir(prefix = "seedpress-tracker-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A small v1 torrent made by mktorrent; returns its path and the content path. */
export function mktorrent(dir: string, name: string, size = 40_000): { torrent: string; content: string } {
  const content = join(dir, name);
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + name.length) & 0xff;
  writeFileSync(content, data);
  const torrent = join(dir, `${name}.torrent`);
  execFileSync("mktorrent", ["-l", "15", "-a", "http://127.0.0.1:1/announce", "-o", torrent, content], {
    stdio: "ignore",
  });
  return { torrent, content };
}

/** libtorrent's own reading of a .torrent: { v1, v2 } hex (independent of our parser). */
export function libtorrentHashes(torrent: string): { v1: string; v2: string } {
  const out = execFileSync("/usr/bin/python3", [
    "-c",
    `import libtorrent as lt,sys
ti=lt.torrent_info(sys.argv[1]); h=ti.info_hashes()
print(str(h.v1) if h.has_v1() else "", str(h.v2) if h.has_v2() else "")`,
    torrent,
  ]).toString();
  const [v1 = "", v2 = ""] = out.trim().split(" ");
  return { v1: /^0+$/.test(v1) ? "" : v1, v2: /^0+$/.test(v2) ? "" : v2 };
}

/** A hybrid (v1 + v2) torrent made by libtorrent. */
export function libtorrentHybrid(dir: string, name: string, size = 50_000): string {
  const content = join(dir, name);
  writeFileSync(content, Buffer.alloc(size, 7));
  const torrent = join(dir, `${name}.torrent`);
  execFileSync("/usr/bin/python3", [
    "-c",
    `import libtorrent as lt,sys,os
fs=lt.file_storage(); lt.add_files(fs, sys.argv[1])
ct=lt.create_torrent(fs, 16384)
lt.set_piece_hashes(ct, os.path.dirname(sys.argv[1]))
open(sys.argv[2],"wb").write(lt.bencode(ct.generate()))`,
    content,
    torrent,
  ]);
  return torrent;
}

/** A WebSocket client with a queue of parsed incoming messages; `send` takes an object or raw text. */
export async function wsClient(url: string) {
  const ws = new WebSocket(url);
  const queue: Record<string, unknown>[] = [];
  const waiters: ((m: Record<string, unknown>) => void)[] = [];
  ws.on("message", (d) => {
    const m = JSON.parse(d.toString());
    const w = waiters.shift();
    if (w) w(m);
    else queue.push(m);
  });
  await new Promise((r) => ws.once("open", r));
  return {
    ws,
    send: (m: unknown) => ws.send(typeof m === "string" ? m : JSON.stringify(m)),
    next: () =>
      new Promise<Record<string, unknown>>((resolve, reject) => {
        const q = queue.shift();
        if (q) return resolve(q);
        const timer = setTimeout(() => reject(new Error("no message")), 5000);
        waiters.push((m) => {
          clearTimeout(timer);
          resolve(m);
        });
      }),
  };
}
