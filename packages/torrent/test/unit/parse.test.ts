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
      "multiple of 20",
    ],
    ["absurd piece count", v1({ length: 1e15 }), "ERR_TORRENT_INVALID", "need"],
    ["negative length", v1({ length: -1 }), "ERR_TORRENT_INVALID", "non-negative"],
    ["both length and files", v1({ files: [{ length: 1, path: ["a"] }] }), "ERR_TORRENT_INVALID", "both"],
    ["files not a list", v1({ length: undefined, files: "x" }), "ERR_TORRENT_INVALID", "neither"],
    [
      "file without path",
      v1({ length: undefined, files: [{ length: 100 }] }),
      "ERR_TORRENT_INVALID",
      "no path list",
    ],
    [
      "dot-dot path",
      v1({ length: undefined, files: [{ length: 100, path: ["..", "etc", "passwd"] }] }),
      "ERR_TORRENT_PATH_UNSAFE",
      `".."`,
    ],
    [
      "slash in component",
      v1({ length: undefined, files: [{ length: 100, path: ["/etc/passwd"] }] }),
      "ERR_TORRENT_PATH_UNSAFE",
      "unsafe",
    ],
    [
      "backslash",
      v1({ length: undefined, files: [{ length: 100, path: ["..\\x"] }] }),
      "ERR_TORRENT_PATH_UNSAFE",
      "unsafe",
    ],
    [
      "NUL",
      v1({ length: undefined, files: [{ length: 100, path: ["a\0b"] }] }),
      "ERR_TORRENT_PATH_UNSAFE",
      "unsafe",
    ],
    [
      "drive letter",
      v1({ length: undefined, files: [{ length: 100, path: ["C:", "x"] }] }),
      "ERR_TORRENT_PATH_UNSAFE",
      "unsafe",
    ],
    ["dot-dot name", v1({ name: ".." }), "ERR_TORRENT_PATH_UNSAFE", "info name"],
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
    [
      "v2 hostile name in tree",
      encode({
        info: {
          name: "x",
          "piece length": 16384,
          "meta version": 2,
          "file tree": { "..": { "": { length: 0 } } },
        },
      }),
      "ERR_TORRENT_PATH_UNSAFE",
      "unsafe",
    ],
    [
      "v2 missing piece layer",
      encode({
        info: {
          name: "x",
          "piece length": 16384,
          "meta version": 2,
          "file tree": { x: { "": { length: 40000, "pieces root": new Uint8Array(32) } } },
        },
      }),
      "ERR_TORRENT_INVALID",
      "no layer",
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
        a: { "": { length: 100, "pieces root": new Uint8Array(32) } },
        b: { "": { length: 100, "pieces root": new Uint8Array(32) } },
      },
    };
    expect(() => parseTorrent(encode({ info }))).toThrowError(
      invalid("ERR_TORRENT_INVALID", `"b" does not start on a piece boundary`),
    );
  });
});
