// The limits every reader of a .torrent in seedpress applies, in one place: what libtorrent 2.0.8
// applies by default where it has a limit (so nothing libtorrent loads is refused), a byte cap above
// any real torrent so hostile input is turned away before it costs memory or time.
import { TorrentError } from "./errors.js";

/** Bytes of a .torrent read at most (50 MiB; libtorrent's own file loader stops at 80 MB, its add_torrent at 10 MB). */
export const MAX_TORRENT_BYTES = 50 * 1024 * 1024;
/**
 * Lists and dictionaries nested at most this deep (libtorrent's bdecode depth limit of 100 lets 99
 * through): bounds recursion, and a v2 file tree to 94 folders below the torrent's top.
 */
export const MAX_BENCODE_DEPTH = 99;
/** Values, keys and list/dictionary ends in one .torrent, counted as libtorrent 2.0.8 counts them (its limit). */
export const MAX_BENCODE_TOKENS = 3_000_000;
/**
 * Files (pad files included) in one torrent. A v1 file costs at least 8 tokens, so the token limit
 * already stops a list near 375,000: this cap only guards callers who raise the token limit.
 */
export const MAX_FILES = 400_000;
/** v1 pieces (libtorrent's default `max_pieces`, 0x200000). */
export const MAX_PIECES = 0x200000;

export interface TorrentLimits {
  /** Default MAX_TORRENT_BYTES. */
  maxBytes?: number;
  /** Default MAX_BENCODE_DEPTH. */
  maxDepth?: number;
  /** Default MAX_BENCODE_TOKENS. */
  maxTokens?: number;
  /** Default MAX_FILES. */
  maxFiles?: number;
  /** Default MAX_PIECES. */
  maxPieces?: number;
}

export function resolveLimits(limits: TorrentLimits = {}): Required<TorrentLimits> {
  const pick = (value: number | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    if (!Number.isSafeInteger(value) || value < 1)
      throw new TorrentError("ERR_TORRENT_OPTION", `limit ${name} ${value} is not a positive integer`);
    return value;
  };
  return {
    maxBytes: pick(limits.maxBytes, MAX_TORRENT_BYTES, "maxBytes"),
    maxDepth: pick(limits.maxDepth, MAX_BENCODE_DEPTH, "maxDepth"),
    maxTokens: pick(limits.maxTokens, MAX_BENCODE_TOKENS, "maxTokens"),
    maxFiles: pick(limits.maxFiles, MAX_FILES, "maxFiles"),
    maxPieces: pick(limits.maxPieces, MAX_PIECES, "maxPieces"),
  };
}

export function overLimit(what: string, limit: number, option: string): never {
  throw new TorrentError("ERR_TORRENT_LIMIT", `${what} is over the limit of ${limit} (option ${option})`);
}
