// Sizes where size matters: a sparse file just over 4 GiB (offsets past 2^32) followed by a small file.
// Our v1 info hash equals mktorrent's, and a flipped byte in the small file is reported in piece 1024,
// the piece it shares with the big file's last 5 bytes (computed here from the sizes).
import { createHash } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, verifyTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BVal, bdecode, benc, get } from "./bencoding.js";
import { content, tempDir } from "./fixtures.js";
import { mktorrent } from "./peers.js";

const GiB = 1024 ** 3;
const BIG = 4 * GiB + 5;
const PL = 4 * 1024 * 1024;

let dir: string;
let cleanup: () => Promise<void>;
let top: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-large-"));
  top = join(dir, "large");
  await mkdir(top);
  // Sparse, with real bytes at the start and across the 4 GiB mark so those pieces are not all zeros.
  const fh = await open(join(top, "big.sparse"), "w");
  try {
    await fh.truncate(BIG);
    await fh.write(content("head", 1000), 0, 1000, 0);
    await fh.write(content("mark", 4096), 0, 4096, 4 * GiB - 4091);
  } finally {
    await fh.close();
  }
  await writeFile(join(top, "z.bin"), content("z", 1000));
});
afterAll(async () => {
  await cleanup();
});

describe("offsets past 4 GiB", () => {
  it("v1 info hash equals mktorrent's; a flipped byte after the big file lands in piece 1024", async () => {
    const ours = await createTorrent(top, {
      version: "v1",
      pieceLength: PL,
      createdBy: false,
      creationDate: false,
    });
    // mktorrent (two threads) rather than libtorrent (one) to keep the 4 GiB pass short.
    const mk = await mktorrent(top, { pieceLength: PL, out: join(dir, "large.mk.torrent"), threads: 2 });
    expect(ours.infoHash).toBe(
      createHash("sha1")
        .update(benc(get(bdecode(mk), "info") as BVal))
        .digest("hex"),
    );
    expect(ours.pieceCount).toBe(Math.ceil((BIG + 1000) / PL));
    expect(ours.files.map((f) => f.offset)).toEqual([0, BIG]);

    const fh = await open(join(top, "z.bin"), "r+");
    await fh.write(Buffer.from([0x00]), 0, 1, 10);
    await fh.close();
    const report = await verifyTorrent(parseTorrent(ours.torrent), top);
    const piece = Math.floor((BIG + 10) / PL);
    expect(piece).toBe(1024);
    expect(
      report.failures.map((f) => ({
        path: f.path,
        reason: f.reason,
        piece: f.piece,
        start: f.start,
        end: f.end,
      })),
    ).toEqual([
      { path: "big.sparse", reason: "hash", piece, start: piece * PL, end: BIG },
      { path: "z.bin", reason: "hash", piece, start: 0, end: 1000 },
    ]);
  }, 300_000);
});
