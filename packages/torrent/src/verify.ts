// verifyTorrent: checks local data against a v1, v2 or hybrid torrent and names exactly what is
// wrong: missing files, wrong sizes, and each bad piece with its file and byte range.
import { promises as fsp } from "node:fs";
import path from "node:path";
import { TorrentError } from "./errors.js";
import { type EngineOptions, hashPerFile, hashV1Pieces } from "./hash-engine.js";
import type { HashSource } from "./piece-hasher.js";
import type { TorrentFile, TorrentMeta } from "./types.js";

export type VerifyOptions = EngineOptions;

export type FileStatus = "ok" | "missing" | "size" | "unsafe";

export interface VerifyFailure {
  /** The file's path inside the torrent ("/"-joined). */
  path: string;
  reason: Exclude<FileStatus, "ok"> | "hash";
  /** For "hash": v1 and hybrid, the torrent's piece index; v2, the piece index within the file. */
  piece?: number;
  /** For "hash": the bad byte range [start, end) within the file. */
  start?: number;
  end?: number;
  expectedLength?: number;
  actualLength?: number;
}

export interface VerifyReport {
  ok: boolean;
  version: TorrentMeta["version"];
  /** Bytes read and hashed. */
  checkedBytes: number;
  totalBytes: number;
  /** Pieces that failed (v1/hybrid: torrent piece indices; v2: counted per file). */
  badPieceCount: number;
  pieceCount: number;
  failures: VerifyFailure[];
}

interface Located {
  file: TorrentFile;
  absolutePath: string | null;
  status: FileStatus;
  actualLength?: number;
}

async function locate(meta: TorrentMeta, content: string): Promise<Located[]> {
  let base = path.resolve(content);
  let baseStat = await fsp.stat(base).catch(() => undefined);
  if (meta.singleFile && baseStat?.isDirectory()) {
    base = path.join(base, meta.name);
    baseStat = await fsp.stat(base).catch(() => undefined);
  }
  if (!baseStat) throw new TorrentError("ERR_TORRENT_PATH_NOT_FOUND", `${content}: no such file or folder`);
  if (!meta.singleFile && !baseStat.isDirectory()) {
    throw new TorrentError(
      "ERR_TORRENT_OPTION",
      `${content}: the torrent is multi-file, give its top folder`,
    );
  }
  const rootReal = await fsp.realpath(meta.singleFile ? path.dirname(base) : base);
  return Promise.all(
    meta.files.map(async (file): Promise<Located> => {
      if (file.padding) return { file, absolutePath: null, status: "ok" };
      const candidate = meta.singleFile ? base : path.join(base, ...file.pathSegments);
      const real = await fsp.realpath(candidate).catch(() => undefined);
      if (!real) return { file, absolutePath: null, status: "missing" };
      // Never follow a path (or a symlink on disk) out of the given folder.
      if (!real.startsWith(rootReal + path.sep)) return { file, absolutePath: null, status: "unsafe" };
      const st = await fsp.stat(real).catch(() => undefined);
      if (!st?.isFile()) return { file, absolutePath: null, status: "missing" };
      if (st.size !== file.length) return { file, absolutePath: null, status: "size", actualLength: st.size };
      return { file, absolutePath: real, status: "ok" };
    }),
  );
}

export async function verifyTorrent(
  meta: TorrentMeta,
  content: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const located = await locate(meta, content);
  const failures: VerifyFailure[] = [];
  for (const l of located) {
    if (l.status === "ok") continue;
    failures.push({
      path: l.file.path,
      reason: l.status,
      expectedLength: l.file.length,
      ...(l.actualLength !== undefined && { actualLength: l.actualLength }),
    });
  }
  // Bad files are not read: their bytes stand in as zeros and every piece touching them fails.
  const sources: HashSource[] = located.map((l) => ({ path: l.absolutePath, length: l.file.length }));
  const totalBytes = meta.length;
  const checkedBytes = located.reduce((sum, l) => sum + (l.absolutePath ? l.file.length : 0), 0);
  const pl = meta.pieceLength;
  let badPieceCount = 0;

  if (meta.version === "v1") {
    const hashes = await hashV1Pieces(sources, pl, options);
    const expected = meta.pieces!;
    const concatenated = meta.files.reduce((sum, f) => sum + f.length, 0);
    // Real files in v1 order; pieces go up in order, so one moving index finds each piece's files
    // (a filter over every file per piece is quadratic on folders of thousands of files).
    const spans = located.filter((l) => !l.file.padding && l.file.length > 0);
    let first = 0;
    for (let piece = 0; piece < meta.pieceCount; piece++) {
      const start = piece * pl;
      const end = Math.min(start + pl, concatenated);
      while (first < spans.length && spans[first]!.file.offset + spans[first]!.file.length <= start) first++;
      const touched: Located[] = [];
      for (let i = first; i < spans.length && spans[i]!.file.offset < end; i++) touched.push(spans[i]!);
      const touchesBad = touched.some((l) => l.status !== "ok");
      const matches =
        Buffer.compare(
          hashes.subarray(piece * 20, piece * 20 + 20),
          expected.subarray(piece * 20, piece * 20 + 20),
        ) === 0;
      if (matches && !touchesBad) continue;
      badPieceCount++;
      if (touchesBad) continue; // the file-level failure already names the cause
      for (const l of touched) {
        failures.push({
          path: l.file.path,
          reason: "hash",
          piece,
          start: Math.max(start, l.file.offset) - l.file.offset,
          end: Math.min(end, l.file.offset + l.file.length) - l.file.offset,
        });
      }
    }
  } else {
    const hybrid = meta.version === "hybrid";
    const lastReal = located.findLastIndex((l) => !l.file.padding && l.file.length > 0);
    const shortLastFile = located[lastReal + 1]?.file.padding ? -1 : lastReal;
    const hashes = await hashPerFile(sources, pl, { roots: true, sha1: hybrid, shortLastFile }, options);
    located.forEach((l, i) => {
      const f = l.file;
      if (f.padding || f.length === 0) return;
      const count = Math.ceil(f.length / pl);
      if (l.status !== "ok") {
        badPieceCount += count;
        return;
      }
      const roots = hashes.roots[i]!;
      const layer = f.length > pl ? meta.pieceLayers?.get(f.piecesRoot!) : Buffer.from(f.piecesRoot!, "hex");
      const firstV1Piece = f.offset / pl;
      for (let p = 0; p < count; p++) {
        let good =
          Buffer.compare(roots.subarray(p * 32, p * 32 + 32), layer!.subarray(p * 32, p * 32 + 32)) === 0;
        if (hybrid) {
          const g = firstV1Piece + p;
          good &&=
            Buffer.compare(
              hashes.sha1[i]!.subarray(p * 20, p * 20 + 20),
              meta.pieces!.subarray(g * 20, g * 20 + 20),
            ) === 0;
        }
        if (good) continue;
        badPieceCount++;
        failures.push({
          path: f.path,
          reason: "hash",
          piece: hybrid ? firstV1Piece + p : p,
          start: p * pl,
          end: Math.min((p + 1) * pl, f.length),
        });
      }
    });
  }
  return {
    ok: failures.length === 0,
    version: meta.version,
    checkedBytes,
    totalBytes,
    badPieceCount,
    pieceCount: meta.pieceCount,
    failures,
  };
}
