// checkMirrors on torrents made by libtorrent (v2-only and hybrid: independent piece layers and pad
// files), against real nginx web seeds; plus option errors and the piece plan.
import { spawnSync } from "node:child_process";
import { randomFillSync } from "node:crypto";
import {
  closeSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
  writeSync,
} from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseTorrent, type TorrentMeta } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkMirrors, type MirrorsError } from "../src/index.js";
import { planPieces } from "../src/piece-plan.js";
import { type NginxMirror, startNginx } from "./nginx.js";

const dir = mkdtempSync(path.join(tmpdir(), "seedpress-mirrors-lt-"));
const NAME = "lt release";
const PIECE = 32 * 1024;
// b.bin is more than one piece (checked against its piece layer), c.txt less (against its root).
const FILES: [string, number][] = [
  ["a.bin", 50_000],
  ["b.bin", 3 * PIECE + 1_000],
  ["c.txt", 700],
];
const CORS = 'add_header Access-Control-Allow-Origin "*" always;';
const FLIP = { file: "b.bin", at: 2 * PIECE + 10 };
const good = path.join(dir, "good");
const flipped = path.join(dir, "flipped");
let servers: NginxMirror[] = [];
const torrents: Partial<Record<"v2" | "hybrid", TorrentMeta>> = {};

const LT_CREATE = `
import sys, libtorrent as lt
fs = lt.file_storage()
lt.add_files(fs, sys.argv[1])
flags = lt.create_torrent.v2_only if sys.argv[3] == "v2" else 0
ct = lt.create_torrent(fs, ${PIECE}, flags=flags)
for url in sys.argv[4:]:
    ct.add_url_seed(url)
lt.set_piece_hashes(ct, sys.argv[1].rsplit("/", 1)[0])
open(sys.argv[2], "wb").write(lt.bencode(ct.generate()))
`;

beforeAll(async () => {
  for (const [name, size] of FILES) {
    mkdirSync(path.join(good, NAME), { recursive: true });
    writeFileSync(path.join(good, NAME, name), randomFillSync(Buffer.alloc(size)));
  }
  cpSync(good, flipped, { recursive: true });
  const fd = openSync(path.join(flipped, NAME, FLIP.file), "r+");
  const byte = readFileSync(path.join(good, NAME, FLIP.file))[FLIP.at]!;
  writeSync(fd, Buffer.from([byte ^ 1]), 0, 1, FLIP.at);
  closeSync(fd);
  servers = [
    await startNginx(path.join(dir, "n-good"), good, CORS),
    await startNginx(path.join(dir, "n-flipped"), flipped, CORS),
  ];
  for (const version of ["v2", "hybrid"] as const) {
    const out = path.join(dir, `${version}.torrent`);
    const seeds = servers.map((s) => `${s.origin}/`);
    const r = spawnSync(
      "/usr/bin/python3",
      ["-c", LT_CREATE, path.join(good, NAME), out, version, ...seeds],
      {
        encoding: "utf8",
      },
    );
    if (r.status !== 0) throw new Error(r.stderr);
    torrents[version] = parseTorrent(readFileSync(out));
  }
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  rmSync(dir, { recursive: true, force: true });
});

describe("checkMirrors on libtorrent's torrents", () => {
  it("v2-only: checks each file's pieces against its piece layer or root, names the bad piece in its file", async () => {
    const meta = torrents.v2!;
    expect(meta.version).toBe("v2");
    const report = await checkMirrors(meta, { pieces: "all" });
    const [ok, bad] = report.mirrors;
    const total = FILES.reduce((n, [, size]) => n + Math.ceil(size / PIECE), 0);
    expect(ok!.status).toBe("ok");
    expect(ok!.pieces).toEqual({ checked: total, ok: total, skipped: 0 });
    expect(bad!.status).toBe("failed");
    expect(bad!.problems).toEqual([
      {
        kind: "wrong-bytes",
        pieces: [
          {
            piece: Math.floor(FLIP.at / PIECE),
            files: [`${NAME}/${FLIP.file}`],
            hashes: ["v2"],
            reasons: ["random"],
          },
        ],
        count: 1,
      },
    ]);
  });

  it("hybrid: v1 and v2 hashes both fail on the bad piece; pad files are never asked for", async () => {
    const meta = torrents.hybrid!;
    expect(meta.files.some((f) => f.padding)).toBe(true);
    const report = await checkMirrors(meta, { pieces: "all" });
    const [ok, bad] = report.mirrors;
    expect(ok!.status).toBe("ok");
    expect(ok!.pieces.ok).toBe(meta.pieceCount);
    const offset = meta.files.find((f) => f.path === FLIP.file)!.offset;
    expect(bad!.problems).toEqual([
      {
        kind: "wrong-bytes",
        pieces: [
          {
            piece: Math.floor((offset + FLIP.at) / PIECE),
            files: [`${NAME}/${FLIP.file}`],
            hashes: ["v1", "v2"],
            reasons: ["random"],
          },
        ],
        count: 1,
      },
    ]);
    const log = readFileSync(path.join(dir, "n-good", "access.log"), "utf8");
    expect(log).not.toContain(".pad");
    expect(log).toMatch(/"GET \/lt%20release\/b\.bin HTTP/);
  });

  it("always plans the last piece and the piece before the first pad file", () => {
    const meta = torrents.hybrid!;
    const plan = planPieces(meta, { pieces: 1, random: () => 0 });
    const firstPad = meta.files.find((f) => f.padding)!;
    expect(plan.find((p) => p.piece === meta.pieceCount - 1)?.reasons).toContain("last");
    expect(plan.find((p) => p.piece === Math.floor((firstPad.offset - 1) / PIECE))?.reasons).toContain(
      "before-pad",
    );
  });

  it("rejects bad options and URLs with coded errors", async () => {
    const meta = torrents.v2!;
    const codeOf = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: MirrorsError) => e.code,
      );
    expect(await codeOf(checkMirrors(meta, { concurrency: 0 }))).toBe("ERR_MIRRORS_OPTION");
    expect(await codeOf(checkMirrors(meta, { pieces: 0 }))).toBe("ERR_MIRRORS_OPTION");
    expect(await codeOf(checkMirrors(meta, { timeout: -1 }))).toBe("ERR_MIRRORS_OPTION");
    expect(await codeOf(checkMirrors(meta, { mirrors: ["gopher://x/"] }))).toBe("ERR_MIRRORS_URL");
    expect(await codeOf(checkMirrors(meta, { mirrors: ["not a url"] }))).toBe("ERR_MIRRORS_URL");
    expect(await codeOf(checkMirrors(meta, { urlList: false }))).toBe("ERR_MIRRORS_NO_WEB_SEEDS");
  });
});
