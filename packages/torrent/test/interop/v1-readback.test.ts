// Issue 2 proof: transmission-show and parse-torrent read our v1 torrents back; we parse torrents made by
// mktorrent, libtorrent, create-torrent and transmission-create and agree with them on every field.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { createTorrent, parseTorrent, type TorrentMeta } from "@seedpress/torrent";
import createTorrentPeer, { type CreateTorrentOptions } from "create-torrent";
import parseTorrentPeer from "parse-torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BVal, bdecode, get, text } from "./bencoding.js";
import { KiB, listFiles, tempDir, writeTree } from "./fixtures.js";
import { ltCheckBatch, ltCreate, mktorrent, transmissionCreate, transmissionShow } from "./peers.js";

const createWithPeer = promisify(
  (input: string, opts: CreateTorrentOptions, cb: (err: Error | null, torrent: Uint8Array) => void) =>
    createTorrentPeer(input, opts, cb),
);

let dir: string;
let cleanup: () => Promise<void>;
let folder: string;
let single: string;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-readback-"));
  folder = await writeTree(join(dir, "data", "release"), {
    "disk.img": 5 * 32 * KiB + 99,
    SHA256SUMS: 140,
    "docs/README.txt": 2000,
    "docs/ünï/ñotes.md": 777,
  });
  single = join(dir, "data", "release", "disk.img");
});
afterAll(async () => {
  await cleanup();
});

const tiers = [
  ["http://127.0.0.1:6969/announce"],
  ["udp://127.0.0.1:6970", "http://127.0.0.1:6971/announce"],
];

/** Tracker tiers as written in the file (announce-list, else announce). */
function rawTiers(raw: BVal): string[][] {
  const list = get(raw, "announce-list");
  if (Array.isArray(list) && list.length > 0) {
    return list.map((tier) => (tier as Buffer[]).map((u) => u.toString()));
  }
  const one = text(get(raw, "announce"));
  return one ? [[one]] : [];
}

/** Our reading of a torrent against parse-torrent's and the raw bencode, field by field. */
async function expectAgreement(ours: TorrentMeta, bytes: Uint8Array): Promise<void> {
  const peer = await parseTorrentPeer(bytes);
  const raw = bdecode(bytes);
  const info = get(raw, "info");
  expect(ours.version).toBe("v1");
  expect(ours.name).toBe(peer.name);
  expect(ours.infoHash).toBe(peer.infoHash);
  expect(ours.pieceLength).toBe(peer.pieceLength);
  expect(ours.length).toBe(peer.length);
  expect(ours.singleFile).toBe(get(info, "files") === undefined);
  expect(
    ours.files.map((f) => ({
      path: ours.singleFile ? ours.name : `${ours.name}/${f.path}`,
      length: f.length,
      offset: f.offset,
    })),
  ).toEqual(peer.files.map((f) => ({ path: f.path, length: f.length, offset: f.offset })));
  expect(ours.files.every((f) => f.path === f.pathSegments.join("/"))).toBe(true);
  expect(ours.announce).toEqual(rawTiers(raw));
  expect([...new Set(ours.announce.flat())]).toEqual(peer.announce);
  expect(ours.urlList).toEqual(peer.urlList);
  expect(ours.private).toBe(peer.private ?? false);
  expect(ours.comment).toBe(peer.comment);
  expect(ours.createdBy).toBe(peer.createdBy);
  expect(ours.creationDate).toBe(get(raw, "creation date"));
  expect(ours.source).toBe(text(get(info, "source")));
  expect(ours.pieceCount).toBe(peer.pieces.length);
  expect(Buffer.from(ours.pieces ?? []).toString("hex")).toBe(peer.pieces.join(""));
}

describe("they read ours", () => {
  for (const kind of ["folder", "single file"] as const) {
    it(`${kind}: transmission-show and parse-torrent agree with what we wrote`, async () => {
      const path = kind === "folder" ? folder : single;
      const ours = await createTorrent(path, {
        version: "v1",
        pieceLength: 32 * KiB,
        announce: tiers,
        webSeeds: ["http://127.0.0.1:8080/a/", "http://127.0.0.1:8081/b/"],
        comment: "made by the readback test",
        private: true,
        source: "TEST",
        createdBy: "seedpress-test/1",
        creationDate: 1_700_000_000,
      });
      const file = join(dir, `ours-${kind.replace(" ", "-")}.torrent`);
      await writeFile(file, ours.torrent);

      const show = await transmissionShow(file);
      expect(show.name).toBe(kind === "folder" ? "release" : "disk.img");
      expect(show.hash).toBe(ours.infoHash);
      expect(show.pieceCount).toBe(ours.pieceCount);
      expect(show.pieceSize).toBe("32.00 KiB");
      expect(show.privacy).toBe("Private torrent");
      expect(show.comment).toBe("made by the readback test");
      expect(show.createdBy).toBe("seedpress-test/1");
      expect(show.trackers).toEqual(tiers);
      expect(show.magnet).toContain(`xt=urn:btih:${ours.infoHash}`);
      if (kind === "folder") {
        const expected = (await listFiles(folder)).map(([p]) => `release/${p}`);
        expect(show.files).toEqual(expected);
        expect(show.webSeeds).toEqual(["http://127.0.0.1:8080/a/", "http://127.0.0.1:8081/b/"]);
      } else {
        expect(show.files).toEqual(["disk.img"]);
        // A single file's web seed is the file's own URL: kept as given.
        expect(show.webSeeds).toEqual(["http://127.0.0.1:8080/a/", "http://127.0.0.1:8081/b/"]);
      }

      const peer = await parseTorrentPeer(ours.torrent);
      expect(peer.infoHash).toBe(ours.infoHash);
      expect(peer.name).toBe(show.name);
      expect(peer.private).toBe(true);
      expect(peer.created?.getTime()).toBe(1_700_000_000_000);
      expect(peer.createdBy).toBe("seedpress-test/1");
      expect(peer.announce).toEqual(tiers.flat());
      expect(peer.pieceLength).toBe(32 * KiB);
      expect(peer.length).toBe(kind === "folder" ? 5 * 32 * KiB + 99 + 140 + 2000 + 777 : 5 * 32 * KiB + 99);
      await expectAgreement(parseTorrent(ours.torrent), ours.torrent);
      // And libtorrent loads it with the same hash.
      const [lt] = await ltCheckBatch([[file, "-"]]);
      expect(lt?.infoHash).toBe(ours.infoHash);
    });
  }
});

describe("we read theirs", () => {
  for (const kind of ["folder", "single file"] as const) {
    const target = () => (kind === "folder" ? folder : single);
    const out = (tool: string) => join(dir, `${tool}-${kind.replace(" ", "-")}.torrent`);

    it(`${kind}: mktorrent (trackers in tiers, web seeds, comment, private, source, date)`, async () => {
      const bytes = await mktorrent(target(), {
        pieceLength: 64 * KiB,
        out: out("mk"),
        announce: ["http://127.0.0.1:6969/announce", "udp://127.0.0.1:6970,http://127.0.0.1:6971/announce"],
        webSeeds: ["http://127.0.0.1:8080/x/"],
        comment: "mktorrent comment",
        private: true,
        source: "MK",
        date: true,
      });
      const ours = parseTorrent(bytes);
      await expectAgreement(ours, bytes);
      expect(ours.announce).toEqual(tiers);
      expect(ours.createdBy).toBe("mktorrent 1.1");
    });

    it(`${kind}: libtorrent (tiers, url seeds, comment, creator, private, date)`, async () => {
      const base = kind === "folder" ? join(dir, "data") : join(dir, "data", "release");
      const files: Array<[string, number]> =
        kind === "folder"
          ? (await listFiles(folder)).map(([p, s]) => [`release/${p}`, s])
          : [["disk.img", 5 * 32 * KiB + 99]];
      const lt = await ltCreate({
        root: base,
        files,
        pieceLength: 16 * KiB,
        mode: "v1",
        out: out("lt"),
        trackers: [
          ["http://127.0.0.1:6969/announce", 0],
          ["udp://127.0.0.1:6970", 1],
          ["http://127.0.0.1:6971/announce", 1],
        ],
        urlSeeds: ["http://127.0.0.1:8080/y/"],
        comment: "libtorrent comment",
        creator: "libtorrent test",
        private: true,
        keepDate: true,
      });
      const ours = parseTorrent(lt.torrent);
      await expectAgreement(ours, lt.torrent);
      expect(ours.infoHash).toBe(lt.ltInfoHash);
      expect(ours.announce).toEqual(tiers);
    });

    it(`${kind}: create-torrent (announce list, url list, comment, creator, private, date)`, async () => {
      const bytes = await createWithPeer(target(), {
        pieceLength: 32 * KiB,
        announceList: tiers,
        urlList: ["http://127.0.0.1:8080/z/"],
        comment: "create-torrent comment",
        createdBy: "create-torrent test",
        private: true,
        creationDate: new Date(1_600_000_000_000),
      });
      await writeFile(out("ct"), bytes);
      const ours = parseTorrent(bytes);
      await expectAgreement(ours, bytes);
      expect(ours.creationDate).toBe(1_600_000_000);
      const [lt] = await ltCheckBatch([[out("ct"), "-"]]);
      expect(ours.infoHash).toBe(lt?.infoHash);
    });

    it(`${kind}: transmission-create (trackers, comment, private)`, async () => {
      const bytes = await transmissionCreate(target(), {
        out: out("tr"),
        pieceLength: 32 * KiB,
        trackers: ["http://127.0.0.1:6969/announce", "http://127.0.0.1:6971/announce"],
        comment: "transmission comment",
        private: true,
      });
      const ours = parseTorrent(bytes);
      await expectAgreement(ours, bytes);
      expect(ours.private).toBe(true);
      const [lt] = await ltCheckBatch([[out("tr"), "-"]]);
      expect(ours.infoHash).toBe(lt?.infoHash);
    });
  }
});
