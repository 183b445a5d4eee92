// A linked file's torrent as @seedpress/torrent's Metainfo, around an info dictionary we already have
// (fresh or from the cache): a changed base URL or tracker list re-wraps it, never re-hashes it.
import { BRaw, bencode, Metainfo } from "@seedpress/torrent";

export interface FileTorrentOptions {
  /** Exact bencoded info dictionary. */
  info: Uint8Array;
  /** One tier each (BEP 12), as mktorrent writes a flat list. */
  announce: string[];
  /** The file's own URL (BEP 19 `url-list`). */
  webSeed: string;
  createdBy: string | false;
  creationDate: number | false;
}

export function fileMetainfo(o: FileTorrentOptions): Metainfo {
  const bare = Metainfo.parse(bencode(new Map([["info", new BRaw(o.info)]])));
  return bare.with({
    announce: o.announce,
    webSeeds: [o.webSeed],
    createdBy: o.createdBy === false ? null : o.createdBy,
    creationDate: o.creationDate === false ? null : o.creationDate,
  });
}
