import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type BInput, encode } from "../../src/bencode.js";
import { parseTorrent } from "../../src/parse.js";

const piece = new Uint8Array(20);

function v1(info: Record<string, BInput | undefined>, extra: Record<string, BInput> = {}): Uint8Array {
  return encode({
    announce: "http://t/a",
    ...extra,
    info: { name: "x", "piece length": 16384, pieces: piece, length: 100, ...info },
  });
}

const invalid = (code: string, message: string) =>
  expect.objectContaining({ code, message: expect.stringContaining(message) });

describe("parseTorrent", () => {
  it("hashes the info bytes exactly as found, even when not canonically ordered", () => {
    // Keys out of order: a re-encoding would sort them and change the hash.
    const info = `d6:lengthi100e4:name1:x12:piece lengthi16384e6:pieces20:${"\0".repeat(20)}e`;
    const raw = Buffer.concat([Buffer.from("d4:info"), Buffer.from(info, "latin1"), Buffer.from("e")]);
    const meta = parseTorrent(raw);
    expect(meta.infoHash).toBe(createHash("sha1").update(Buffer.from(info, "latin1")).digest("hex"));
  });

  it("reads trackers, web seeds and optional fields", () => {
    const meta = parseTorrent(
      v1(
        { private: 1, source: "S" },
        {
          "announce-list": [["http://a/1", "http://a/2"], ["udp://b:1"]],
          "url-list": "http://w/x",
          comment: "hi",
          "creation date": 5,
        },
      ),
    );
    expect(meta.announce).toEqual([["http://a/1", "http://a/2"], ["udp://b:1"]]);
    expect(meta.urlList).toEqual(["http://w/x"]);
    expect(meta).toMatchObject({
      private: true,
      source: "S",
      comment: "hi",
      creationDate: 5,
      singleFile: true,
      length: 100,
    });
  });

  it.each([
    ["not a dictionary", encode(["x"]), "ERR_TORRENT_INVALID", "not a bencoded dictionary"],
    ["no info", encode({ announce: "x" }), "ERR_TORRENT_INVALID", `no "info"`],
    ["truncated", v1({}).subarray(0, 50), "ERR_TORRENT_BENCODE", "bad bencoding"],
    ["no name", v1({ name: undefined }), "ERR_TORRENT_INVALID", `no "name"`],
    ["name is a number", v1({ name: 5 }), "ERR_TORRENT_INVALID", `no "name"`],
    ["piece length a string", v1({ "piece length": "big" }), "ERR_TORRENT_INVALID", "not an integer"],
    ["piece length zero", v1({ "piece length": 0 }), "ERR_TORRENT_INVALID", "out of range"],
    [
      "pieces not multiple of 20",
      v1({ pieces: new Uint8Array(19) }),
      "ERR_TORRENT_INVALID",
      "holds 0.95 hashes",
    ],
    ["absurd piece count", v1({ length: 1e15 }), "ERR_TORRENT_LIMIT", "maxPieces"],
    [
      "total length zero",
      v1({ length: 0, pieces: new Uint8Array(0) }),
      "ERR_TORRENT_INVALID",
      "total length is zero",
    ],
    ["negative length", v1({ length: -1 }), "ERR_TORRENT_INVALID", "non-negative"],
    ["both length and files", v1({ files: [{ length: 1, path: ["a"] }] }), "ERR_TORRENT_INVALID", "both"],
    ["files not a list", v1({ length: undefined, files: "x" }), "ERR_TORRENT_INVALID", "not a list"],
    [
      "file without path",
      v1({ length: undefined, files: [{ length: 100 }] }),
      "ERR_TORRENT_INVALID",
      "no path list",
    ],
    ["unknown meta version", v1({ "meta version": 3 }), "ERR_TORRENT_INVALID", "not supported"],
    [
      "v2 without file tree",
      encode({ info: { name: "x", "piece length": 16384, "meta version": 2 } }),
      "ERR_TORRENT_INVALID",
      "file tree",
    ],
    [
      "v2 with odd piece length",
      encode({
        info: {
          name: "x",
          "piece length": 20000,
          "meta version": 2,
          "file tree": { x: { "": { length: 0 } } },
        },
      }),
      "ERR_TORRENT_INVALID",
      "power of two",
    ],
    [
      "v2 file without pieces root",
      encode({
        info: {
          name: "x",
          "piece length": 16384,
          "meta version": 2,
          "file tree": { x: { "": { length: 5 } } },
        },
      }),
      "ERR_TORRENT_INVALID",
      "pieces root",
    ],
  ])("rejects a torrent with %s", (_label, data, code, message) => {
    expect(() => parseTorrent(data)).toThrowError(invalid(code, message));
  });

  it("names the disagreement between a hybrid's halves", () => {
    const info = {
      name: "d",
      "piece length": 16384,
      "meta version": 2,
      pieces: new Uint8Array(20),
      files: [
        { length: 100, path: ["a"] },
        { length: 100, path: ["b"] },
      ],
      "file tree": {
        a: { "": { length: 100, "pieces root": new Uint8Array(32).fill(1) } },
        b: { "": { length: 100, "pieces root": new Uint8Array(32).fill(2) } },
      },
    };
    expect(() => parseTorrent(encode({ info }))).toThrowError(
      invalid("ERR_TORRENT_INVALID", `"b" does not start on a piece boundary`),
    );
  });

  it("reads unsafe paths as libtorrent does: sanitised and flagged, never refused", () => {
    const meta = parseTorrent(
      v1({
        name: "../top",
        length: undefined,
        files: [
          { length: 40, path: ["..", "etc", "passwd"] },
          { length: 30, path: ["/abs"] },
          { length: 20, path: ["a\\b", "", "c\u0007d"] },
          { length: 10, path: ["ok.txt"] },
        ],
      }),
    );
    // libtorrent drops "..", removes "/" and "\\", turns "" and control characters into "_".
    expect(meta.name).toBe("..top");
    expect(meta.nameSanitized).toBe(true);
    expect(meta.files.map((f) => [f.path, f.pathSanitized ?? false])).toEqual([
      ["etc/passwd", true],
      ["abs", true],
      ["ab/_/c_d", true],
      ["ok.txt", false],
    ]);
    expect(meta.files[0]!.originalPath).toBe("../etc/passwd");
  });

  it("refuses a key repeated inside info (the info hash must name one thing)", () => {
    const info = `d6:lengthi100e6:lengthi999e4:name1:x12:piece lengthi16384e6:pieces20:${"\0".repeat(20)}e`;
    const raw = Buffer.concat([Buffer.from("d4:info"), Buffer.from(info, "latin1"), Buffer.from("e")]);
    expect(() => parseTorrent(raw)).toThrowError(invalid("ERR_TORRENT_DUPLICATE_KEY", `"length"`));
  });

  it("keeps the first of a key repeated outside info, as libtorrent does", () => {
    const raw = Buffer.concat([Buffer.from("d7:comment1:a7:comment1:b"), Buffer.from(v1({}).subarray(1))]);
    expect(parseTorrent(raw).comment).toBe("a");
  });

  it("refuses unsorted keys in a v2 info, accepts them in v1 (as libtorrent)", () => {
    const tree = `d1:bd0:d6:lengthi1e11:pieces root32:${"\x01".repeat(32)}ee1:ad0:d6:lengthi1e11:pieces root32:${"\x02".repeat(32)}eee`;
    const info = `d9:file tree${tree}12:meta versioni2e4:name1:x12:piece lengthi16384ee`;
    const raw = Buffer.from(`d4:info${info}e`, "latin1");
    expect(() => parseTorrent(raw)).toThrowError(invalid("ERR_TORRENT_UNSORTED_KEYS", `"a"`));
  });

  it("loads a torrent with bytes after the root dictionary", () => {
    const raw = Buffer.concat([Buffer.from(v1({})), Buffer.from("junk\n")]);
    expect(parseTorrent(raw).name).toBe("x");
  });

  it("reports a missing or wrong piece layer without refusing the torrent", () => {
    const meta = parseTorrent(
      encode({
        info: {
          name: "x",
          "piece length": 16384,
          "meta version": 2,
          "file tree": { x: { "": { length: 40000, "pieces root": new Uint8Array(32).fill(9) } } },
        },
      }),
    );
    expect(meta.pieceLayerIssues).toEqual([{ path: "x", piecesRoot: "09".repeat(32), reason: "missing" }]);
  });

  it("applies the file-count limit", () => {
    const files = Array.from({ length: 11 }, (_, i) => ({ length: 1, path: [`f${i}`] }));
    expect(() => parseTorrent(v1({ length: undefined, files }), { maxFiles: 10 })).toThrowError(
      invalid("ERR_TORRENT_LIMIT", "maxFiles"),
    );
  });
});
