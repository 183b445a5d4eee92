// Metainfo keeps the exact info bytes: re-wrapping with other trackers, web seeds, comment or date
// never changes the info hashes, keeps unknown top-level keys, and round-trips through a file.
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decode, encode } from "../../src/bencode.js";
import { createTorrent } from "../../src/create.js";
import { FileLayout } from "../../src/file-layout.js";
import { parseMagnet } from "../../src/magnet.js";
import { Metainfo } from "../../src/metainfo.js";
import { creationDate, sourceDateEpoch } from "../../src/source-date.js";
import { tempDir } from "./tmp.js";

const dir = tempDir();
const hashOf = (bytes: Uint8Array) => createHash("sha1").update(bytes).digest("hex");

describe("Metainfo", () => {
  // An info dict with keys out of order and an unknown top-level key: a re-encoding would change both.
  const info = Buffer.from(
    `d6:pieces20:${"\0".repeat(20)}4:name5:x.bin12:piece lengthi16384e6:lengthi10ee`,
    "latin1",
  );
  const original = Buffer.concat([
    Buffer.from("d8:announce10:http://t/a4:info"),
    info,
    Buffer.from("7:x-extra4:keepe"),
  ]);

  it("re-wraps with other trackers, web seeds, comment and date without touching the info bytes", () => {
    const m = Metainfo.parse(original);
    expect(m.infoHash).toBe(hashOf(info));
    const changed = m.with({
      announce: [["http://a/1", "http://a/2"], ["udp://b:1"]],
      webSeeds: ["https://w/x.bin"],
      comment: "hello",
      creationDate: 42,
      createdBy: null,
    });
    const bytes = changed.toBytes();
    const again = Metainfo.parse(bytes);
    expect(again.infoHash).toBe(hashOf(info));
    expect(Buffer.from(again.infoBytes).equals(info)).toBe(true);
    expect(again.meta).toMatchObject({
      announce: [["http://a/1", "http://a/2"], ["udp://b:1"]],
      urlList: ["https://w/x.bin"],
      comment: "hello",
      creationDate: 42,
    });
    const top = decode(bytes).value as Map<string, unknown>;
    expect(Buffer.from(top.get("x-extra") as Uint8Array).toString()).toBe("keep");
    expect(Buffer.from(top.get("announce") as Uint8Array).toString()).toBe("http://a/1");
    // null removes a field
    const removed = Metainfo.parse(changed.with({ announce: null, comment: null }).toBytes()).meta;
    expect(removed.announce).toEqual([]);
    expect(removed.comment).toBeUndefined();
  });

  it("adds the trailing slash BEP 19 needs to a multi-file torrent's web seeds, refuses bad URLs", async () => {
    writeFileSync(path.join(dir, "m1"), "1");
    const folder = path.join(dir, "multi");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "a"), "a");
    writeFileSync(path.join(folder, "b"), "b");
    const made = await createTorrent(folder, { creationDate: false });
    expect(made.metainfo.with({ webSeeds: ["https://w/multi"] }).meta.urlList).toEqual(["https://w/multi/"]);
    expect(() => made.metainfo.with({ webSeeds: ["ftp://x/"] })).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_OPTION" }),
    );
    expect(() => made.metainfo.with({ announce: ["not a url"] })).toThrowError(
      expect.objectContaining({ code: "ERR_TORRENT_OPTION" }),
    );
  });

  it("wraps bare info bytes, keeping their hash", () => {
    const m = Metainfo.fromInfo(info).with({ announce: ["http://t/b"] });
    expect(m.infoHash).toBe(hashOf(info));
    expect(Metainfo.parse(m.toBytes()).meta.announce).toEqual([["http://t/b"]]);
  });

  it("writes itself atomically and reads back the same bytes", async () => {
    const m = Metainfo.parse(original).with({ comment: "c" });
    const file = path.join(dir, "out.torrent");
    await m.write(file);
    expect(Buffer.from(readFileSync(file)).equals(Buffer.from(m.toBytes()))).toBe(true);
    expect((await Metainfo.read(file)).infoHash).toBe(hashOf(info));
  });

  it("makes magnet links with btih, tr, ws and xs", () => {
    const m = Metainfo.parse(original).with({ webSeeds: ["https://w/x.bin"] });
    const link = m.magnet({ exactSource: "https://w/x.bin.torrent" });
    const back = parseMagnet(link);
    expect(back).toMatchObject({
      infoHash: hashOf(info),
      name: "x.bin",
      length: 10,
      announce: [["http://t/a"]],
      urlList: ["https://w/x.bin"],
      exactSources: ["https://w/x.bin.torrent"],
    });
    expect(m.magnet({ trackers: false, webSeeds: false })).not.toMatch(/tr=|ws=/);
  });

  it("gives the file layout: offsets, pads, piece ranges, the short last piece", async () => {
    const folder = path.join(dir, "lay");
    const { mkdirSync } = await import("node:fs");
    mkdirSync(folder, { recursive: true });
    writeFileSync(path.join(folder, "a"), Buffer.alloc(20000));
    writeFileSync(path.join(folder, "b"), Buffer.alloc(100));
    const made = await createTorrent(folder, { version: "hybrid", pieceLength: 16384, creationDate: false });
    const layout = made.metainfo.layout;
    expect(layout.files.map((f) => [f.pathSegments.join("/"), f.offset, f.length, f.padding])).toEqual([
      ["a", 0, 20000, false],
      [".pad/12768", 20000, 12768, true],
      ["b", 32768, 100, false],
      [".pad/16284", 32868, 16284, true],
    ]);
    expect(layout.pieceCount).toBe(3);
    expect(layout.pieceRange(0)).toEqual([0, 2]);
    expect(layout.pieceRange(2)).toEqual([2, 3]);
    expect(layout.shortLastFile).toBe(-1);
    const v2 = new FileLayout(
      layout.files.filter((f) => !f.padding),
      16384,
    );
    expect(v2.v2PieceCount).toBe(3);
    expect(v2.shortLastFile).toBe(1);
    expect(v2.pieceBytes(1)).toEqual([16384, 20100]);
  });
});

describe("SOURCE_DATE_EPOCH", () => {
  it("is one rule: a whole number of seconds, or a clear error", () => {
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "1700000000" })).toBe(1700000000);
    expect(sourceDateEpoch({ SOURCE_DATE_EPOCH: "" })).toBeUndefined();
    expect(() => sourceDateEpoch({ SOURCE_DATE_EPOCH: "yesterday" })).toThrowError(
      expect.objectContaining({
        code: "ERR_TORRENT_OPTION",
        message: expect.stringContaining("SOURCE_DATE_EPOCH"),
      }),
    );
    expect(creationDate(undefined, { SOURCE_DATE_EPOCH: "5" })).toBe(5);
    expect(creationDate(7, { SOURCE_DATE_EPOCH: "5" })).toBe(7);
    expect(creationDate(false, { SOURCE_DATE_EPOCH: "5" })).toBeUndefined();
  });
});

describe("verify and unsafe paths", () => {
  it("reads the sanitised path inside the folder, never the unsafe one outside", async () => {
    const { mkdirSync } = await import("node:fs");
    const { verifyTorrent } = await import("../../src/verify.js");
    const { parseTorrent } = await import("../../src/parse.js");
    const top = path.join(dir, "v", "top");
    mkdirSync(path.join(top, "etc"), { recursive: true });
    mkdirSync(path.join(dir, "v", "etc"), { recursive: true });
    const data = Buffer.from("inside!!!!");
    writeFileSync(path.join(top, "etc", "passwd"), data);
    writeFileSync(path.join(dir, "v", "etc", "passwd"), "OUTSIDE!!!");
    const piece = createHash("sha1").update(data).digest();
    const bytes = encode({
      info: {
        name: "top",
        "piece length": 16384,
        pieces: piece,
        files: [{ length: 10, path: ["..", "etc", "passwd"] }],
      },
    });
    const meta = parseTorrent(bytes);
    expect(meta.files[0]).toMatchObject({
      path: "etc/passwd",
      pathSanitized: true,
      originalPath: "../etc/passwd",
    });
    const report = await verifyTorrent(meta, top);
    expect(report.ok).toBe(true);
  });
});
