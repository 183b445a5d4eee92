// Reads the info hashes of a .torrent: SHA-1 of the exact `info` bytes (v1) and SHA-256 of the same bytes
// (v2, when `meta version` is 2). Only the byte range of `info` is found; nothing else is decoded, so a
// big torrent costs one scan and one hash, and re-encoding can never change the hash.
import { createHash } from "node:crypto";
import { TrackerError } from "./errors.js";

export interface TorrentHashes {
  /** v1 info hash (hex), when the torrent has v1 metadata (`pieces`). */
  v1?: string;
  /** Full v2 info hash (hex, 64 chars), when `meta version` is 2. */
  v2?: string;
  /** The 20-byte form trackers use for v2 (BEP 52): the first 40 hex chars of v2. */
  v2Truncated?: string;
}

/**
 * Deepest nesting of bencoded lists and dictionaries accepted in a .torrent (a v2 file tree is nested
 * dictionaries). The same limit as @seedpress/torrent's decoder and libtorrent (99 containers deep), so
 * the tracker accepts exactly the torrents `seedpress info` and libtorrent load.
 */
export const MAX_BENCODE_DEPTH = 99;

const D = 0x64;
const L = 0x6c;
const I = 0x69;
const E = 0x65;

/** Offset just past the bencoded value starting at `pos`; throws on anything malformed. */
function skip(buf: Uint8Array, pos: number, depth: number): number {
  if (depth > MAX_BENCODE_DEPTH) throw new Error(`nested deeper than ${MAX_BENCODE_DEPTH} levels`);
  const c = buf[pos];
  if (c === undefined) throw new Error("truncated");
  if (c === I) {
    const end = buf.indexOf(E, pos + 1);
    if (end === -1) throw new Error("unterminated integer");
    return end + 1;
  }
  if (c === L || c === D) {
    let p = pos + 1;
    while (buf[p] !== E) {
      if (p >= buf.length) throw new Error("unterminated list or dictionary");
      p = skip(buf, p, depth + 1);
    }
    return p + 1;
  }
  if (c >= 0x30 && c <= 0x39) {
    const [start, length] = stringHeader(buf, pos);
    if (start + length > buf.length) throw new Error("truncated string");
    return start + length;
  }
  throw new Error(`unexpected byte 0x${c.toString(16)} at ${pos}`);
}

function stringHeader(buf: Uint8Array, pos: number): [number, number] {
  let p = pos;
  let length = 0;
  while (buf[p] !== 0x3a) {
    const c = buf[p];
    if (c === undefined || c < 0x30 || c > 0x39 || p - pos > 12) throw new Error("bad string length");
    length = length * 10 + (c - 0x30);
    p++;
  }
  return [p + 1, length];
}

/** Key/value byte ranges of a top-level dictionary starting at `pos`. */
function dictEntries(buf: Uint8Array, pos: number): Map<string, [number, number]> {
  if (buf[pos] !== D) throw new Error("not a dictionary");
  const entries = new Map<string, [number, number]>();
  let p = pos + 1;
  while (buf[p] !== E) {
    if (p >= buf.length) throw new Error("unterminated dictionary");
    const [start, length] = stringHeader(buf, p);
    if (start + length > buf.length) throw new Error("truncated key");
    const key = Buffer.from(buf.buffer, buf.byteOffset + start, length).toString("latin1");
    const valueStart = start + length;
    const valueEnd = skip(buf, valueStart, 1);
    entries.set(key, [valueStart, valueEnd]);
    p = valueEnd;
  }
  return entries;
}

/** Info hashes of .torrent bytes; `name` only labels the error. */
export function torrentHashes(bytes: Uint8Array, name = "torrent"): TorrentHashes {
  try {
    const top = dictEntries(bytes, 0);
    const range = top.get("info");
    if (!range) throw new Error("no info dictionary");
    const info = bytes.subarray(range[0], range[1]);
    const fields = dictEntries(bytes, range[0]);
    const result: TorrentHashes = {};
    const mv = fields.get("meta version");
    const isV2 = mv !== undefined && Buffer.from(bytes.subarray(mv[0], mv[1])).toString("latin1") === "i2e";
    if (fields.has("pieces")) result.v1 = createHash("sha1").update(info).digest("hex");
    if (isV2) {
      result.v2 = createHash("sha256").update(info).digest("hex");
      result.v2Truncated = result.v2.slice(0, 40);
    }
    if (!result.v1 && !result.v2) throw new Error("info has neither pieces (v1) nor meta version 2 (v2)");
    return result;
  } catch (error) {
    throw new TrackerError(
      "ERR_TRACKER_TORRENT",
      `${name}: not a valid .torrent (${(error as Error).message})`,
      {
        cause: error,
      },
    );
  }
}
