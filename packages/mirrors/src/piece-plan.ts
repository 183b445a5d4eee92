// Which pieces to fetch from every mirror, and for each the byte spans of which files it covers
// and the hashes it must match. The same plan serves every mirror, so memory does not grow with them.
import {
  FileLayout,
  MERKLE_BLOCK_SIZE,
  nextPowerOfTwo,
  type TorrentFile,
  type TorrentMeta,
} from "@seedpress/torrent";

/** A run of bytes of one file inside a piece; pad files are zeros and never fetched. */
export interface PieceSpan {
  fileIndex: number;
  /** Offset within the file. */
  start: number;
  length: number;
  pad: boolean;
}

export type PieceReason = "last" | "spans-files" | "before-pad" | "random";

export interface PlannedPiece {
  /** v1 and hybrid: the torrent's piece index; v2-only: the piece index within `v2FileIndex`. */
  piece: number;
  /** v2-only torrents number pieces per file. */
  v2FileIndex?: number;
  length: number;
  spans: PieceSpan[];
  /** Expected SHA-1 (v1 and hybrid). */
  sha1?: Uint8Array;
  /** Expected merkle root over the piece's file bytes in 16 KiB blocks, padded to `width` leaves. */
  v2?: { root: Uint8Array; width: number };
  reasons: PieceReason[];
}

export interface PlanOptions {
  /** How many pieces: a count (the special pieces always included) or "all". */
  pieces: number | "all";
  /** A random source in [0, 1). */
  random: () => number;
}

interface PieceSource {
  count: number;
  build(index: number): PlannedPiece;
  special: [number, PieceReason][];
}

export function planPieces(meta: TorrentMeta, options: PlanOptions): PlannedPiece[] {
  const source = meta.pieces ? v1Source(meta) : v2Source(meta);
  const chosen = new Map<number, PieceReason[]>();
  const add = (index: number, reason: PieceReason) => {
    if (index < 0 || index >= source.count) return;
    const reasons = chosen.get(index);
    if (reasons) reasons.push(reason);
    else chosen.set(index, [reason]);
  };
  if (options.pieces === "all") {
    for (let i = 0; i < source.count; i++) add(i, "random");
  }
  for (const [index, reason] of source.special) add(index, reason);
  const want = options.pieces === "all" ? source.count : Math.min(options.pieces, source.count);
  // Rejection sampling stays cheap: `want` is small next to the piece count, or we fall back to a scan.
  let tries = 0;
  while (chosen.size < want && tries++ < want * 20)
    add(Math.floor(options.random() * source.count), "random");
  for (let i = 0; chosen.size < want && i < source.count; i++) if (!chosen.has(i)) add(i, "random");
  return [...chosen.keys()]
    .sort((a, b) => a - b)
    .map((index) => ({ ...source.build(index), reasons: chosen.get(index)! }));
}

function v1Source(meta: TorrentMeta): PieceSource {
  const files = meta.files;
  const layout = new FileLayout(files, meta.pieceLength);
  const pl = meta.pieceLength;
  const count = layout.pieceCount;
  const build = (index: number): PlannedPiece => {
    const [start, end] = layout.pieceBytes(index);
    const spans = spansOf(files, start, end);
    return {
      piece: index,
      length: end - start,
      spans,
      sha1: meta.pieces!.subarray(index * 20, index * 20 + 20),
      v2: meta.version === "hybrid" ? hybridV2(meta, spans, start) : undefined,
      reasons: [],
    };
  };
  const special: [number, PieceReason][] = [[count - 1, "last"]];
  const spanning = files.findIndex(
    (f, i) => i > 0 && !f.padding && f.length > 0 && f.offset % pl !== 0 && realBefore(files, i, pl),
  );
  if (spanning > 0) special.push([Math.floor(files[spanning]!.offset / pl), "spans-files"]);
  const pad = files.findIndex((f, i) => f.padding && i > 0 && files[i - 1]!.length > 0);
  if (pad > 0) special.push([Math.floor((files[pad]!.offset - 1) / pl), "before-pad"]);
  return { count, build, special };
}

/** True when real bytes of an earlier file share the piece where file `i` starts. */
function realBefore(files: TorrentFile[], i: number, pl: number): boolean {
  const pieceStart = Math.floor(files[i]!.offset / pl) * pl;
  for (let j = i - 1; j >= 0 && files[j]!.offset + files[j]!.length > pieceStart; j--) {
    if (!files[j]!.padding && files[j]!.length > 0) return true;
  }
  return false;
}

function spansOf(files: TorrentFile[], start: number, end: number): PieceSpan[] {
  // Binary search for the first file that ends after `start`.
  let lo = 0;
  let hi = files.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (files[mid]!.offset + files[mid]!.length <= start) lo = mid + 1;
    else hi = mid;
  }
  const spans: PieceSpan[] = [];
  for (let i = lo; i < files.length && files[i]!.offset < end; i++) {
    const f = files[i]!;
    const from = Math.max(start, f.offset);
    const to = Math.min(end, f.offset + f.length);
    if (to > from) spans.push({ fileIndex: i, start: from - f.offset, length: to - from, pad: f.padding });
  }
  return spans;
}

/** In a hybrid torrent each piece holds one file's bytes (then pad zeros): its v2 hash is in that file's layer. */
function hybridV2(meta: TorrentMeta, spans: PieceSpan[], pieceStart: number): PlannedPiece["v2"] {
  const real = spans.filter((s) => !s.pad);
  if (real.length !== 1) return undefined;
  const file = meta.files[real[0]!.fileIndex]!;
  return v2Expected(meta, file, (pieceStart - file.offset) / meta.pieceLength);
}

function v2Expected(meta: TorrentMeta, file: TorrentFile, pieceInFile: number): PlannedPiece["v2"] {
  if (!file.piecesRoot) return undefined;
  const pl = meta.pieceLength;
  const root = Buffer.from(file.piecesRoot, "hex");
  if (file.length <= pl) {
    return { root, width: nextPowerOfTwo(Math.ceil(file.length / MERKLE_BLOCK_SIZE)) };
  }
  const layer = meta.pieceLayers?.get(file.piecesRoot);
  if (!layer) return undefined;
  return { root: layer.subarray(pieceInFile * 32, pieceInFile * 32 + 32), width: pl / MERKLE_BLOCK_SIZE };
}

function v2Source(meta: TorrentMeta): PieceSource {
  const pl = meta.pieceLength;
  const layout = new FileLayout(meta.files, pl);
  // Cumulative piece counts per file, so a global index maps back to (file, piece in file).
  const firsts: { fileIndex: number; first: number; pieces: number }[] = [];
  let count = 0;
  meta.files.forEach((_, fileIndex) => {
    const pieces = layout.filePieceCount(fileIndex);
    if (pieces === 0) return;
    firsts.push({ fileIndex, first: count, pieces });
    count += pieces;
  });
  const build = (index: number): PlannedPiece => {
    let lo = 0;
    let hi = firsts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (firsts[mid]!.first <= index) lo = mid;
      else hi = mid - 1;
    }
    const { fileIndex, first } = firsts[lo]!;
    const file = meta.files[fileIndex]!;
    const piece = index - first;
    const start = piece * pl;
    const length = Math.min(pl, file.length - start);
    return {
      piece,
      v2FileIndex: fileIndex,
      length,
      spans: [{ fileIndex, start, length, pad: false }],
      v2: v2Expected(meta, file, piece),
      reasons: [],
    };
  };
  return { count, build, special: [[count - 1, "last"]] };
}
