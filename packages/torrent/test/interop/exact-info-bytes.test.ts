// Info hashes come from the exact `info` bytes in the file, never from a re-encoding: for a torrent whose
// `info` keys are out of order and one whose `info` holds a key we do not know, our hashes equal
// libtorrent's (which hashes the raw bytes too), and verify still passes on the data.
import { createHash } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseTorrent, verifyTorrent } from "@seedpress/torrent";
import parseTorrentPeer from "parse-torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDict, type BIn, bdecode, benc } from "./bencoding.js";
import { content, KiB, listFiles, tempDir, writeTree } from "./fixtures.js";
import { ltCheck, ltCreate } from "./peers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-exact-"));
});
afterAll(async () => {
  await cleanup();
});

const str = (b: Buffer | string): Buffer => {
  const bytes = Buffer.from(b);
  return Buffer.concat([Buffer.from(`${bytes.length}:`), bytes]);
};
const sha1 = (b: Buffer) => createHash("sha1").update(b).digest();

describe("info hash over the exact info bytes", () => {
  it("v1 info with keys out of order and an unknown key", async () => {
    const data = content("nc", 20_000);
    await writeFile(join(dir, "nc.bin"), data);
    const pieces = Buffer.concat([sha1(data.subarray(0, 16 * KiB)), sha1(data.subarray(16 * KiB))]);
    // "pieces" before "name" before "piece length": not the sorted order an encoder would write.
    const info = Buffer.concat([
      Buffer.from("d"),
      str("pieces"),
      str(pieces),
      str("name"),
      str("nc.bin"),
      str("piece length"),
      Buffer.from(`i${16 * KiB}e`),
      str("length"),
      Buffer.from("i20000e"),
      str("x-custom"),
      str("kept"),
      Buffer.from("e"),
    ]);
    const torrent = Buffer.concat([Buffer.from("d"), str("info"), info, Buffer.from("e")]);
    const file = join(dir, "nc.torrent");
    await writeFile(file, torrent);

    const lt = await ltCheck(file, dir);
    expect(lt.infoHash).toBe(sha1(info).toString("hex"));
    expect(lt.seeding).toBe(true);
    const meta = parseTorrent(torrent);
    expect(meta.infoHash).toBe(lt.infoHash);
    expect(Buffer.from(meta.infoBuffer).equals(info)).toBe(true);
    // parse-torrent re-encodes `info`, so it gets another hash for the same file: the trap we avoid.
    expect((await parseTorrentPeer(torrent)).infoHash).not.toBe(lt.infoHash);
    const report = await verifyTorrent(meta, join(dir, "nc.bin"));
    expect(report.ok).toBe(true);
  });

  it("hybrid info with an extra key: both hashes equal libtorrent's reading", async () => {
    const top = await writeTree(join(dir, "hy"), { "a.bin": 1000, "b/c.bin": 40_000 });
    const made = await ltCreate({
      root: dir,
      files: (await listFiles(top)).map(([p, s]) => [`hy/${p}`, s]),
      pieceLength: 16 * KiB,
      mode: "hybrid",
      out: join(dir, "hy.lt.torrent"),
    });
    const root = asDict(bdecode(made.torrent));
    asDict(root.get("info")).set("x-publisher", Buffer.from("seedpress test"));
    const bytes = benc(root as BIn);
    const file = join(dir, "hy-extra.torrent");
    await writeFile(file, bytes);
    const lt = await ltCheck(file, dir);
    expect(lt.infoHash).not.toBe(made.infoHash);
    expect(lt.seeding).toBe(true);
    const meta = parseTorrent(bytes);
    expect(meta.infoHash).toBe(lt.infoHash);
    expect(meta.infoHashV2).toBe(lt.infoHashV2);
    expect((await verifyTorrent(meta, top)).ok).toBe(true);
  });
});
