// Issue 3 proof: verifyTorrent names exactly the pieces and files a corruption touches, for v1, v2 and
// hybrid. Expected piece indices and byte ranges are computed here from the file sizes and the piece
// length; libtorrent's own check of the same damaged data must find the same bad pieces.
import { cp, open, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, type TorrentVersion, verifyTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content, KiB, tempDir, writeTree } from "./fixtures.js";
import { ltCheckBatch } from "./peers.js";

// In BEP 52 order, sized for 16 KiB pieces; scaled with the piece length. b.bin and f.bin have the
// same size, for the swap.
const BASE: Array<[string, number]> = [
  ["a.bin", 40_000],
  ["b.bin", 30_000],
  ["c/d.bin", 50_000],
  ["e.bin", 16_384],
  ["f.bin", 30_000],
];
/** Set per scale: 16 KiB pieces (under 4 MiB in all, hashed in the calling thread) and 1 MiB pieces
 *  (over 4 MiB, hashed in worker threads). */
let PL = 16 * KiB;
let FILES: Array<[string, number]> = BASE;

interface Placed {
  path: string;
  length: number;
  offset: number;
}

/** Where each file sits in the piece space: v1 back to back; v2/hybrid each file starts on a piece. */
function layout(version: TorrentVersion): Placed[] {
  let offset = 0;
  return FILES.map(([path, length]) => {
    const placed = { path, length, offset };
    offset += length;
    if (version !== "v1") offset = Math.ceil(offset / PL) * PL;
    return placed;
  });
}

const place = (version: TorrentVersion, path: string): Placed =>
  layout(version).find((f) => f.path === path) as Placed;

/** Pieces (in the global piece space) that hold any byte of [start, end). */
function piecesOf(start: number, end: number): number[] {
  const out: number[] = [];
  for (let p = Math.floor(start / PL); p * PL < end; p++) out.push(p);
  return out;
}

interface Expected {
  path: string;
  reason: string;
  piece?: number;
  start?: number;
  end?: number;
  expectedLength?: number;
  actualLength?: number;
}

/**
 * The hash failures for a set of bad global pieces. v1: every file a bad piece touches, with its part of
 * the piece. v2 / hybrid: pieces never span files; v2 numbers them within the file, hybrid globally.
 */
function hashFailures(version: TorrentVersion, bad: number[]): Expected[] {
  const out: Expected[] = [];
  for (const piece of bad) {
    for (const f of layout(version)) {
      const start = Math.max(piece * PL, f.offset);
      const end = Math.min((piece + 1) * PL, f.offset + f.length);
      if (start >= end) continue;
      const local = Math.floor((piece * PL - (version === "v1" ? 0 : f.offset)) / PL);
      out.push({
        path: f.path,
        reason: "hash",
        piece: version === "v2" ? local : piece,
        start: start - f.offset,
        end: end - f.offset,
      });
    }
  }
  return out;
}

const key = (e: Expected) => `${e.path}|${e.reason}|${e.piece ?? -1}`;
const sortFailures = (list: Expected[]) =>
  [...list].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));

let dir: string;
let cleanup: () => Promise<void>;
let pristine: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-verify-"));
});
afterAll(async () => {
  await cleanup();
});

let serial = 0;
/** A fresh copy of the data to damage; returns its top folder. */
async function copyData(): Promise<string> {
  const parent = join(dir, `case-${serial++}`);
  await cp(join(pristine, ".."), parent, { recursive: true });
  return join(parent, "data");
}

async function flipByte(file: string, at: number): Promise<void> {
  const fh = await open(file, "r+");
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, at);
    b[0] = (b[0] as number) ^ 0xff;
    await fh.write(b, 0, 1, at);
  } finally {
    await fh.close();
  }
}

function pick(e: Expected & Record<string, unknown>, reason: string): Expected {
  const keep =
    reason === "hash"
      ? ["path", "reason", "piece", "start", "end"]
      : reason === "size"
        ? ["path", "reason", "expectedLength", "actualLength"]
        : ["path", "reason"];
  return Object.fromEntries(
    keep.filter((k) => e[k] !== undefined).map((k) => [k, e[k]]),
  ) as unknown as Expected;
}

/** Our torrent of the pristine data, made once per piece length and version. */
const made = new Map<string, Uint8Array>();
async function torrentOf(version: TorrentVersion): Promise<Uint8Array> {
  const k = `${PL}|${version}`;
  if (!made.has(k)) {
    const t = await createTorrent(pristine, {
      version,
      pieceLength: PL,
      createdBy: false,
      creationDate: false,
    });
    made.set(k, t.torrent);
  }
  return made.get(k) as Uint8Array;
}

/** Damaged copies for libtorrent to check in one session at the end of each piece length's tests. */
let forLibtorrent: Array<{ label: string; torrentFile: string; savePath: string; bad: number[] }> = [];

async function run(version: TorrentVersion, data: string) {
  const torrent = await torrentOf(version);
  const report = await verifyTorrent(parseTorrent(torrent), data, { threads: 2 });
  const torrentFile = join(data, "..", `${version}.torrent`);
  await writeFile(torrentFile, torrent);
  return {
    report,
    failures: sortFailures(
      report.failures.map((f) => pick(f as Expected & Record<string, unknown>, f.reason)),
    ),
    /** Queues libtorrent's check of the same data: it must find exactly `bad` (global piece indices). */
    libtorrentFinds: (label: string, bad: number[]) => {
      forLibtorrent.push({ label: `${version} ${label}`, torrentFile, savePath: join(data, ".."), bad });
    },
  };
}

for (const scale of [1, 64]) {
  describe(`${(16 * scale) / 1024 >= 1 ? `${(16 * scale) / 1024} MiB` : `${16 * scale} KiB`} pieces`, () => {
    beforeAll(async () => {
      PL = 16 * KiB * scale;
      FILES = BASE.map(([path, size]) => [path, size * scale]);
      pristine = await writeTree(join(dir, `pristine-${scale}`, "data"), Object.fromEntries(FILES));
    });

    for (const version of ["v1", "v2", "hybrid"] as const) {
      describe(`verify ${version}`, () => {
        it("untouched data: ok, no failures, libtorrent agrees", async () => {
          const { report, libtorrentFinds } = await run(version, await copyData());
          expect(report.failures).toEqual([]);
          expect(report.ok).toBe(true);
          expect(report.badPieceCount).toBe(0);
          libtorrentFinds("untouched data: ok, no failures, libtorrent agrees", []);
        });

        it("one byte flipped inside a piece: exactly that piece", async () => {
          const data = await copyData();
          const at = 20_000 * scale; // in c/d.bin's second piece
          await flipByte(join(data, "c", "d.bin"), at);
          const f = place(version, "c/d.bin");
          const bad = piecesOf(f.offset + at, f.offset + at + 1);
          const { report, failures, libtorrentFinds } = await run(version, data);
          expect(report.ok).toBe(false);
          expect(failures).toEqual(sortFailures(hashFailures(version, bad)));
          expect(report.badPieceCount).toBe(1);
          libtorrentFinds("one byte flipped inside a piece: exactly that piece", bad);
        });

        it("first byte of a file flipped: the piece it shares with the previous file (v1) names both", async () => {
          const data = await copyData();
          await flipByte(join(data, "b.bin"), 0);
          const f = place(version, "b.bin");
          const bad = piecesOf(f.offset, f.offset + 1);
          const { report, failures, libtorrentFinds } = await run(version, data);
          const expected = hashFailures(version, bad);
          if (version === "v1") expect(expected.map((e) => e.path)).toEqual(["a.bin", "b.bin"]);
          else expect(expected.map((e) => e.path)).toEqual(["b.bin"]);
          expect(failures).toEqual(sortFailures(expected));
          expect(report.badPieceCount).toBe(1);
          libtorrentFinds(
            "first byte of a file flipped: the piece it shares with the previous file (v1) names both",
            bad,
          );
        });

        it("a file truncated: named with both sizes, every piece holding it counted bad", async () => {
          const data = await copyData();
          // Cut inside the file's first piece, so no piece of it survives (v1: c/d.bin starts at 70,000 in
          // piece 4, which ends at 81,920; 5,000 bytes leave that piece short too).
          await truncate(join(data, "c", "d.bin"), 5_000 * scale);
          const f = place(version, "c/d.bin");
          const bad = piecesOf(f.offset, f.offset + f.length);
          const { report, failures, libtorrentFinds } = await run(version, data);
          expect(failures).toEqual([
            { path: "c/d.bin", reason: "size", expectedLength: 50_000 * scale, actualLength: 5_000 * scale },
          ]);
          expect(report.badPieceCount).toBe(bad.length);
          libtorrentFinds("a file truncated: named with both sizes, every piece holding it counted bad", bad);
        });

        it("a file deleted: named missing, every piece holding it counted bad", async () => {
          const data = await copyData();
          await rm(join(data, "e.bin"));
          const f = place(version, "e.bin");
          const bad = piecesOf(f.offset, f.offset + f.length);
          const { report, failures, libtorrentFinds } = await run(version, data);
          expect(failures).toEqual([{ path: "e.bin", reason: "missing" }]);
          expect(report.badPieceCount).toBe(bad.length);
          libtorrentFinds("a file deleted: named missing, every piece holding it counted bad", bad);
        });

        it("two files of the same size swapped: every piece of both, and nothing else", async () => {
          const data = await copyData();
          await writeFile(join(data, "b.bin"), content("f.bin", 30_000 * scale));
          await writeFile(join(data, "f.bin"), content("b.bin", 30_000 * scale));
          const b = place(version, "b.bin");
          const f = place(version, "f.bin");
          const bad = [
            ...piecesOf(b.offset, b.offset + b.length),
            ...piecesOf(f.offset, f.offset + f.length),
          ];
          const { report, failures, libtorrentFinds } = await run(version, data);
          expect(failures).toEqual(sortFailures(hashFailures(version, bad)));
          expect(report.badPieceCount).toBe(bad.length);
          libtorrentFinds("two files of the same size swapped: every piece of both, and nothing else", bad);
        });

        it("an extra file in the folder is ignored", async () => {
          const data = await copyData();
          await writeFile(join(data, "extra.txt"), "not in the torrent");
          const { report, libtorrentFinds } = await run(version, data);
          expect(report.ok).toBe(true);
          libtorrentFinds("an extra file in the folder is ignored", []);
        });
      });
    }
    it("libtorrent's own check of each damaged copy finds the same bad pieces", async () => {
      const queued = forLibtorrent;
      forLibtorrent = [];
      expect(queued.length).toBe(3 * 7);
      const results = await ltCheckBatch(queued.map((q) => [q.torrentFile, q.savePath]));
      const found = results.map((r, i) => ({
        label: queued[i]?.label,
        error: r.loadError ?? r.error ?? null,
        bad: [...Array(r.numPieces).keys()].filter((p) => !(r.have ?? []).includes(p)),
      }));
      expect(found).toEqual(queued.map((q) => ({ label: q.label, error: null, bad: q.bad })));
    }, 300_000);
  });
}
