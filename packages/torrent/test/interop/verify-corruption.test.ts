// Issue 3 proof: verifyTorrent names exactly the pieces and files a corruption touches, for v1, v2 and
// hybrid. Expected piece indices and byte ranges are computed here from the file sizes and the piece
// length; libtorrent's own check of the same damaged data must find the same bad pieces.
import { cp, open, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, type TorrentVersion, verifyTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { content, KiB, tempDir, writeTree } from "./fixtures.js";
import { ltCheck } from "./peers.js";

const PL = 16 * KiB;
// In BEP 52 order. b.bin and f.bin have the same size, for the swap.
const FILES: Array<[string, number]> = [
  ["a.bin", 40_000],
  ["b.bin", 30_000],
  ["c/d.bin", 50_000],
  ["e.bin", 16_384],
  ["f.bin", 30_000],
];

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
  pristine = await writeTree(join(dir, "pristine", "data"), Object.fromEntries(FILES));
});
afterAll(async () => {
  await cleanup();
});

let serial = 0;
/** A fresh copy of the data to damage; returns its top folder. */
async function copyData(): Promise<string> {
  const parent = join(dir, `case-${serial++}`);
  await cp(join(dir, "pristine"), parent, { recursive: true });
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

async function run(version: TorrentVersion, data: string) {
  const created = await createTorrent(pristine, {
    version,
    pieceLength: PL,
    createdBy: false,
    creationDate: false,
  });
  const meta = parseTorrent(created.torrent);
  const report = await verifyTorrent(meta, data, { threads: 2 });
  const torrentFile = join(data, "..", `${version}.torrent`);
  await writeFile(torrentFile, created.torrent);
  const lt = await ltCheck(torrentFile, join(data, ".."));
  const totalPieces = lt.numPieces;
  const ltBad = [...Array(totalPieces).keys()].filter((p) => !(lt.have ?? []).includes(p));
  return {
    report,
    failures: sortFailures(
      report.failures.map((f) => pick(f as Expected & Record<string, unknown>, f.reason)),
    ),
    ltBad,
  };
}

for (const version of ["v1", "v2", "hybrid"] as const) {
  describe(`verify ${version}`, () => {
    it("untouched data: ok, no failures, libtorrent agrees", async () => {
      const { report, ltBad } = await run(version, await copyData());
      expect(report.failures).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.badPieceCount).toBe(0);
      expect(ltBad).toEqual([]);
    });

    it("one byte flipped inside a piece: exactly that piece", async () => {
      const data = await copyData();
      const at = 20_000; // in c/d.bin's second piece
      await flipByte(join(data, "c", "d.bin"), at);
      const f = place(version, "c/d.bin");
      const bad = piecesOf(f.offset + at, f.offset + at + 1);
      const { report, failures, ltBad } = await run(version, data);
      expect(report.ok).toBe(false);
      expect(failures).toEqual(sortFailures(hashFailures(version, bad)));
      expect(report.badPieceCount).toBe(1);
      expect(ltBad).toEqual(bad);
    });

    it("first byte of a file flipped: the piece it shares with the previous file (v1) names both", async () => {
      const data = await copyData();
      await flipByte(join(data, "b.bin"), 0);
      const f = place(version, "b.bin");
      const bad = piecesOf(f.offset, f.offset + 1);
      const { report, failures, ltBad } = await run(version, data);
      const expected = hashFailures(version, bad);
      if (version === "v1") expect(expected.map((e) => e.path)).toEqual(["a.bin", "b.bin"]);
      else expect(expected.map((e) => e.path)).toEqual(["b.bin"]);
      expect(failures).toEqual(sortFailures(expected));
      expect(report.badPieceCount).toBe(1);
      expect(ltBad).toEqual(bad);
    });

    it("a file truncated: named with both sizes, every piece holding it counted bad", async () => {
      const data = await copyData();
      // Cut inside the file's first piece, so no piece of it survives (v1: c/d.bin starts at 70,000 in
      // piece 4, which ends at 81,920; 5,000 bytes leave that piece short too).
      await truncate(join(data, "c", "d.bin"), 5_000);
      const f = place(version, "c/d.bin");
      const bad = piecesOf(f.offset, f.offset + f.length);
      const { report, failures, ltBad } = await run(version, data);
      expect(failures).toEqual([
        { path: "c/d.bin", reason: "size", expectedLength: 50_000, actualLength: 5_000 },
      ]);
      expect(report.badPieceCount).toBe(bad.length);
      expect(ltBad).toEqual(bad);
    });

    it("a file deleted: named missing, every piece holding it counted bad", async () => {
      const data = await copyData();
      await rm(join(data, "e.bin"));
      const f = place(version, "e.bin");
      const bad = piecesOf(f.offset, f.offset + f.length);
      const { report, failures, ltBad } = await run(version, data);
      expect(failures).toEqual([{ path: "e.bin", reason: "missing" }]);
      expect(report.badPieceCount).toBe(bad.length);
      expect(ltBad).toEqual(bad);
    });

    it("two files of the same size swapped: every piece of both, and nothing else", async () => {
      const data = await copyData();
      await writeFile(join(data, "b.bin"), content("f.bin", 30_000));
      await writeFile(join(data, "f.bin"), content("b.bin", 30_000));
      const b = place(version, "b.bin");
      const f = place(version, "f.bin");
      const bad = [...piecesOf(b.offset, b.offset + b.length), ...piecesOf(f.offset, f.offset + f.length)];
      const { report, failures, ltBad } = await run(version, data);
      expect(failures).toEqual(sortFailures(hashFailures(version, bad)));
      expect(report.badPieceCount).toBe(bad.length);
      expect(ltBad).toEqual(bad);
    });

    it("an extra file in the folder is ignored", async () => {
      const data = await copyData();
      await writeFile(join(data, "extra.txt"), "not in the torrent");
      const { report } = await run(version, data);
      expect(report.ok).toBe(true);
    });
  });
}
