// Issue 3 proof: our v2 and hybrid torrents equal libtorrent 2.0.8's (both info hashes, piece layers, the
// whole .torrent), libtorrent loads ours and its own check of the data passes, and we load libtorrent's
// and verify the data with them.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { createTorrent, parseTorrent, verifyTorrent } from "@seedpress/torrent";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { asDict, type BVal, bdecode, benc, get, text } from "./bencoding.js";
import { type Case, KiB, listFiles, makeCase, tempDir, v2Cases } from "./fixtures.js";
import { type LtCreateJob, type LtCreateResult, ltCheckBatch, ltCreateBatch } from "./peers.js";

// 1 MiB pieces make inputs over 4 MiB: those go through the worker threads.
const PIECE_LENGTHS = [16 * KiB, 32 * KiB, 64 * KiB, 1024 * KiB];
const MODES = ["v2", "hybrid"] as const;
const noTailCases = v2Cases(16 * KiB).filter((x) => x.files !== undefined);

let dir: string;
let cleanup: () => Promise<void>;
/** libtorrent's torrent per job key, all made in one Python process up front. */
const made = new Map<string, LtCreateResult>();
const jobKey = (mode: string, pl: number, c: Case, tailPad = true) => `${mode}|${pl}|${c.top}|${tailPad}`;
const parentOf = (mode: string, pl: number, c: Case, tailPad = true) =>
  join(dir, tailPad ? `${mode}-${pl}` : "notail", c.top);

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("seedpress-v2-"));
  const jobs: Array<[string, LtCreateJob]> = [];
  const add = async (mode: "v2" | "hybrid", pl: number, c: Case, tailPad: boolean) => {
    const parent = parentOf(mode, pl, c, tailPad);
    const top = await makeCase(parent, c);
    const out = join(parent, "..", `${c.top}.lt.torrent`);
    jobs.push([
      jobKey(mode, pl, c, tailPad),
      { root: parent, files: await ltFiles(top, c), pieceLength: pl, mode, tailPad, out },
    ]);
  };
  for (const pl of PIECE_LENGTHS)
    for (const mode of MODES) for (const c of v2Cases(pl)) await add(mode, pl, c, true);
  for (const c of noTailCases) await add("hybrid", 16 * KiB, c, false);
  const results = await ltCreateBatch(jobs.map(([, job]) => job));
  jobs.forEach(([k], i) => {
    made.set(k, results[i] as LtCreateResult);
  });
});
afterAll(async () => {
  await cleanup();
});

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex");

/** The raw v1 `files` list of a torrent as [path, length, attr]. */
function v1List(t: Uint8Array): Array<[string, number, string | undefined]> {
  const files = get(get(bdecode(t), "info"), "files") as BVal[] | undefined;
  return (files ?? []).map((f) => [
    (get(f, "path") as Buffer[]).map((s) => s.toString()).join("/"),
    get(f, "length") as number,
    text(get(f, "attr")),
  ]);
}

async function ltFiles(top: string, c: Case): Promise<Array<[string, number]>> {
  if (c.single !== undefined) return [[c.top, c.single]];
  return (await listFiles(top)).map(([p, size]) => [`${c.top}/${p}`, size]);
}

/** Torrents of ours to hand to libtorrent's checker at the end: [label, file, save path, pieces]. */
const forLibtorrent: Array<{
  label: string;
  file: string;
  savePath: string;
  infoHash?: string;
  infoHashV2?: string;
}> = [];
for (const pl of PIECE_LENGTHS) {
  for (const mode of MODES) {
    describe(`${mode} with ${pl / KiB} KiB pieces`, () => {
      for (const c of v2Cases(pl)) {
        it(`${c.name}: same info hashes, piece layers and bytes as libtorrent; we verify with libtorrent's`, async () => {
          const parent = parentOf(mode, pl, c);
          const top = join(parent, c.top);
          const ours = await createTorrent(top, {
            version: mode,
            pieceLength: pl,
            createdBy: false,
            creationDate: false,
          });
          const lt = made.get(jobKey(mode, pl, c)) as LtCreateResult;
          const file = join(parent, "..", `${c.top}.ours.torrent`);
          await writeFile(file, ours.torrent);
          forLibtorrent.push({
            label: `${mode} ${pl / KiB} KiB ${c.name}`,
            file,
            savePath: parent,
            infoHash: ours.infoHash,
            infoHashV2: ours.infoHashV2,
          });

          expect(lt.infoHashV2).toBe(lt.ltInfoHashV2);
          expect(ours.infoHashV2).toBe(lt.infoHashV2);
          if (mode === "hybrid") expect(ours.infoHash).toBe(lt.infoHash);
          else expect(ours.infoHash).toBeUndefined();

          // Piece layers, read from both files by a decoder of our own here.
          const layers = (t: Uint8Array) => {
            const pl2 = get(bdecode(t), "piece layers");
            return pl2 === undefined
              ? {}
              : Object.fromEntries(
                  [...asDict(pl2)].map(([k, v]) => [hex(Buffer.from(k, "latin1")), hex(v as Buffer)]),
                );
          };
          expect(layers(ours.torrent)).toEqual(layers(lt.torrent));
          // Hybrid: the v1 file list with libtorrent's pad files (tail pad included), in the same order.
          if (c.single === undefined) {
            expect(
              ours.files.map((f) => ({ path: `${c.top}/${f.path}`, length: f.length, pad: f.padding })),
            ).toEqual(
              lt.files
                .filter((f) => mode === "hybrid" || !f.pad)
                .map((f) => ({ path: f.path, length: f.length, pad: f.pad })),
            );
          }
          // Whole .torrent: the same bytes, except that libtorrent writes an empty `piece layers`
          // dictionary when no file is larger than a piece, where we leave the key out (outside `info`).
          const ltRaw = asDict(bdecode(lt.torrent));
          const layersKey = "piece layers";
          const emptyLayers = ltRaw.has(layersKey) && asDict(ltRaw.get(layersKey)).size === 0;
          if (emptyLayers) ltRaw.delete(layersKey);
          expect([hex(lt.torrent), hex(benc(ltRaw))]).toContain(hex(ours.torrent));
          // The v1 file list (hybrid) exactly as libtorrent wrote it, pad files included.
          expect(v1List(ours.torrent)).toEqual(v1List(lt.torrent));

          // We read libtorrent's torrent and check the data with it.
          const theirs = parseTorrent(lt.torrent);
          expect(theirs.version).toBe(mode);
          expect(theirs.infoHashV2).toBe(lt.ltInfoHashV2);
          expect(theirs.infoHash).toBe(lt.ltInfoHash ?? undefined);
          const report = await verifyTorrent(theirs, top);
          expect(report.failures).toEqual([]);
          expect(report.ok).toBe(true);
        });
      }
    });
  }
}

describe("hybrid without the tail pad", () => {
  for (const c of noTailCases) {
    it(`${c.name}: tailPad false equals libtorrent's canonical_files_no_tail_padding`, async () => {
      const pl = 16 * KiB;
      const parent = parentOf("hybrid", pl, c, false);
      const top = join(parent, c.top);
      const ours = await createTorrent(top, {
        version: "hybrid",
        pieceLength: pl,
        tailPad: false,
        createdBy: false,
        creationDate: false,
      });
      const lt = made.get(jobKey("hybrid", pl, c, false)) as LtCreateResult;
      const file = join(parent, "..", `${c.top}.ours.torrent`);
      await writeFile(file, ours.torrent);
      forLibtorrent.push({
        label: `hybrid no tail pad ${c.name}`,
        file,
        savePath: parent,
        infoHash: ours.infoHash,
        infoHashV2: ours.infoHashV2,
      });
      const last = ours.files[ours.files.length - 1];
      expect(last?.padding).toBe(false);
      // libtorrent's layout without a tail pad is its pre-2.0.8 one: a pad goes right before the next
      // non-empty file, so after any empty files that follow the file it aligns.
      expect(v1List(ours.torrent)).toEqual(v1List(lt.torrent));
      expect(ours.infoHash).toBe(lt.infoHash);
      expect(ours.infoHashV2).toBe(lt.infoHashV2);
    });
  }
});

describe("libtorrent loads every torrent of ours above and its own check of the data passes", () => {
  it("all seeding, every piece present, same info hashes", async () => {
    const expectedCount = PIECE_LENGTHS.length * MODES.length * v2Cases(16 * KiB).length + noTailCases.length;
    expect(forLibtorrent.length).toBe(expectedCount);
    const results = await ltCheckBatch(forLibtorrent.map((r) => [r.file, r.savePath]));
    const summary = results.map((r, i) => ({
      label: forLibtorrent[i]?.label,
      loadError: r.loadError,
      error: r.error,
      seeding: r.seeding,
      allPieces: r.have?.length === r.numPieces,
      infoHash: r.infoHash ?? undefined,
      infoHashV2: r.infoHashV2 ?? undefined,
    }));
    expect(summary).toEqual(
      forLibtorrent.map((r) => ({
        label: r.label,
        loadError: undefined,
        error: null,
        seeding: true,
        allPieces: true,
        infoHash: r.infoHash,
        infoHashV2: r.infoHashV2,
      })),
    );
  }, 300_000);
});
