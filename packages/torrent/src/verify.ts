// verifyTorrent: checks local data against a v1, v2 or hybrid torrent and names exactly what is
// wrong: missing files, wrong sizes, and each bad piece with its file and byte range. Paths come
// from the parsed torrent, which sanitised them; each is still resolved and kept inside the folder.
import { promises as fsp } from "node:fs";
import path from "node:path";
import { TorrentError } from "./errors.js";
import { FileLayout } from "./file-layout.js";
import { type EngineOptions, hashPerFile, hashV1Pieces } from "./hash-engine.js";
import { fileRootAndLayer } from "./info-dict.js";
import type { TorrentFile, TorrentMeta } from "./types.js";

export type VerifyOptions = EngineOptions;

export type FileStatus = "ok" | "missing" | "size" | "unsafe";

export interface VerifyFailure {
  /** The file's path inside the torrent ("/"-joined). */
  path: string;
  reason: Exclude<FileStatus, "ok"> | "hash";
  /** For "hash": v1 and hybrid, the torrent's piece index; v2, the piece index within the file. Absent when
   * a v2 file has no usable piece layer and only its whole-file root could be checked. */
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

/** Files looked up at most this many at a time: a million-entry list must not mean a million pending promises. */
const LOOKUP_CONCURRENCY = 32;

/** Whether each folder exists, asked once per folder: 200,000 files in 1,000 missing folders cost 1,000 calls. */
type FolderCheck = (folder: string) => Promise<boolean>;

function folderCheck(): FolderCheck {
  const known = new Map<string, Promise<boolean>>();
  return (folder) => {
    let answer = known.get(folder);
    if (!answer) {
      answer = fsp.stat(folder).then(
        (st) => st.isDirectory(),
        () => false,
      );
      known.set(folder, answer);
    }
    return answer;
  };
}

async function locateOne(
  file: TorrentFile,
  candidate: string,
  rootReal: string,
  folderExists: FolderCheck,
): Promise<Located> {
  // Pad files are zeros; BEP 47 symlinks hold no bytes and are never followed.
  if (file.padding || file.symlink !== undefined) return { file, absolutePath: null, status: "ok" };
  if (!(await folderExists(path.dirname(candidate)))) return { file, absolutePath: null, status: "missing" };
  const real = await fsp.realpath(candidate).catch(() => undefined);
  if (!real) return { file, absolutePath: null, status: "missing" };
  // Never follow a path (or a symlink on disk) out of the given folder.
  if (!real.startsWith(rootReal + path.sep)) return { file, absolutePath: null, status: "unsafe" };
  const st = await fsp.stat(real).catch(() => undefined);
  if (!st?.isFile()) return { file, absolutePath: null, status: "missing" };
  if (st.size !== file.length) return { file, absolutePath: null, status: "size", actualLength: st.size };
  return { file, absolutePath: real, status: "ok" };
}

async function locate(meta: TorrentMeta, content: string): Promise<{ located: Located[]; root: string }> {
  let base = path.resolve(content);
  let baseStat = await fsp.stat(base).catch(() => undefined);
  if (meta.singleFile && baseStat?.isDirectory()) {
    base = path.join(base, meta.files[0]?.pathSegments[0] ?? meta.name);
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
  const located: Located[] = new Array(meta.files.length);
  let next = 0;
  const folderExists = folderCheck();
  const worker = async () => {
    while (next < meta.files.length) {
      const i = next++;
      const file = meta.files[i]!;
      const candidate = meta.singleFile ? base : path.join(base, ...file.pathSegments);
      located[i] = await locateOne(file, candidate, rootReal, folderExists);
    }
  };
  await Promise.all(Array.from({ length: LOOKUP_CONCURRENCY }, worker));
  return { located, root: rootReal };
}

function fileFailures(located: Located[]): VerifyFailure[] {
  return located
    .filter((l) => l.status !== "ok")
    .map((l) => ({
      path: l.file.path,
      reason: l.status as Exclude<FileStatus, "ok">,
      expectedLength: l.file.length,
      ...(l.actualLength !== undefined && { actualLength: l.actualLength }),
    }));
}

export async function verifyTorrent(
  meta: TorrentMeta,
  content: string,
  options: VerifyOptions = {},
): Promise<VerifyReport> {
  const { located, root } = await locate(meta, content);
  const failures = fileFailures(located);
  const layout = new FileLayout(meta.files, meta.pieceLength);
  // Bad files are not read: their bytes stand in as zeros and every piece touching them fails.
  const sources = layout.sources((_, i) =>
    located[i]!.absolutePath ? { path: located[i]!.absolutePath, root } : null,
  );
  const checkedBytes = located.reduce((sum, l) => sum + (l.absolutePath ? l.file.length : 0), 0);
  const check = meta.version === "v1" ? checkV1 : checkPerFile;
  const badPieceCount = await check({ meta, layout, located, sources, options, failures });
  return {
    ok: failures.length === 0,
    version: meta.version,
    checkedBytes,
    totalBytes: meta.length,
    badPieceCount,
    pieceCount: meta.pieceCount,
    failures,
  };
}

/** One verification's state, handed to the v1 or the per-file check. */
interface Check {
  meta: TorrentMeta;
  layout: FileLayout;
  located: Located[];
  sources: ReturnType<FileLayout["sources"]>;
  options: VerifyOptions;
  /** Appended to by the check. */
  failures: VerifyFailure[];
}

/** v1: SHA-1 pieces of the concatenation; each bad piece named in every file it touches. */
async function checkV1({ meta, layout, located, sources, options, failures }: Check): Promise<number> {
  const hashes = await hashV1Pieces(sources, layout.pieceLength, options);
  const expected = meta.pieces!;
  let bad = 0;
  for (const { piece, start, end, files } of layout.piecesWithFiles()) {
    const touched = files.filter((i) => !layout.files[i]!.padding);
    const touchesBad = touched.some((i) => located[i]!.status !== "ok");
    const at = piece * 20;
    const matches = Buffer.compare(hashes.subarray(at, at + 20), expected.subarray(at, at + 20)) === 0;
    if (matches && !touchesBad) continue;
    bad++;
    if (touchesBad) continue; // the file-level failure already names the cause
    for (const i of touched) {
      const f = layout.files[i]!;
      failures.push({
        path: meta.files[i]!.path,
        reason: "hash",
        piece,
        start: Math.max(start, f.offset) - f.offset,
        end: Math.min(end, f.offset + f.length) - f.offset,
      });
    }
  }
  return bad;
}

/** v2 and hybrid: each file on its own piece grid, against its piece layer (and, hybrid, the SHA-1 pieces). */
async function checkPerFile({ meta, layout, located, sources, options, failures }: Check): Promise<number> {
  const hybrid = meta.version === "hybrid";
  const pl = layout.pieceLength;
  const want = { roots: true, sha1: hybrid, shortLastFile: layout.shortLastFile };
  const hashes = await hashPerFile(sources, pl, want, options);
  let bad = 0;
  located.forEach((l, i) => {
    const f = l.file;
    if (f.padding || f.length === 0 || !f.piecesRoot) return;
    const count = layout.filePieceCount(i);
    if (l.status !== "ok") {
      bad += count;
      return;
    }
    const roots = hashes.roots[i]!;
    const layer = f.length > pl ? meta.pieceLayers?.get(f.piecesRoot) : Buffer.from(f.piecesRoot, "hex");
    if (!layer) {
      // No usable piece layer (reported by parse): the data's own root against the pieces root still
      // proves the whole file, it only cannot say which piece is bad.
      const { root } = fileRootAndLayer(roots, f.length, pl);
      if (Buffer.from(root).toString("hex") === f.piecesRoot) return;
      bad += count;
      failures.push({ path: f.path, reason: "hash", start: 0, end: f.length });
      return;
    }
    const firstV1Piece = f.offset / pl;
    for (let p = 0; p < count; p++) {
      let good =
        Buffer.compare(roots.subarray(p * 32, p * 32 + 32), layer.subarray(p * 32, p * 32 + 32)) === 0;
      if (hybrid) {
        const g = firstV1Piece + p;
        const sha1 = hashes.sha1[i]!.subarray(p * 20, p * 20 + 20);
        good &&= Buffer.compare(sha1, meta.pieces!.subarray(g * 20, g * 20 + 20)) === 0;
      }
      if (good) continue;
      bad++;
      failures.push({
        path: f.path,
        reason: "hash",
        piece: hybrid ? firstV1Piece + p : p,
        start: p * pl,
        end: Math.min((p + 1) * pl, f.length),
      });
    }
  });
  return bad;
}
