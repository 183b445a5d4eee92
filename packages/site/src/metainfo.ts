// A linked file's .torrent and magnet link, made through @seedpress/torrent around an info dictionary we
// already have (fresh or from the cache): a changed base URL or tracker list never means re-hashing.
import { type BInput, bdecode, bencode, toMagnet } from "@seedpress/torrent";
import { SiteError } from "./errors.js";

export interface WrapOptions {
  /** Exact bencoded info dictionary. */
  info: Uint8Array;
  announce: string[];
  webSeed: string;
  createdBy: string | false;
  creationDate: number | false;
}

/** The .torrent bytes: trackers one per tier (BEP 12, as mktorrent writes them), the web seed (BEP 19). */
export function torrentBytes(o: WrapOptions): Uint8Array {
  const bytes = bencode({
    announce: o.announce[0],
    "announce-list": o.announce.length > 1 ? o.announce.map((a) => [a]) : undefined,
    "created by": o.createdBy === false ? undefined : o.createdBy,
    "creation date": o.creationDate === false ? undefined : o.creationDate,
    info: bdecode(o.info).value as BInput,
    "url-list": [o.webSeed],
  });
  // The info hash is the hash of these bytes: they must come out exactly as they went in.
  const span = bdecode(bytes).spans.get("info");
  if (!span || Buffer.compare(bytes.subarray(span[0], span[1]), o.info) !== 0) {
    throw new SiteError("ERR_SITE_WRITE", `the info dictionary for ${o.webSeed} did not re-encode as it was`);
  }
  return bytes;
}

/** A magnet link a web-seed-aware client (webtorrent, libtorrent) can start from with no peers. */
export function magnetFor(o: {
  infoHash: string;
  name: string;
  length: number;
  announce: string[];
  webSeed: string;
  torrentUrl: string;
}): string {
  const magnet = toMagnet({
    infoHash: o.infoHash,
    name: o.name,
    length: o.length,
    announce: o.announce.map((a) => [a]),
    urlList: [o.webSeed],
  });
  return `${magnet}&xs=${encodeURIComponent(o.torrentUrl)}`;
}
