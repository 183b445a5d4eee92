// A hybrid's v1 and v2 halves must describe the same files. We take hybrid torrents made by libtorrent,
// make the halves disagree in three ways, and expect parseTorrent to refuse each with a TorrentError that
// says what is wrong, just as libtorrent's own loader refuses them.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseTorrent, TorrentError } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDict, type BIn, type BVal, bdecode, benc, get } from "./bencoding.js";
import { KiB, listFiles, tempDir, writeTree } from "./fixtures.js";
import { ltCheck, ltCreate } from "./peers.js";

let dir: string;
let cleanup: () => Promise<void>;
let original: Buffer;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-halves-"));
  const top = await writeTree(join(dir, "pair"), { "a.bin": 100, "b.bin": 20_000, "c.bin": 5 });
  const lt = await ltCreate({
    root: dir,
    files: (await listFiles(top)).map(([p, s]) => [`pair/${p}`, s]),
    pieceLength: 16 * KiB,
    mode: "hybrid",
    out: join(dir, "lt.torrent"),
  });
  original = lt.torrent;
});
afterAll(async () => {
  await cleanup();
});

/** libtorrent's torrent with its v1 `files` list changed by `edit` (entries: a, pad, b, pad, c, pad). */
function tamper(edit: (files: Array<Map<string, BVal>>) => void): Buffer {
  const root = asDict(bdecode(original));
  const info = asDict(root.get("info"));
  const files = (info.get("files") as BVal[]).map((f) => asDict(f));
  edit(files);
  info.set("files", files);
  return benc(root as BIn);
}

const cases: Array<[string, (files: Array<Map<string, BVal>>) => void, RegExp]> = [
  [
    "a file's length differs (total kept by its pad)",
    (files) => {
      (files[0] as Map<string, BVal>).set("length", 101);
      (files[1] as Map<string, BVal>).set("length", (get(files[1], "length") as number) - 1);
    },
    /a\.bin.*101.*100|a\.bin.*100.*101/,
  ],
  [
    "two files swapped in the v1 list",
    (files) => {
      const [a, padA, b, padB] = files.splice(0, 4);
      files.unshift(
        b as Map<string, BVal>,
        padB as Map<string, BVal>,
        a as Map<string, BVal>,
        padA as Map<string, BVal>,
      );
    },
    /b\.bin|a\.bin/,
  ],
  [
    "a pad file moved to the end (b.bin off its piece boundary)",
    (files) => {
      const [pad] = files.splice(1, 1);
      files.push(pad as Map<string, BVal>);
    },
    /b\.bin/,
  ],
];

describe("hybrid v1 / v2 halves that disagree", () => {
  it("libtorrent's untouched hybrid parses", async () => {
    expect(parseTorrent(original).version).toBe("hybrid");
  });

  for (const [name, edit, names] of cases) {
    it(`${name}: refused by us and by libtorrent`, async () => {
      const bytes = tamper(edit);
      const file = join(dir, `${name.replace(/\W+/g, "-")}.torrent`);
      await writeFile(file, bytes);
      const lt = await ltCheck(file);
      expect(lt.loadError).toMatch(/v1 and v2 file metadata does not match/);
      let error: unknown;
      try {
        parseTorrent(bytes);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(TorrentError);
      expect((error as TorrentError).code).toBe("ERR_TORRENT_INVALID");
      expect((error as TorrentError).message).toMatch(/v1 and v2/);
      expect((error as TorrentError).message).toMatch(names);
    });
  }
});
