// Builds the `info` dictionary (v1, v2 or hybrid) and the piece layers from a file list and its hashes.
import type { BInput } from "./bencode.js";
import { merkleRoot, nextPowerOfTwo, zeroSubtreeRoot } from "./merkle.js";
import { BLOCK_SIZE } from "./merkle.js";

export interface LayoutFile {
  pathSegments: string[];
  length: number;
  /** A BEP 47 pad file (hybrid only). */
  padding: boolean;
}

/**
 * Hybrid layout: a pad file after every non-empty file whose end is not on a piece boundary, the
 * last one too when `tailPad` (as libtorrent >= 2.0.8 does). A single-file torrent gets none.
 */
export function withPadFiles(files: LayoutFile[], pieceLength: number, tailPad: boolean, singleFile: boolean): LayoutFile[] {
  if (singleFile) return files;
  const out: LayoutFile[] = [];
  files.forEach((file, i) => {
    out.push(file);
    const rest = file.length % pieceLength;
    const last = i === files.length - 1;
    if (file.length > 0 && rest !== 0 && (!last || tailPad)) {
      const pad = pieceLength - rest;
      out.push({ pathSegments: [".pad", String(pad)], length: pad, padding: true });
    }
  });
  return out;
}

/** The v2 root of one file from its piece roots, and its piece layer (only for files larger than a piece). */
export function fileRootAndLayer(pieceRoots: Uint8Array, length: number, pieceLength: number): { root: Uint8Array; layer?: Uint8Array } {
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
export function fileTree(files: { pathSegments: string[]; length: number; piecesRoot?: Uint8Array }[]): BInput {
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
