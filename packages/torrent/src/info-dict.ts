// Builds the `info` dictionary (v1, v2 or hybrid) and the piece layers from a file list and its hashes.
import type { BInput } from "./bencode.js";
import { BLOCK_SIZE, merkleRoot, nextPowerOfTwo, zeroSubtreeRoot } from "./merkle.js";

export interface LayoutFile {
  pathSegments: string[];
  length: number;
  /** A BEP 47 pad file (hybrid only). */
  padding: boolean;
}

/**
 * Hybrid layout, as libtorrent 2.0.8 makes it: with `tailPad`, a pad file right after every non-empty
 * file that does not end on a piece boundary, the last one included. Without it, libtorrent's older
 * layout: a pad file just before each non-empty file that would not start on a piece boundary (so
 * after any empty files in between), none at the end. A single-file torrent gets none.
 */
export function withPadFiles(
  files: LayoutFile[],
  pieceLength: number,
  tailPad: boolean,
  singleFile: boolean,
): LayoutFile[] {
  if (singleFile) return files;
  const out: LayoutFile[] = [];
  const pad = (length: number) => out.push({ pathSegments: [".pad", String(length)], length, padding: true });
  let offset = 0;
  for (const file of files) {
    if (!tailPad && file.length > 0 && offset % pieceLength !== 0) {
      const length = pieceLength - (offset % pieceLength);
      pad(length);
      offset += length;
    }
    out.push(file);
    offset += file.length;
    if (tailPad && file.length > 0 && offset % pieceLength !== 0) {
      const length = pieceLength - (offset % pieceLength);
      pad(length);
      offset += length;
    }
  }
  return out;
}

/** The v2 root of one file from its piece roots, and its piece layer (only for files larger than a piece). */
export function fileRootAndLayer(
  pieceRoots: Uint8Array,
  length: number,
  pieceLength: number,
): { root: Uint8Array; layer?: Uint8Array } {
  if (length <= pieceLength) return { root: pieceRoots.subarray(0, 32) };
  const pieces = pieceRoots.length / 32;
  const padHeight = Math.log2(pieceLength / BLOCK_SIZE);
  return { root: merkleRoot(pieceRoots, nextPowerOfTwo(pieces), padHeight), layer: pieceRoots };
}

/** Checks a piece layer against its root (for parse and verify). */
export function layerMatchesRoot(layer: Uint8Array, root: Uint8Array, pieceLength: number): boolean {
  const padHeight = Math.log2(pieceLength / BLOCK_SIZE);
  const computed = merkleRoot(layer, nextPowerOfTwo(layer.length / 32), padHeight);
  return Buffer.compare(computed, root) === 0;
}

export { zeroSubtreeRoot };

type TreeNode = Map<string, TreeNode | BInput>;

/** BEP 52 `file tree`: nested dictionaries, a file is { "": { length, pieces root? } }. */
export function fileTree(
  files: { pathSegments: string[]; length: number; piecesRoot?: Uint8Array }[],
): BInput {
  const top: TreeNode = new Map();
  for (const file of files) {
    let node = top;
    for (const segment of file.pathSegments) {
      let child = node.get(segment) as TreeNode | undefined;
      if (!child) {
        child = new Map();
        node.set(segment, child);
      }
      node = child;
    }
    const leaf: Record<string, BInput> = { length: file.length };
    if (file.length > 0 && file.piecesRoot) leaf["pieces root"] = file.piecesRoot;
    node.set("", leaf);
  }
  return top as BInput;
}
