// The hashing kernel run by each worker (and in-thread for tiny inputs): reads its share of the
// data with positioned reads into one reused buffer and hashes it. v1 hashes fixed-size pieces of
// the concatenated files; v2/hybrid hash each file's pieces (SHA-1 of the zero-padded piece and the
// SHA-256 merkle root of its 16 KiB blocks) in the same pass, so every byte is read once.
import { hash } from "node:crypto";
import { closeSync, fstatSync, openSync, readlinkSync, readSync, realpathSync } from "node:fs";
import { sep } from "node:path";
import { FileLayout } from "./file-layout.js";
import { BLOCK_SIZE, merkleRoot, nextPowerOfTwo } from "./merkle.js";
import { nativeKernel } from "./native.js";

export interface HashSource {
  /** Absolute path, or null for a BEP 47 pad file (zeros). */
  path: string | null;
  length: number;
  /** When given, the file must still have this mtime (and its length) when we are done reading it. */
  mtimeMs?: number;
  /** When given, the opened file must lie under this real folder (checked on the descriptor, not the path). */
  root?: string;
  /** When given, the opened file must be this inode (the one the walk checked). */
  dev?: number;
  ino?: number;
}

export interface FilePiecesTask {
  fileIndex: number;
  firstPiece: number;
  pieceCount: number;
}

/** Thrown by the kernel; the caller turns it into a TorrentError. */
export class SourceChangedError extends Error {
  constructor(
    readonly filePath: string,
    readonly expected: number,
    why = `is shorter than the ${expected} bytes it had when hashing started`,
  ) {
    super(`${filePath} ${why}`);
  }
}

/** The opened file is not the one that was checked, or lies outside the folder: a path was swapped. */
export class SourceEscapedError extends Error {
  constructor(
    readonly filePath: string,
    why: string,
  ) {
    super(`${filePath} ${why}`);
  }
}

/** The real path of an open descriptor (Linux /proc; elsewhere the path's, which a swap can race). */
function openedPath(fd: number, file: string): string {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`);
  } catch {
    return realpathSync(file);
  }
}

/** Open, then check what was opened: no check-then-open window for a symlink swap to use. */
export function checkOpened(fd: number, source: HashSource): void {
  const file = source.path!;
  if (source.ino !== undefined) {
    const st = fstatSync(fd);
    if (st.ino !== source.ino || st.dev !== source.dev)
      throw new SourceEscapedError(file, "was replaced by another file after the folder was listed");
  }
  if (source.root !== undefined) {
    const real = openedPath(fd, file);
    if (!real.startsWith(source.root.endsWith(sep) ? source.root : source.root + sep))
      throw new SourceEscapedError(file, `resolves to ${real}, outside ${source.root}`);
  }
}

/** The layout of hash sources (pad sources are the ones without a path). */
export function sourceLayout(files: readonly HashSource[], pieceLength: number): FileLayout {
  return new FileLayout(
    files.map((f) => ({ pathSegments: [], length: f.length, padding: f.path === null })),
    pieceLength,
  );
}

const READ_CHUNK = 4 * 1024 * 1024;

export class PieceHasher {
  /** Each source's offset in the v1 concatenation, from the one layout rule. */
  private readonly offsets: number[];
  private readonly buffer: Buffer;
  private openSource: HashSource | null = null;
  private openFd = -1;

  constructor(
    private readonly files: HashSource[],
    private readonly pieceLength: number,
  ) {
    this.offsets = sourceLayout(files, pieceLength).files.map((f) => f.offset);
    this.buffer = Buffer.allocUnsafe(
      Math.max(pieceLength, Math.floor(READ_CHUNK / pieceLength) * pieceLength),
    );
  }

  /** Closes the open file without checking it. */
  release(): void {
    if (this.openFd >= 0) closeSync(this.openFd);
    this.openFd = -1;
    this.openSource = null;
  }

  /** Closes the open file, first checking (fstat) that it did not change while we read it. */
  close(): void {
    if (this.openFd < 0) return;
    const fd = this.openFd;
    const source = this.openSource!;
    this.openFd = -1;
    this.openSource = null;
    try {
      if (source.mtimeMs !== undefined) {
        const now = fstatSync(fd);
        if (now.size !== source.length || now.mtimeMs !== source.mtimeMs) {
          throw new SourceChangedError(source.path!, source.length, "changed while it was being hashed");
        }
      }
    } finally {
      closeSync(fd);
    }
  }

  private fd(source: HashSource): number {
    if (this.openSource !== source) {
      this.close();
      const fd = openSync(source.path!, "r");
      try {
        checkOpened(fd, source);
      } catch (error) {
        closeSync(fd);
        throw error;
      }
      this.openFd = fd;
      this.openSource = source;
    }
    return this.openFd;
  }

  /** Reads `length` bytes of file `index` from `position` into the buffer at `at`. */
  private readFile(index: number, position: number, length: number, at: number): void {
    const file = this.files[index]!;
    if (file.path === null) {
      this.buffer.fill(0, at, at + length);
      return;
    }
    const fd = this.fd(file);
    let done = 0;
    while (done < length) {
      const n = readSync(fd, this.buffer, at + done, length - done, position + done);
      if (n === 0) throw new SourceChangedError(file.path, file.length);
      done += n;
    }
  }

  /** Fills the buffer with `length` bytes of the v1 concatenation starting at `offset`. */
  private readConcatenated(offset: number, length: number): void {
    let lo = 0;
    let hi = this.offsets.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.offsets[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    let index = lo;
    let at = 0;
    while (at < length) {
      const file = this.files[index]!;
      const inFile = offset + at - this.offsets[index]!;
      const n = Math.min(file.length - inFile, length - at);
      if (n > 0) this.readFile(index, inFile, n, at);
      at += Math.max(n, 0);
      index++;
    }
  }

  /** v1: SHA-1 of pieces [first, first+count) of the concatenation, into `out` (20 bytes each). */
  hashV1(
    first: number,
    count: number,
    totalLength: number,
    out: Uint8Array,
    onBytes?: (n: number) => void,
  ): void {
    const perChunk = this.buffer.length / this.pieceLength;
    for (let done = 0; done < count; done += perChunk) {
      const pieces = Math.min(perChunk, count - done);
      const start = (first + done) * this.pieceLength;
      const length = Math.min(pieces * this.pieceLength, totalLength - start);
      this.readConcatenated(start, length);
      if (nativeKernel) {
        nativeKernel.sha1Pieces(this.buffer, length, this.pieceLength, out.subarray(done * 20));
        onBytes?.(length);
        continue;
      }
      for (let p = 0; p < pieces; p++) {
        const from = p * this.pieceLength;
        const piece = this.buffer.subarray(from, Math.min(from + this.pieceLength, length));
        out.set(hash("sha1", piece, "buffer"), (done + p) * 20);
      }
      onBytes?.(length);
    }
  }

  /**
   * v2/hybrid: for pieces of one file, the merkle root of each piece's blocks into `roots`
   * (32 bytes each) and, when `sha1` is given, the SHA-1 of each piece zero-padded to the piece
   * length (a BEP 47 pad file follows it) unless `shortLastPiece` (no pad after the last file).
   */
  hashFilePieces(
    task: FilePiecesTask,
    roots: Uint8Array | null,
    sha1: Uint8Array | null,
    shortLastPiece: boolean,
    onBytes?: (n: number) => void,
  ): void {
    const file = this.files[task.fileIndex]!;
    const pl = this.pieceLength;
    const blocksPerPiece = pl / BLOCK_SIZE;
    // A file no bigger than a piece has a tree only as wide as its block count needs (BEP 52).
    const width = file.length <= pl ? nextPowerOfTwo(Math.ceil(file.length / BLOCK_SIZE)) : blocksPerPiece;
    const perChunk = this.buffer.length / pl;
    const leaves = new Uint8Array(blocksPerPiece * 32);
    for (let done = 0; done < task.pieceCount; done += perChunk) {
      const pieces = Math.min(perChunk, task.pieceCount - done);
      const start = (task.firstPiece + done) * pl;
      const length = Math.min(pieces * pl, file.length - start);
      this.readFile(task.fileIndex, start, length, 0);
      if (nativeKernel) {
        if (roots) nativeKernel.merklePieces(this.buffer, length, pl, width, roots.subarray(done * 32));
        if (sha1) {
          // A pad file follows the last piece unless it is the torrent's short last piece.
          let sha1Length = length;
          if (length % pl !== 0 && !shortLastPiece) {
            sha1Length = pieces * pl;
            this.buffer.fill(0, length, sha1Length);
          }
          nativeKernel.sha1Pieces(this.buffer, sha1Length, pl, sha1.subarray(done * 20));
        }
        onBytes?.(length);
        continue;
      }
      for (let p = 0; p < pieces; p++) {
        const from = p * pl;
        const pieceBytes = Math.min(pl, length - from);
        if (roots) {
          const blocks = Math.ceil(pieceBytes / BLOCK_SIZE);
          for (let b = 0; b < blocks; b++) {
            const s = from + b * BLOCK_SIZE;
            leaves.set(
              hash("sha256", this.buffer.subarray(s, Math.min(s + BLOCK_SIZE, from + pieceBytes)), "buffer"),
              b * 32,
            );
          }
          roots.set(merkleRoot(leaves.subarray(0, blocks * 32), width), (done + p) * 32);
        }
        if (sha1) {
          let piece = this.buffer.subarray(from, from + pieceBytes);
          if (pieceBytes < pl && !shortLastPiece) {
            this.buffer.fill(0, from + pieceBytes, from + pl);
            piece = this.buffer.subarray(from, from + pl);
          }
          sha1.set(hash("sha1", piece, "buffer"), (done + p) * 20);
        }
      }
      onBytes?.(length);
    }
  }
}
