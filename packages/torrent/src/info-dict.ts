// Builds the `info` dictionary (v1, v2 or hybrid) from a file layout and its hashes, and the v2
// pieces of it: file tree, per-file roots and piece layers.
import type { BInput } from "./bencode.js";
import type { FileLayout } from "./file-layout.js";
import { BLOCK_SIZE, merkleRoot, nextPowerOfTwo } from "./merkle.js";
import type { TorrentVersion } from "./types.js";

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

/** What hashing produced for a layout. */
export interface LayoutHashes {
  /** v1 and hybrid: SHA-1 of every v1 piece, concatenated. */
  pieces?: Uint8Array;
  /** v2 and hybrid: per layout index, the file's merkle root (non-empty real files only). */
  roots?: Map<number, Uint8Array>;
}

export interface InfoFields {
  name: string;
  singleFile: boolean;
  private?: boolean;
  source?: string;
}

/** The `info` dictionary of a v1, v2 or hybrid torrent, as libtorrent 2.0.8 writes it. */
export function buildInfo(
  layout: FileLayout,
  version: TorrentVersion,
  hashes: LayoutHashes,
  fields: InfoFields,
): Record<string, BInput | undefined> {
  const info: Record<string, BInput | undefined> = { name: fields.name, "piece length": layout.pieceLength };
  if (version !== "v2") {
    info.pieces = hashes.pieces;
    if (fields.singleFile) info.length = layout.totalLength;
    else {
      info.files = layout.files.map((f) =>
        f.padding
          ? { attr: "p", length: f.length, path: f.pathSegments }
          : { length: f.length, path: f.pathSegments },
      );
    }
  }
  if (version !== "v1") {
    const real = layout.files.flatMap((f, i) =>
      f.padding ? [] : [{ pathSegments: f.pathSegments, length: f.length, piecesRoot: hashes.roots?.get(i) }],
    );
    info["file tree"] = fileTree(real);
    info["meta version"] = 2;
  }
  if (fields.private) info.private = 1;
  if (fields.source) info.source = fields.source;
  return info;
}
