// The file layout of a torrent, computed once and shared by create, parse, verify and the hash
// engine: the files in v1 order with BEP 47 pad files, each file's byte offset in the v1
// concatenation, the pieces each file touches, the short last piece, and the piece counts.
import type { HashSource } from "./piece-hasher.js";
import type { TorrentFile } from "./types.js";

export interface LayoutFile {
  pathSegments: string[];
  length: number;
  /** A BEP 47 pad file (zeros, never on disk). */
  padding: boolean;
}

export interface PlacedFile extends LayoutFile {
  /** Byte offset in the v1 concatenation (pad files included). */
  offset: number;
}

export class FileLayout {
  readonly files: readonly PlacedFile[];
  /** Bytes of the v1 concatenation, pad files included. */
  readonly totalLength: number;
  /** Bytes of real files (pad files not counted). */
  readonly length: number;

  constructor(
    files: readonly LayoutFile[],
    readonly pieceLength: number,
  ) {
    let offset = 0;
    let length = 0;
    this.files = files.map((f) => {
      const placed = { ...f, offset };
      offset += f.length;
      if (!f.padding) length += f.length;
      return placed;
    });
    this.totalLength = offset;
    this.length = length;
  }

  /**
   * A hybrid's layout, as libtorrent 2.0.8 makes it: with `tailPad`, a pad file right after every
   * non-empty file that does not end on a piece boundary, the last one included. Without it, the
   * older layout: a pad file just before each non-empty file that would not start on a boundary
   * (so after any empty files in between), none at the end. A single-file torrent gets none.
   */
  static withPadFiles(
    files: readonly LayoutFile[],
    pieceLength: number,
    options: { tailPad: boolean; singleFile: boolean },
  ): FileLayout {
    if (options.singleFile) return new FileLayout(files, pieceLength);
    const out: LayoutFile[] = [];
    let offset = 0;
    const pad = () => {
      const length = pieceLength - (offset % pieceLength);
      out.push({ pathSegments: [".pad", String(length)], length, padding: true });
      offset += length;
    };
    for (const file of files) {
      if (!options.tailPad && file.length > 0 && offset % pieceLength !== 0) pad();
      out.push(file);
      offset += file.length;
      if (options.tailPad && file.length > 0 && offset % pieceLength !== 0) pad();
    }
    return new FileLayout(out, pieceLength);
  }

  /** Pieces of the v1 concatenation (v1 and hybrid). */
  get pieceCount(): number {
    return Math.ceil(this.totalLength / this.pieceLength);
  }

  /** Pieces of one file on its own grid (v2: each file starts a piece). */
  filePieceCount(index: number): number {
    const f = this.files[index]!;
    return f.padding ? 0 : Math.ceil(f.length / this.pieceLength);
  }

  /** v2-only torrents count pieces per file. */
  get v2PieceCount(): number {
    let n = 0;
    for (let i = 0; i < this.files.length; i++) n += this.filePieceCount(i);
    return n;
  }

  /** The v1 pieces [first, end) that file `index` touches (empty for an empty file). */
  pieceRange(index: number): [number, number] {
    const f = this.files[index]!;
    if (f.length === 0) return [0, 0];
    return [Math.floor(f.offset / this.pieceLength), Math.ceil((f.offset + f.length) / this.pieceLength)];
  }

  /** Bytes [start, end) of v1 piece `piece` in the concatenation: every piece is full but the last. */
  pieceBytes(piece: number): [number, number] {
    const start = piece * this.pieceLength;
    return [start, Math.min(start + this.pieceLength, this.totalLength)];
  }

  /**
   * The file whose last piece stays short when hashed per file (hybrid SHA-1): the last non-empty
   * real file, unless a pad file follows it (then every piece is full): -1 for none.
   */
  get shortLastFile(): number {
    let last = -1;
    for (let i = this.files.length - 1; i >= 0; i--) {
      const f = this.files[i]!;
      if (!f.padding && f.length > 0) {
        last = i;
        break;
      }
    }
    return this.files[last + 1]?.padding ? -1 : last;
  }

  /** For each v1 piece in order, the indices of the non-empty files it touches (one moving index, linear). */
  *piecesWithFiles(): Generator<{ piece: number; start: number; end: number; files: number[] }> {
    let first = 0;
    const files = this.files;
    for (let piece = 0; piece < this.pieceCount; piece++) {
      const [start, end] = this.pieceBytes(piece);
      while (first < files.length && files[first]!.offset + files[first]!.length <= start) first++;
      const touched: number[] = [];
      for (let i = first; i < files.length && files[i]!.offset < end; i++) {
        if (files[i]!.length > 0) touched.push(i);
      }
      yield { piece, start, end, files: touched };
    }
  }

  /** Hash engine input: one source per file; `pathOf` gives the file on disk or null (zeros). */
  sources(pathOf: (file: PlacedFile, index: number) => Omit<HashSource, "length"> | null): HashSource[] {
    return this.files.map((f, i) => {
      const source = f.padding ? null : pathOf(f, i);
      return source ? { ...source, length: f.length } : { path: null, length: f.length };
    });
  }
}

/** A placed file as the public TorrentFile shape (the caller adds roots, symlinks, flags). */
export function torrentFileOf(f: PlacedFile): TorrentFile {
  return {
    path: f.pathSegments.join("/"),
    pathSegments: f.pathSegments,
    length: f.length,
    offset: f.offset,
    padding: f.padding,
  };
}
