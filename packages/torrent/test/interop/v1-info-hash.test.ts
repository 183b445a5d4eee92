// Issue 2 proof: our v1 info hash equals mktorrent's and libtorrent's (v1-only, no attributes, no
// creator/date, files added in BEP 52 order) for tricky inputs, at several piece lengths.
import { createHash } from "node:crypto";
import { join } from "node:path";
import { createTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type BVal, bdecode, benc, get } from "./bencoding.js";
import {
  type Case,
  compareWholePath,
  KiB,
  listFiles,
  makeCase,
  tempDir,
  v1Cases,
  writeTree,
} from "./fixtures.js";
import { type LtCreateJob, type LtCreateResult, ltCreate, ltCreateBatch, mktorrent } from "./peers.js";

// mktorrent 1.1 takes piece lengths from 2^15; libtorrent also gets 16 KiB. 1 MiB makes inputs over
// 4 MiB, which the engine hashes in worker threads (smaller ones it hashes in the calling thread).
const PIECE_LENGTHS = [16 * KiB, 32 * KiB, 64 * KiB, 1024 * KiB];

let dir: string;
let cleanup: () => Promise<void>;
/** libtorrent's torrent and the file list it was given, per piece length and case (one Python run). */
const made = new Map<string, { lt: LtCreateResult; files: Array<[string, number]> }>();
const parentOf = (pl: number, c: Case) => join(dir, `pl${pl}`, c.top);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-v1-"));
  const jobs: LtCreateJob[] = [];
  const keys: string[] = [];
  for (const pl of PIECE_LENGTHS) {
    for (const c of v1Cases(pl)) {
      const parent = parentOf(pl, c);
      const top = await makeCase(parent, c);
      jobs.push({
        root: parent,
        files: await ltFiles(top, c),
        pieceLength: pl,
        mode: "v1",
        out: join(parent, "..", `${c.top}.lt.torrent`),
      });
      keys.push(`${pl}|${c.top}`);
    }
  }
  const results = await ltCreateBatch(jobs);
  keys.forEach((k, i) => {
    made.set(k, { lt: results[i] as LtCreateResult, files: (jobs[i] as LtCreateJob).files });
  });
});
afterAll(async () => {
  await cleanup();
});

const bare = { version: "v1", createdBy: false, creationDate: false } as const;

/** SHA-1 of another tool's `info`, re-encoded (the peers write canonical bencode). */
function infoHashOf(torrent: Uint8Array): string {
  const info = get(bdecode(torrent), "info") as BVal;
  return createHash("sha1").update(benc(info)).digest("hex");
}

/** The files of a case as libtorrent takes them: paths start with the torrent's name, BEP 52 order. */
async function ltFiles(top: string, c: Case): Promise<Array<[string, number]>> {
  if (c.single !== undefined) return [[c.top, c.single]];
  return (await listFiles(top)).map(([p, size]) => [`${c.top}/${p}`, size]);
}

for (const pl of PIECE_LENGTHS) {
  describe(`v1 with ${pl / KiB} KiB pieces`, () => {
    for (const c of v1Cases(pl)) {
      it(`${c.name}: info hash equals libtorrent's${pl >= 32 * KiB ? " and mktorrent's" : ""}`, async () => {
        const parent = parentOf(pl, c);
        const top = join(parent, c.top);
        const { lt, files } = made.get(`${pl}|${c.top}`) as {
          lt: LtCreateResult;
          files: Array<[string, number]>;
        };
        const ours = await createTorrent(top, { ...bare, pieceLength: pl });

        // Our file order is BEP 52's, computed independently by the fixture code.
        const expectedPaths =
          c.single !== undefined ? [c.top] : files.map(([p]) => p.slice(c.top.length + 1));
        expect(ours.files.filter((f) => !f.padding).map((f) => f.path)).toEqual(expectedPaths);

        expect(lt.infoHash).toBe(lt.ltInfoHash);
        expect(ours.infoHash).toBe(lt.infoHash);
        // With no creator, date or trackers the whole .torrent is just `info`: same bytes.
        expect(Buffer.from(ours.torrent).toString("hex")).toBe(lt.torrent.toString("hex"));

        if (pl >= 32 * KiB) {
          const mk = await mktorrent(top, {
            pieceLength: pl,
            out: join(parent, "..", `${c.top}.mk.torrent`),
          });
          expect(ours.infoHash).toBe(infoHashOf(mk));
        }
      });
    }
  });
}

describe("v1 with every info field mktorrent can write", () => {
  it("private, source, name: same info hash as mktorrent -p -s -n", async () => {
    const pl = 32 * KiB;
    const top = await writeTree(join(dir, "fields", "release"), { "disk.img": 3 * pl + 5, SHA256SUMS: 120 });
    const opts = {
      announce: ["http://127.0.0.1:6969/announce"],
      webSeeds: ["http://127.0.0.1:8080/files/"],
      comment: "a comment, not in info",
      private: true,
      source: "SEEDPRESS",
      name: "renamed",
    };
    const ours = await createTorrent(top, { ...bare, pieceLength: pl, ...opts });
    const mk = await mktorrent(top, { pieceLength: pl, out: join(dir, "fields", "mk.torrent"), ...opts });
    expect(ours.infoHash).toBe(infoHashOf(mk));
    expect(ours.name).toBe("renamed");
    expect(ours.private).toBe(true);
    expect(ours.source).toBe("SEEDPRESS");
  });
});

describe("order: a name with a byte below '/' beside a folder of the same prefix", () => {
  // Documented difference: mktorrent (and Transmission) sort whole path strings, so "a-b/y" ('-' is
  // 0x2d, below '/' 0x2f) comes before "a/x"; BEP 52 compares component by component ("a" < "a-b"),
  // and we follow BEP 52 so v1 and v2/hybrid agree. Same files, same bytes, another order, another hash.
  it("mktorrent puts a-b/ first, we put a/ first; libtorrent fed either order matches the tool that used it", async () => {
    const pl = 32 * KiB;
    const parent = join(dir, "order");
    const top = await writeTree(join(parent, "mixed"), {
      "a/x": 5000,
      "a-b/y": 7000,
      "a.b": 3000,
      "ab/z": 11,
    });
    const ours = await createTorrent(top, { ...bare, pieceLength: pl });
    const mkFile = join(parent, "mk.torrent");
    const mk = await mktorrent(top, { pieceLength: pl, out: mkFile });
    const mkPaths = (get(get(bdecode(mk), "info"), "files") as BVal[]).map((f) =>
      (get(f, "path") as Buffer[]).map((s) => s.toString()).join("/"),
    );

    expect(ours.files.map((f) => f.path)).toEqual(["a/x", "a-b/y", "a.b", "ab/z"]);
    expect(mkPaths).toEqual(["a-b/y", "a.b", "a/x", "ab/z"]);
    expect([...mkPaths].sort(compareWholePath)).toEqual(mkPaths);
    expect(ours.infoHash).not.toBe(infoHashOf(mk));

    const sizes: Record<string, number> = { "a/x": 5000, "a-b/y": 7000, "a.b": 3000, "ab/z": 11 };
    const ltOurs = await ltCreate({
      root: parent,
      files: ours.files.map((f) => [`mixed/${f.path}`, f.length]),
      pieceLength: pl,
      mode: "v1",
      out: join(parent, "lt-ours.torrent"),
    });
    const ltMk = await ltCreate({
      root: parent,
      files: mkPaths.map((p) => [`mixed/${p}`, sizes[p] as number]),
      pieceLength: pl,
      mode: "v1",
      out: join(parent, "lt-mk.torrent"),
    });
    expect(ours.infoHash).toBe(ltOurs.infoHash);
    expect(infoHashOf(mk)).toBe(ltMk.infoHash);
  });
});
