// Writes the .torrent around an info dictionary we already have (fresh or from the cache), so a changed
// base URL or tracker list never means re-hashing: only the outer keys change.

const encoder = new TextEncoder();

function str(s: string | Uint8Array): Uint8Array[] {
  const bytes = typeof s === "string" ? encoder.encode(s) : s;
  return [encoder.encode(`${bytes.length}:`), bytes];
}

function int(n: number): Uint8Array[] {
  return [encoder.encode(`i${Math.trunc(n)}e`)];
}

function list(items: Uint8Array[][]): Uint8Array[] {
  return [encoder.encode("l"), ...items.flat(), encoder.encode("e")];
}

export interface TorrentWrapOptions {
  /** Exact bencoded info dictionary. */
  info: Uint8Array;
  announce: string[];
  webSeeds: string[];
  createdBy: string | false;
  creationDate: number | false;
}

/** Bencodes a metainfo file; keys in the byte order BEP 3 requires. */
export function wrapTorrent(o: TorrentWrapOptions): Uint8Array {
  const entries: [string, Uint8Array[]][] = [];
  const first = o.announce[0];
  if (first !== undefined) {
    entries.push(["announce", str(first)]);
    // One tracker per tier, as mktorrent and libtorrent write a flat list (BEP 12).
    if (o.announce.length > 1) entries.push(["announce-list", list(o.announce.map((a) => list([str(a)])))]);
  }
  if (o.createdBy !== false) entries.push(["created by", str(o.createdBy)]);
  if (o.creationDate !== false) entries.push(["creation date", int(o.creationDate)]);
  entries.push(["info", [o.info]]);
  if (o.webSeeds.length > 0) entries.push(["url-list", list(o.webSeeds.map((u) => str(u)))]);
  entries.sort((a, b) => Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0])));
  const parts: Uint8Array[] = [encoder.encode("d")];
  for (const [key, value] of entries) parts.push(...str(key), ...value);
  parts.push(encoder.encode("e"));
  return Buffer.concat(parts);
}

/** A magnet link that a web-seed-aware client (webtorrent, libtorrent) can start from with no peers. */
export function magnetLink(o: {
  infoHash: string;
  name: string;
  length: number;
  announce: string[];
  webSeed: string;
  torrentUrl: string;
}): string {
  const params = [`xt=urn:btih:${o.infoHash}`, `dn=${encodeURIComponent(o.name)}`, `xl=${o.length}`];
  for (const tr of o.announce) params.push(`tr=${encodeURIComponent(tr)}`);
  params.push(`ws=${encodeURIComponent(o.webSeed)}`, `xs=${encodeURIComponent(o.torrentUrl)}`);
  return `magnet:?${params.join("&")}`;
}
