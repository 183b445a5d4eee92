// The public data shapes of @seedpress/torrent.
import type { Metainfo } from "./metainfo.js";
import type { WalkWarning } from "./walk.js";

export type TorrentVersion = "v1" | "v2" | "hybrid";

export interface HashProgress {
  bytesDone: number;
  bytesTotal: number;
}

export interface CreateTorrentOptions {
  /** Which metainfo to make. Default "v1". */
  version?: TorrentVersion;
  /** Bytes (a power of two, 16 KiB–64 MiB) or "auto" (default): see piece-length.ts for the rule. */
  pieceLength?: number | "auto";
  /** Trackers: a flat list (one tier each, BEP 12) or a list of tiers. First URL becomes `announce`. */
  announce?: string[] | string[][];
  /** BEP 19 web seeds (`url-list`). For a multi-file torrent each URL must end in "/" (added if missing). */
  webSeeds?: string[];
  private?: boolean;
  source?: string;
  comment?: string;
  /** Torrent name; default the file or folder's base name. */
  name?: string;
  /** `created by`; default "seedpress/<version>"; false leaves it out. */
  createdBy?: string | false;
  /** `creation date` in seconds; default SOURCE_DATE_EPOCH or now; false leaves it out. */
  creationDate?: number | false;
  /** Include dotfiles and OS junk (the `junk` package's list: .DS_Store, Thumbs.db, ._*, *~ ...). Default false. */
  includeHidden?: boolean;
  /** Globs (matched against the path relative to the root, "/" separated). */
  include?: string[];
  exclude?: string[];
  /** Hybrid only: add a pad file after the last file as libtorrent >= 2.0.8 does. Default true. */
  tailPad?: boolean;
  /** Hashing threads; default the number of cores. */
  threads?: number;
  signal?: AbortSignal;
  onProgress?: (progress: HashProgress) => void;
  /** Called for each file or link left out for safety (also listed in `warnings`). */
  onWarning?: (warning: WalkWarning) => void;
}

/** One file of a torrent as we read it. `path` is "/"-joined, relative to the torrent's top folder. */
export interface TorrentFile {
  path: string;
  pathSegments: string[];
  length: number;
  /** Byte offset in the v1 concatenation (pad files included). */
  offset: number;
  /** BEP 47 pad file. */
  padding: boolean;
  /** v2: hex SHA-256 merkle root of the file (absent for empty files). */
  piecesRoot?: string;
  /** BEP 47 symlink (`attr` "l"): its target inside the torrent, "/"-joined and sanitised; length 0. */
  symlink?: string;
  /** The path in the torrent was unsafe or malformed: `path` is libtorrent's sanitised reading of it. */
  pathSanitized?: true;
  /** With `pathSanitized`: the path as the torrent wrote it ("/"-joined), for display only. */
  originalPath?: string;
}

/** A v2 piece layer that is missing or does not hash to its root: reported, not fatal (libtorrent loads these). */
export interface PieceLayerIssue {
  path: string;
  piecesRoot: string;
  reason: "missing" | "mismatch";
}

export interface TorrentMeta {
  version: TorrentVersion;
  name: string;
  /** Hex SHA-1 of the exact `info` bytes (v1 and hybrid). */
  infoHash?: string;
  /** Hex SHA-256 of the exact `info` bytes (v2 and hybrid). */
  infoHashV2?: string;
  pieceLength: number;
  /** Number of v1 pieces, or for v2-only the sum of pieces over files. */
  pieceCount: number;
  /** Total bytes of real files (pad files not counted). */
  length: number;
  /** True when the torrent is a single file (v1 `length`, or v2 file tree with one entry at the top). */
  singleFile: boolean;
  /** Real files and pad files in v1 order (for v2-only, file-tree order). */
  files: TorrentFile[];
  announce: string[][];
  urlList: string[];
  private: boolean;
  comment?: string;
  createdBy?: string;
  creationDate?: number;
  source?: string;
  /** v1 piece hashes, 20 bytes each, concatenated. */
  pieces?: Uint8Array;
  /** v2: piece layer per pieces root (hex) for files larger than one piece. */
  pieceLayers?: Map<string, Uint8Array>;
  /** The exact bencoded `info` dictionary as found in the file. */
  infoBuffer: Uint8Array;
  /** v2/hybrid files whose piece layer is missing or wrong (libtorrent loads these and fetches layers later). */
  pieceLayerIssues?: PieceLayerIssue[];
  /** The name was unsafe: `name` is sanitised (or the info hash when nothing was left). */
  nameSanitized?: true;
}

export interface CreatedTorrent extends TorrentMeta {
  /** The whole .torrent, bencoded. */
  torrent: Uint8Array;
  /** Non-fatal notes: links left out of the walk, a .torrent over 10 MB. */
  warnings: string[];
  /** The torrent as a value: re-wrap with other trackers or web seeds, write, magnet link. */
  metainfo: Metainfo;
}
