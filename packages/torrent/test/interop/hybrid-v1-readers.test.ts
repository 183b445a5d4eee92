// A hybrid torrent must still work for v1-only software: parse-torrent (v1-only) reads the v1 half of
// ours, with the same v1 info hash, the BEP 47 pad files in place and every piece hash listed.
// Transmission 3.00 (Debian's transmission-cli) refuses every hybrid torrent, libtorrent's as well as
// ours ("Error parsing .torrent file"); hybrid support came in Transmission 4. The test pins that down.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent } from "@seedpress/torrent";
import parseTorrentPeer from "parse-torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KiB, listFiles, tempDir, writeTree } from "./fixtures.js";
import { ltCreate, transmissionShow } from "./peers.js";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-hybrid-v1-"));
});
afterAll(async () => {
  await cleanup();
});

describe("v1-only readers of our hybrid torrents", () => {
  it("parse-torrent reads the v1 half, pad files included; Transmission 3.00 refuses ours and libtorrent's alike", async () => {
    const pl = 16 * KiB;
    const top = await writeTree(join(dir, "hy"), { "a.bin": 100, "b/c.bin": 20_000, "d.bin": 16_384 });
    const t = await createTorrent(top, {
      version: "hybrid",
      pieceLength: pl,
      createdBy: false,
      creationDate: false,
    });
    const file = join(dir, "hy.torrent");
    await writeFile(file, t.torrent);

    // Every file starts on a piece boundary; the pads are computed here from the sizes.
    const expected = [
      ["hy/a.bin", 100],
      [`hy/.pad/${pl - 100}`, pl - 100],
      ["hy/b/c.bin", 20_000],
      [`hy/.pad/${2 * pl - 20_000}`, 2 * pl - 20_000],
      ["hy/d.bin", 16_384],
    ];
    const peer = await parseTorrentPeer(t.torrent);
    expect(peer.infoHash).toBe(t.infoHash);
    expect(peer.files.map((f) => [f.path, f.length])).toEqual(expected);
    expect(peer.pieces.length).toBe(4);
    expect(peer.length).toBe(4 * pl);

    const lt = await ltCreate({
      root: dir,
      files: (await listFiles(top)).map(([p, s]) => [`hy/${p}`, s]),
      pieceLength: pl,
      mode: "hybrid",
      out: join(dir, "hy.lt.torrent"),
    });
    expect(lt.infoHash).toBe(t.infoHash);
    await expect(transmissionShow(join(dir, "hy.lt.torrent"))).rejects.toThrow(/Error parsing/);
    await expect(transmissionShow(file)).rejects.toThrow(/Error parsing/);
  });
});
