// BEP 52 merkle rules checked against values computed here by hand with node:crypto, and info hashes
// over info dictionaries bencoded here: nothing expected comes from the code under test.
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDict, type BIn, bdecode, benc, binKey, get } from "./bencoding.js";
import { content, KiB, tempDir } from "./fixtures.js";

const BLOCK = 16 * KiB;
const Z = Buffer.alloc(32);
const sha256 = (...parts: Buffer[]): Buffer => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return h.digest();
};
const sha1 = (b: Buffer): Buffer => createHash("sha1").update(b).digest();
const blocks = (data: Buffer): Buffer[] => {
  const out: Buffer[] = [];
  for (let i = 0; i < data.length; i += BLOCK) out.push(sha256(data.subarray(i, i + BLOCK)));
  return out;
};
const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-vectors-"));
});
afterAll(async () => {
  await cleanup();
});

async function single(name: string, size: number): Promise<{ path: string; data: Buffer }> {
  const folder = join(dir, `${name}-${size}`);
  await mkdir(folder, { recursive: true });
  const data = content(name, size);
  const path = join(folder, name);
  await writeFile(path, data);
  return { path, data };
}

const bare = { createdBy: false, creationDate: false } as const;

/** The v2 info dictionary of a single file, bencoded here. */
function v2Info(name: string, length: number, pl: number, root: Buffer): Buffer {
  return benc({
    "file tree": { [name]: { "": { length, "pieces root": root } } },
    "meta version": 2,
    name,
    "piece length": pl,
  });
}

describe("v2 merkle roots and piece layers, computed by hand", () => {
  it("a file of exactly one 16 KiB block: pieces root = SHA-256 of the block", async () => {
    const { path, data } = await single("block.bin", BLOCK);
    const root = sha256(data);
    const t = await createTorrent(path, { version: "v2", pieceLength: 16 * KiB, ...bare });
    expect(t.files[0]?.piecesRoot).toBe(hex(root));
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("block.bin", BLOCK, 16 * KiB, root))));
    // One piece, not larger than the piece length: no piece layer.
    expect(get(bdecode(t.torrent), "piece layers")).toBeUndefined();
  });

  it("a file smaller than one block: root = SHA-256 of its bytes, unpadded", async () => {
    const { path, data } = await single("five.bin", 5);
    const root = sha256(data);
    const t = await createTorrent(path, { version: "v2", pieceLength: 16 * KiB, ...bare });
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("five.bin", 5, 16 * KiB, root))));
  });

  it("three blocks in a 64 KiB piece: padded only to the next power of two of the block count", async () => {
    const { path, data } = await single("three.bin", 3 * BLOCK);
    const [h0, h1, h2] = blocks(data) as [Buffer, Buffer, Buffer];
    const root = sha256(sha256(h0, h1), sha256(h2, Z));
    const t = await createTorrent(path, { version: "v2", pieceLength: 64 * KiB, ...bare });
    expect(t.files[0]?.piecesRoot).toBe(hex(root));
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("three.bin", 3 * BLOCK, 64 * KiB, root))));
    expect(get(bdecode(t.torrent), "piece layers")).toBeUndefined();
  });

  it("a partial block in a 64 KiB piece: hashed as is, the rest zero leaves", async () => {
    const size = 2 * BLOCK + 100;
    const { path, data } = await single("partial.bin", size);
    const [h0, h1, h2] = blocks(data) as [Buffer, Buffer, Buffer];
    expect(h2.equals(sha256(data.subarray(2 * BLOCK)))).toBe(true);
    const root = sha256(sha256(h0, h1), sha256(h2, Z));
    const t = await createTorrent(path, { version: "v2", pieceLength: 64 * KiB, ...bare });
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("partial.bin", size, 64 * KiB, root))));
  });

  it("one piece + 1 byte (32 KiB pieces): last piece padded with zero leaves to a full piece", async () => {
    const pl = 32 * KiB;
    const { path, data } = await single("plus.bin", pl + 1);
    const [h0, h1, h2] = blocks(data) as [Buffer, Buffer, Buffer];
    const p0 = sha256(h0, h1);
    const p1 = sha256(h2, Z);
    const root = sha256(p0, p1);
    const t = await createTorrent(path, { version: "v2", pieceLength: pl, ...bare });
    expect(t.files[0]?.piecesRoot).toBe(hex(root));
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("plus.bin", pl + 1, pl, root))));
    const layers = asDict(get(bdecode(t.torrent), "piece layers"));
    expect([...layers.keys()]).toEqual([binKey(root)]);
    expect(hex(layers.get(binKey(root)) as Buffer)).toBe(hex(Buffer.concat([p0, p1])));
  });

  it("two pieces + 1 byte (32 KiB pieces): the piece layer is padded with the hash of a zero piece, not zeros", async () => {
    const pl = 32 * KiB;
    const { path, data } = await single("pad.bin", 2 * pl + 1);
    const [h0, h1, h2, h3, h4] = blocks(data) as [Buffer, Buffer, Buffer, Buffer, Buffer];
    const p0 = sha256(h0, h1);
    const p1 = sha256(h2, h3);
    const p2 = sha256(h4, Z);
    const zeroPiece = sha256(Z, Z);
    expect(zeroPiece.equals(Z)).toBe(false);
    const root = sha256(sha256(p0, p1), sha256(p2, zeroPiece));
    const t = await createTorrent(path, { version: "v2", pieceLength: pl, ...bare });
    expect(t.files[0]?.piecesRoot).toBe(hex(root));
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("pad.bin", 2 * pl + 1, pl, root))));
    const layers = asDict(get(bdecode(t.torrent), "piece layers"));
    // The layer lists the real pieces only.
    expect(hex(layers.get(binKey(root)) as Buffer)).toBe(hex(Buffer.concat([p0, p1, p2])));
    expect(hex(t.pieceLayers?.get(hex(root)) ?? new Uint8Array())).toBe(hex(Buffer.concat([p0, p1, p2])));
  });

  it("three pieces of 16 KiB: with one-block pieces the pad node is 32 zero bytes", async () => {
    const pl = 16 * KiB;
    const { path, data } = await single("three-pieces.bin", 3 * pl);
    const [h0, h1, h2] = blocks(data) as [Buffer, Buffer, Buffer];
    const root = sha256(sha256(h0, h1), sha256(h2, Z));
    const t = await createTorrent(path, { version: "v2", pieceLength: pl, ...bare });
    expect(t.infoHashV2).toBe(hex(sha256(v2Info("three-pieces.bin", 3 * pl, pl, root))));
    const layers = asDict(get(bdecode(t.torrent), "piece layers"));
    expect(hex(layers.get(binKey(root)) as Buffer)).toBe(hex(Buffer.concat([h0, h1, h2])));
  });

  it("a folder with an empty file: the empty file has a length and no pieces root", async () => {
    const folder = join(dir, "with-empty");
    await mkdir(folder, { recursive: true });
    const a = content("a", 5);
    await writeFile(join(folder, "a"), a);
    await writeFile(join(folder, "b"), "");
    const info = benc({
      "file tree": { a: { "": { length: 5, "pieces root": sha256(a) } }, b: { "": { length: 0 } } },
      "meta version": 2,
      name: "with-empty",
      "piece length": 16 * KiB,
    });
    const t = await createTorrent(folder, { version: "v2", pieceLength: 16 * KiB, ...bare });
    expect(t.infoHashV2).toBe(hex(sha256(info)));
    expect(t.files.find((f) => f.path === "b")?.piecesRoot).toBeUndefined();
    // The same bytes for the whole .torrent: only `info`, nothing else asked for.
    expect(hex(t.torrent)).toBe(hex(Buffer.concat([Buffer.from("d4:info"), info, Buffer.from("e")])));
  });
});

describe("v1 and hybrid info dictionaries, computed by hand", () => {
  it("v1: a 1-byte file", async () => {
    const { path, data } = await single("one", 1);
    const info = benc({ length: 1, name: "one", "piece length": 16 * KiB, pieces: sha1(data) });
    const t = await createTorrent(path, { version: "v1", pieceLength: 16 * KiB, ...bare });
    expect(t.infoHash).toBe(hex(sha1(info)));
    expect(hex(t.torrent)).toBe(hex(Buffer.concat([Buffer.from("d4:info"), info, Buffer.from("e")])));
  });

  it("v1: two files across a piece boundary, pieces over the concatenation", async () => {
    const folder = join(dir, "concat");
    await mkdir(folder, { recursive: true });
    const a = content("ca", 20_000);
    const b = content("cb", 30_000);
    await writeFile(join(folder, "a"), a);
    await writeFile(join(folder, "b"), b);
    const all = Buffer.concat([a, b]);
    const pl = 16 * KiB;
    const pieces = Buffer.concat([0, 1, 2, 3].map((i) => sha1(all.subarray(i * pl, (i + 1) * pl))));
    const info = benc({
      files: [
        { length: 20_000, path: ["a"] },
        { length: 30_000, path: ["b"] },
      ],
      name: "concat",
      "piece length": pl,
      pieces,
    });
    const t = await createTorrent(folder, { version: "v1", pieceLength: pl, ...bare });
    expect(t.infoHash).toBe(hex(sha1(info)));
  });

  it("hybrid: one piece + 1 byte as a single file, no pad file, short last v1 piece", async () => {
    const pl = 32 * KiB;
    const { path, data } = await single("hy.bin", pl + 1);
    const [h0, h1, h2] = blocks(data) as [Buffer, Buffer, Buffer];
    const root = sha256(sha256(h0, h1), sha256(h2, Z));
    const info = benc({
      "file tree": { "hy.bin": { "": { length: pl + 1, "pieces root": root } } },
      length: pl + 1,
      "meta version": 2,
      name: "hy.bin",
      "piece length": pl,
      pieces: Buffer.concat([sha1(data.subarray(0, pl)), sha1(data.subarray(pl))]),
    });
    const t = await createTorrent(path, { version: "hybrid", pieceLength: pl, ...bare });
    expect(t.infoHash).toBe(hex(sha1(info)));
    expect(t.infoHashV2).toBe(hex(sha256(info)));
    const meta = parseTorrent(t.torrent);
    expect(meta.version).toBe("hybrid");
    expect(meta.infoHash).toBe(hex(sha1(info)));
  });

  it("hybrid: two files get BEP 47 pad files (.pad/N, attr p), the tail one too", async () => {
    const pl = 16 * KiB;
    const folder = join(dir, "hy-folder");
    await mkdir(folder, { recursive: true });
    const a = content("ha", 100);
    const b = content("hb", 20_000);
    await writeFile(join(folder, "a"), a);
    await writeFile(join(folder, "b"), b);
    const padA = pl - 100;
    const padB = 2 * pl - 20_000;
    const v1Data = Buffer.concat([a, Buffer.alloc(padA), b, Buffer.alloc(padB)]);
    const pieces = Buffer.concat([0, 1, 2].map((i) => sha1(v1Data.subarray(i * pl, (i + 1) * pl))));
    const [hb0, hb1] = blocks(b) as [Buffer, Buffer];
    const file = (length: number, path: string[], attr?: string): BIn =>
      attr ? { attr, length, path } : { length, path };
    const infoWith = (tail: boolean) =>
      benc({
        "file tree": {
          a: { "": { length: 100, "pieces root": sha256(a) } },
          b: { "": { length: 20_000, "pieces root": sha256(hb0, hb1) } },
        },
        files: [
          file(100, ["a"]),
          file(padA, [".pad", String(padA)], "p"),
          file(20_000, ["b"]),
          ...(tail ? [file(padB, [".pad", String(padB)], "p")] : []),
        ],
        "meta version": 2,
        name: "hy-folder",
        "piece length": pl,
        pieces: tail
          ? pieces
          : Buffer.concat([
              sha1(v1Data.subarray(0, pl)),
              sha1(v1Data.subarray(pl, 2 * pl)),
              sha1(v1Data.subarray(2 * pl, 2 * pl + 20_000 - pl)),
            ]),
      });
    const t = await createTorrent(folder, { version: "hybrid", pieceLength: pl, ...bare });
    expect(t.infoHash).toBe(hex(sha1(infoWith(true))));
    expect(t.infoHashV2).toBe(hex(sha256(infoWith(true))));
    const noTail = await createTorrent(folder, {
      version: "hybrid",
      pieceLength: pl,
      tailPad: false,
      ...bare,
    });
    expect(noTail.infoHash).toBe(hex(sha1(infoWith(false))));
  });
});
