// Hostile and odd torrents, made here, read by libtorrent 2.0.8 (the reader most clients embed)
// and by parseTorrent: both accept or both refuse, with the same info hashes and the same
// (sanitised) file list. The one deliberate difference: a key repeated inside `info`, which
// libtorrent reads as its first value and we refuse (the same info hash would name two contents).
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BInput, encode } from "../../src/bencode.js";
import { parseTorrent } from "../../src/parse.js";
import type { TorrentMeta } from "../../src/types.js";

const here = dirname(fileURLToPath(import.meta.url));
const ltInfo = join(here, "..", "peers", "lt_info.py");

interface LtResult {
  ok: boolean;
  error?: string;
  infoHash?: string | null;
  infoHashV2?: string | null;
  name?: string;
  files?: { path: string; length: number; pad: boolean; symlink: string | null }[];
}

function runLibtorrent(files: string[]): Promise<LtResult[]> {
  return new Promise((resolve, reject) => {
    const child = execFile("/usr/bin/python3", [ltInfo], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error) reject(error);
      else resolve(JSON.parse(stdout) as LtResult[]);
    });
    child.stdin!.end(JSON.stringify(files));
  });
}

const sha1 = (b: Uint8Array) => createHash("sha1").update(b).digest();
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest();
const root32 = (n: number) => new Uint8Array(32).fill(n);
/** A raw bencoded string. */
const s = (text: string | Uint8Array) => {
  const b = Buffer.from(text as string, "latin1");
  return Buffer.concat([Buffer.from(`${b.length}:`), b]);
};
const raw = (...parts: (string | Buffer)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : p)));

const PL = 16384;
/** A v1 multi-file torrent over these files (pieces are zeros: only reading is compared). */
function v1Multi(files: BInput[], extra: Record<string, BInput> = {}, name: BInput = "top"): Uint8Array {
  const total = (files as { length?: number }[]).reduce((n, f) => n + (f.length ?? 0), 0);
  const pieces = new Uint8Array(Math.ceil(total / PL) * 20);
  return encode({ info: { name, "piece length": PL, pieces, files, ...extra } });
}
function v1Single(name: BInput, length: number): Uint8Array {
  return encode({
    info: { name, "piece length": PL, pieces: new Uint8Array(Math.ceil(length / PL) * 20), length },
  });
}
function v2(tree: BInput, layers?: BInput, name = "top"): Uint8Array {
  return encode({
    info: { name, "piece length": PL, "meta version": 2, "file tree": tree },
    ...(layers !== undefined && { "piece layers": layers }),
  });
}
const leaf = (length: number, root?: Uint8Array, extra: Record<string, BInput> = {}) => ({
  "": { length, ...(root && { "pieces root": root }), ...extra },
});

/** A v2 file of 3 pieces whose layer hashes to the root (the root computed here from the BEP 52 rule). */
function layeredFile(): { root: Uint8Array; layer: Uint8Array } {
  const leaves = [root32(1), root32(2), root32(3), new Uint8Array(32)];
  // Missing leaves of the piece layer are the root of an all-zero piece (16 KiB = one block: 32 zero bytes).
  const pair = (a: Uint8Array, b: Uint8Array) => sha256(Buffer.concat([a, b]));
  const root = pair(pair(leaves[0]!, leaves[1]!), pair(leaves[2]!, leaves[3]!));
  return { root, layer: Buffer.concat(leaves.slice(0, 3)) };
}

const big = layeredFile();

/** A v1 torrent whose top level also holds a list of n integers: 16 + n bencode tokens in all. */
function manyTokens(n: number): Uint8Array {
  const info = raw("d6:lengthi10e4:name1:x12:piece lengthi16384e6:pieces", s(Buffer.alloc(20)), "e");
  return raw("d4:info", info, "1:xl", "i1e".repeat(n), "ee");
}

/** A v2 tree with one file `depth` folders down. */
function deepTree(depth: number): Uint8Array {
  let node: BInput = leaf(5, root32(1));
  for (let i = 0; i < depth; i++) node = { a: node };
  return v2({ f: node });
}
const cases: [string, Uint8Array][] = [
  ["v1 total length zero", v1Single("empty", 0)],
  [
    "v1 folder of empty files",
    v1Multi([
      { length: 0, path: ["a"] },
      { length: 0, path: ["b"] },
    ]),
  ],
  ["v2 total length zero", v2({ a: leaf(0) })],
  ["v2 file with the pad attribute", v2({ a: leaf(100, root32(1), { attr: "p" }), b: leaf(5, root32(2)) })],
  [
    "v2 file tree keys out of order",
    raw(
      "d4:infod9:file treed",
      s("b"),
      "d0:d6:lengthi5e11:pieces root",
      s(root32(1)),
      "ee",
      s("a"),
      "d0:d6:lengthi5e11:pieces root",
      s(root32(2)),
      "eee12:meta versioni2e4:name3:top12:piece lengthi16384eee",
    ),
  ],
  ["v2 small file without pieces root", v2({ a: leaf(5), b: leaf(7, root32(2)) })],
  ["v2 empty file without pieces root", v2({ a: leaf(0), b: leaf(7, root32(2)) })],
  ["v2 pieces root of zeros", v2({ a: leaf(5, new Uint8Array(32)) })],
  ["trailing bytes after the root dictionary", raw(Buffer.from(v1Single("t.bin", 10)), "\ntrailing junk")],
  ["v2 piece layers missing", v2({ f: leaf(3 * PL, big.root) })],
  [
    "v2 piece layer incomplete",
    v2({ f: leaf(3 * PL, big.root) }, new Map([[big.root, big.layer.subarray(0, 64)]])),
  ],
  ["v2 piece layer wrong", v2({ f: leaf(3 * PL, big.root) }, new Map([[big.root, Buffer.alloc(96, 7)]]))],
  ["v2 piece layer right", v2({ f: leaf(3 * PL, big.root) }, new Map([[big.root, big.layer]]))],
  [
    "pad file without a path",
    v1Multi([
      { length: 100, path: ["a"] },
      { attr: "p", length: PL - 100 },
      { length: 10, path: ["b"] },
    ]),
  ],
  [
    "zero-size symlink (BEP 47)",
    v1Multi([
      { length: 100, path: ["a"] },
      { attr: "l", length: 0, path: ["link"], "symlink path": ["a"] },
    ]),
  ],
  [
    "symlink with a length",
    v1Multi([
      { length: 10, path: ["a"] },
      { attr: "l", length: 99, path: ["l"], "symlink path": ["a"] },
    ]),
  ],
  [
    "BitComet padding file",
    v1Multi([
      { length: 100, path: ["a"] },
      { length: 50, path: ["_____padding_file_0"] },
      { length: 9, path: ["b"] },
    ]),
  ],
  ["absolute path component", v1Multi([{ length: 10, path: ["/etc/passwd"] }])],
  ["absolute path list", v1Multi([{ length: 10, path: ["", "etc", "passwd"] }])],
  ["dot-dot components", v1Multi([{ length: 10, path: ["..", "..", "x"] }])],
  ["dot and dot-dot only", v1Multi([{ length: 10, path: [".", ".."] }])],
  ["backslash", v1Multi([{ length: 10, path: ["..\\..\\win.ini"] }])],
  ["empty component", v1Multi([{ length: 10, path: ["a", "", "b"] }])],
  ["control characters", v1Multi([{ length: 10, path: ["evil\u001b[2J\nname"] }])],
  ["bidi override", v1Multi([{ length: 10, path: ["txt.\u202eexe"] }])],
  ["broken UTF-8", v1Multi([{ length: 10, path: [Buffer.from([0x61, 0xff, 0xc3, 0x62])] }])],
  ["UTF-8 cut short", v1Multi([{ length: 10, path: [Buffer.from([0x61, 0xe2, 0x82])] }])],
  ["overlong UTF-8", v1Multi([{ length: 10, path: [Buffer.from([0x61, 0xc0, 0xaf, 0x62])] }])],
  ["UTF-8 surrogate", v1Multi([{ length: 10, path: [Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62])] }])],
  ["v2 tree 94 folders deep (libtorrent's deepest)", deepTree(94)],
  ["v2 tree 95 folders deep", deepTree(95)],
  ["3,000,000 bencode tokens (libtorrent's limit)", manyTokens(3_000_000 - 16)],
  ["3,000,001 bencode tokens", manyTokens(3_000_000 - 15)],
  ["v2 single file named unlike the torrent", v2({ "other.bin": leaf(5, root32(1)) }, undefined, "name")],
  ["a 300-byte name with an extension", v1Multi([{ length: 10, path: [`${"n".repeat(300)}.mkv`] }])],
  ["a 300-byte name without extension", v1Multi([{ length: 10, path: ["m".repeat(300)] }])],
  ["three dots kept", v1Multi([{ length: 10, path: ["...", "x"] }])],
  ["drive letter", v1Multi([{ length: 10, path: ["C:", "x"] }])],
  ["name dot-dot", v1Single("..", 10)],
  ["name with a slash", v1Multi([{ length: 10, path: ["x"] }], {}, "../../etc")],
  ["name that sanitises to nothing", v1Single("/", 10)],
  ["v2 unsafe tree keys", v2({ "..": { x: leaf(5, root32(1)) }, "a\\b": leaf(6, root32(2)) })],
  [
    "v1 info keys out of order",
    raw("d4:infod6:pieces", s(Buffer.alloc(20)), "4:name1:x12:piece lengthi16384e6:lengthi10eee"),
  ],
  [
    "hybrid",
    encode({
      info: {
        name: "h",
        "piece length": PL,
        "meta version": 2,
        pieces: new Uint8Array(40),
        files: [
          { length: 100, path: ["a"] },
          { attr: "p", length: PL - 100, path: [".pad", String(PL - 100)] },
          { length: 50, path: ["b"] },
        ],
        "file tree": { a: leaf(100, root32(1)), b: leaf(50, root32(2)) },
      },
    }),
  ],
  [
    "v1 pieces of the wrong size",
    encode({ info: { name: "x", "piece length": PL, pieces: new Uint8Array(40), length: 10 } }),
  ],
  [
    "v1 negative length",
    v1Multi([
      { length: -1, path: ["a"] },
      { length: 10, path: ["b"] },
    ]),
  ],
  ["v1 file without length", v1Multi([{ path: ["a"] }, { length: 10, path: ["b"] }])],
  ["v1 path not a list", v1Multi([{ length: 10, path: "a" }])],
  [
    "piece length 2^30",
    encode({ info: { name: "x", "piece length": 2 ** 30, pieces: new Uint8Array(20), length: 10 } }),
  ],
  [
    "meta version 3",
    encode({
      info: { name: "x", "piece length": PL, "meta version": 3, pieces: new Uint8Array(20), length: 10 },
    }),
  ],
];

/** The deliberate difference, kept out of the comparison and checked on its own. */
const duplicateInInfo = raw(
  "d4:infod6:lengthi10e6:lengthi99999e4:name1:x12:piece lengthi16384e6:pieces",
  s(Buffer.alloc(20)),
  "ee",
);

function ourReading(bytes: Uint8Array): { ok: true; meta: TorrentMeta } | { ok: false; error: string } {
  try {
    return { ok: true, meta: parseTorrent(bytes) };
  } catch (error) {
    return { ok: false, error: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

/** Our file list as libtorrent names it: under the torrent's name unless single-file; pad files left out. */
function ourFiles(meta: TorrentMeta) {
  return meta.files
    .filter((f) => !f.padding)
    .map((f) => {
      const under = (p: string) => (meta.singleFile ? p : `${meta.name}/${p}`);
      return {
        path: under(f.path),
        length: f.length,
        symlink: f.symlink === undefined ? null : under(f.symlink),
      };
    });
}

let dir: string;
let lt: LtResult[];
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "seedpress-corpus-"));
  const files = [...cases.map(([, bytes]) => bytes), duplicateInInfo].map((_, i) =>
    join(dir, `${i}.torrent`),
  );
  await Promise.all(
    files.map((file, i) => writeFile(file, i < cases.length ? cases[i]![1] : duplicateInInfo)),
  );
  lt = await runLibtorrent(files);
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("parseTorrent reads hostile and odd torrents as libtorrent 2.0.8 does", () => {
  it.each(cases.map(([label], i) => [label, i] as const))("%s", (_label, i) => {
    const theirs = lt[i]!;
    const ours = ourReading(cases[i]![1]);
    expect({ ok: ours.ok, ...(!ours.ok && { error: ours.error }) }).toEqual(
      theirs.ok ? { ok: true } : { ok: false, error: expect.any(String) },
    );
    if (!ours.ok || !theirs.ok) return;
    expect(ours.meta.infoHash ?? null).toBe(theirs.infoHash);
    expect(ours.meta.infoHashV2 ?? null).toBe(theirs.infoHashV2);
    expect(ours.meta.name).toBe(theirs.name);
    const ltFiles = theirs.files!.filter((f) => !f.pad).map(({ pad: _, ...f }) => f);
    expect(ourFiles(ours.meta)).toEqual(ltFiles);
  });

  it("refuses a key repeated inside info, which libtorrent reads as its first value", () => {
    expect(lt[cases.length]!.ok).toBe(true);
    expect(() => parseTorrent(duplicateInInfo)).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_DUPLICATE_KEY" }),
    );
  });

  it("hashes what libtorrent hashes: the info bytes exactly as found", () => {
    const i = cases.findIndex(([label]) => label === "v1 info keys out of order");
    const info = raw("d6:pieces", s(Buffer.alloc(20)), "4:name1:x12:piece lengthi16384e6:lengthi10ee");
    expect(lt[i]!.infoHash).toBe(sha1(info).toString("hex"));
  });
});
