// Fuzzing the readers of untrusted bytes (fast-check): bdecode and parseTorrent, fed random bytes,
// mutated real torrents and random bencoded structures built from the keys torrents use, throw
// nothing but TorrentError. A hang would fail the test by its timeout; inputs are small, so memory is too.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type BInput, decode, encode } from "../../src/bencode.js";
import { TorrentError } from "../../src/errors.js";
import { parseTorrent } from "../../src/parse.js";

/** Runs `read`; any throw that is not a TorrentError fails the property. */
function onlyTorrentErrors(read: () => unknown): boolean {
  try {
    read();
  } catch (error) {
    if (!(error instanceof TorrentError)) throw error;
  }
  return true;
}

const KEYS = [
  "info",
  "name",
  "name.utf-8",
  "piece length",
  "pieces",
  "length",
  "files",
  "path",
  "path.utf-8",
  "attr",
  "symlink path",
  "meta version",
  "file tree",
  "",
  "pieces root",
  "piece layers",
  "announce",
  "announce-list",
  "url-list",
  "comment",
  "creation date",
  "private",
  "source",
  "..",
  "/",
  "a\\b",
  "\u001b",
  "x",
];

const bvalue = fc.letrec<{ value: BInput }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.integer({ min: -2, max: 70_000 }),
    fc.constantFrom(2, 16384, 32768, 2 ** 30, -1, 0),
    fc.uint8Array({ maxLength: 64 }),
    fc.constantFrom(new Uint8Array(20), new Uint8Array(32).fill(1), new Uint8Array(40)),
    fc.constantFrom(...KEYS),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.constantFrom(...KEYS), tie("value"), { maxKeys: 6 }),
  ),
})).value;

const torrentLike = fc
  .record({
    info: fc.dictionary(fc.constantFrom(...KEYS), bvalue, { maxKeys: 8 }),
    rest: fc.dictionary(fc.constantFrom(...KEYS), bvalue, { maxKeys: 3 }),
  })
  .map(({ info, rest }) => encode({ ...rest, info }));

const valid = encode({
  announce: "http://t/a",
  info: {
    name: "top",
    "piece length": 16384,
    "meta version": 2,
    pieces: new Uint8Array(40),
    files: [
      { length: 100, path: ["a"] },
      { attr: "p", length: 16284, path: [".pad", "16284"] },
      { length: 50, path: ["b"] },
    ],
    "file tree": {
      a: { "": { length: 100, "pieces root": new Uint8Array(32).fill(1) } },
      b: { "": { length: 50, "pieces root": new Uint8Array(32).fill(2) } },
    },
  },
});

/** A real hybrid torrent with a few bytes overwritten, cut or repeated. */
const mutated = fc
  .array(fc.tuple(fc.nat({ max: valid.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 6 })
  .chain((edits) =>
    fc.constantFrom("overwrite", "truncate", "duplicate").map((how) => {
      const bytes = Buffer.from(valid);
      if (how === "truncate") return bytes.subarray(0, edits[0]?.[0] ?? 10);
      if (how === "duplicate") {
        const at = edits[0]?.[0] ?? 0;
        return Buffer.concat([bytes.subarray(0, at), bytes.subarray(at), bytes.subarray(at)]);
      }
      for (const [at, byte] of edits) bytes[at] = byte;
      return bytes;
    }),
  );

describe("fuzz: only TorrentError, never a crash", () => {
  it("bdecode on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => onlyTorrentErrors(() => decode(bytes))),
      { numRuns: 2000 },
    );
  });

  it("bdecode on random bencode-ish text", () => {
    const alphabet = fc.constantFrom(..."dlie0123456789:-x".split(""));
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 200 }), (chars) =>
        onlyTorrentErrors(() => decode(Buffer.from(chars.join("")))),
      ),
      { numRuns: 2000 },
    );
  });

  it("parseTorrent on random structures made of torrent keys", () => {
    fc.assert(
      fc.property(torrentLike, (bytes) => onlyTorrentErrors(() => parseTorrent(bytes))),
      { numRuns: 2000 },
    );
  });

  it("parseTorrent on mutated real torrents", () => {
    expect(parseTorrent(valid).version).toBe("hybrid");
    fc.assert(
      fc.property(mutated, (bytes) => onlyTorrentErrors(() => parseTorrent(bytes))),
      { numRuns: 2000 },
    );
  });

  it("decode(encode(x)) gives back x's canonical bytes", () => {
    fc.assert(
      fc.property(bvalue, (value) => {
        const bytes = encode(value);
        const back = decode(bytes).value;
        expect(Buffer.from(encode(back as BInput)).equals(Buffer.from(bytes))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
