// Re-wraps a torrent's exact info bytes with other trackers and web seeds (the outer dictionary only),
// so the info hash never changes. The one place publish edits a .torrent; it moves to
// @seedpress/torrent's Metainfo model once that lands.
import { bdecode, bencode, parseTorrent, type TorrentMeta } from "@seedpress/torrent";

export interface Wrapping {
  announce: string[][];
  urlList: string[];
}

const utf8 = new TextEncoder();

export function rewrap(bytes: Uint8Array, meta: TorrentMeta, wrapping: Wrapping): Uint8Array {
  const root = bdecode(bytes).value;
  if (!(root instanceof Map)) throw new Error("not a dictionary");
  const tiers = wrapping.announce.filter((tier) => tier.length > 0);
  root.delete("announce");
  root.delete("announce-list");
  root.delete("url-list");
  if (tiers.length > 0) root.set("announce", utf8.encode(tiers[0]![0]!));
  if (tiers.flat().length > 1)
    root.set(
      "announce-list",
      tiers.map((t) => t.map((u) => utf8.encode(u))),
    );
  if (wrapping.urlList.length > 0)
    root.set(
      "url-list",
      wrapping.urlList.map((u) => utf8.encode(u)),
    );
  const out = bencode(root);
  const check = parseTorrent(out);
  // The info dictionary must come back byte for byte: anything else would be another torrent.
  if (check.infoHash !== meta.infoHash || check.infoHashV2 !== meta.infoHashV2)
    throw new Error("re-encoding changed the info hash");
  return out;
}
