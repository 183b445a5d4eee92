// Sizes where size matters: a sparse file just over 4 GiB (offsets past 2^32) followed by a small file.
// The v1 info dictionary is computed here by hand (most pieces are all zeros, so only three need real
// hashing), and a flipped byte in the small file must be reported in piece 1024, the piece it shares
// with the big file's last 5 bytes.
import { createHash } from "node:crypto";
import { mkdir, open, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, verifyTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { benc } from "./bencoding.js";
import { content, tempDir } from "./fixtures.js";

const GiB = 1024 ** 3;
const BIG = 4 * GiB + 5;
const PL = 4 * 1024 * 1024;
const head = content("head", 1000);
const mark = content("mark", 4096); // written so that it ends exactly at the end of the big file
const tail = content("z", 1000);

let dir: string;
let cleanup: () => Promise<void>;
let top: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-large-"));
  top = join(dir, "large");
  await mkdir(top);
  const fh = await open(join(top, "big.sparse"), "w");
  try {
    await fh.truncate(BIG);
    await fh.write(head, 0, head.length, 0);
    await fh.write(mark, 0, mark.length, BIG - mark.length);
  } finally {
    await fh.close();
  }
  await writeFile(join(top, "z.bin"), tail);
});
afterAll(async () => {
  await cleanup();
});

const sha1 = (b: Buffer) => createHash("sha1").update(b).digest();

describe("offsets past 4 GiB", () => {
  it("v1 info equals the one computed by hand; a flipped byte after the big file lands in piece 1024", async () => {
    const count = Math.ceil((BIG + tail.length) / PL);
    expect(count).toBe(1025);
    const zeroPiece = sha1(Buffer.alloc(PL));
    const piece0 = Buffer.alloc(PL);
    head.copy(piece0);
    const piece1023 = Buffer.alloc(PL);
    const markInPiece = mark.length - 5; // the mark's last 5 bytes are past 4 GiB, in piece 1024
    mark.copy(piece1023, PL - markInPiece, 0, markInPiece);
    const piece1024 = Buffer.concat([mark.subarray(markInPiece), tail]);
    const hashes = Array.from({ length: count }, () => zeroPiece);
    hashes[0] = sha1(piece0);
    hashes[1023] = sha1(piece1023);
    hashes[1024] = sha1(piece1024);
    const info = benc({
      files: [
        { length: BIG, path: ["big.sparse"] },
        { length: tail.length, path: ["z.bin"] },
      ],
      name: "large",
      "piece length": PL,
      pieces: Buffer.concat(hashes),
    });

    const ours = await createTorrent(top, {
      version: "v1",
      pieceLength: PL,
      createdBy: false,
      creationDate: false,
    });
    expect(ours.infoHash).toBe(sha1(info).toString("hex"));
    expect(ours.files.map((f) => f.offset)).toEqual([0, BIG]);

    const fh = await open(join(top, "z.bin"), "r+");
    await fh.write(Buffer.from([(tail[10] as number) ^ 0xff]), 0, 1, 10);
    await fh.close();
    const report = await verifyTorrent(parseTorrent(ours.torrent), top);
    expect(
      report.failures.map((f) => ({
        path: f.path,
        reason: f.reason,
        piece: f.piece,
        start: f.start,
        end: f.end,
      })),
    ).toEqual([
      { path: "big.sparse", reason: "hash", piece: 1024, start: 1024 * PL, end: BIG },
      { path: "z.bin", reason: "hash", piece: 1024, start: 0, end: tail.length },
    ]);
  }, 300_000);
});
