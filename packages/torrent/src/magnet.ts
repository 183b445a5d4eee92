// Magnet links (BEP 9, BEP 53 for v2): build one from a torrent, read one back.
import { TorrentError } from "./errors.js";
import type { TorrentMeta } from "./types.js";

export interface MagnetOptions {
  /** `xs`: where the .torrent itself can be fetched (exact source), e.g. its URL beside the file. */
  exactSource?: string;
  /** Include `tr` (default true). */
  trackers?: boolean;
  /** Include `ws` (default true). */
  webSeeds?: boolean;
}

export function toMagnet(
  meta: Pick<TorrentMeta, "infoHash" | "infoHashV2" | "name" | "announce" | "urlList" | "length">,
  options: MagnetOptions = {},
): string {
  const parts: string[] = [];
  if (meta.infoHash) parts.push(`xt=urn:btih:${meta.infoHash}`);
  if (meta.infoHashV2) parts.push(`xt=urn:btmh:1220${meta.infoHashV2}`);
  if (meta.name) parts.push(`dn=${encodeURIComponent(meta.name)}`);
  if (meta.length) parts.push(`xl=${meta.length}`);
  if (options.trackers !== false)
    for (const tracker of new Set(meta.announce.flat())) parts.push(`tr=${encodeURIComponent(tracker)}`);
  if (options.webSeeds !== false)
    for (const seed of meta.urlList) parts.push(`ws=${encodeURIComponent(seed)}`);
  if (options.exactSource) parts.push(`xs=${encodeURIComponent(options.exactSource)}`);
  return `magnet:?${parts.join("&")}`;
}

export interface MagnetInfo {
  infoHash?: string;
  infoHashV2?: string;
  name?: string;
  length?: number;
  announce: string[][];
  urlList: string[];
  /** `xs` values: where the .torrent can be fetched. */
  exactSources?: string[];
}

function base32ToHex(text: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.toUpperCase()) {
    const v = alphabet.indexOf(c);
    if (v < 0) throw new TorrentError("ERR_TORRENT_MAGNET", `"${text}" is not base32`);
    bits += v.toString(2).padStart(5, "0");
  }
  return (bits.match(/.{4}/g) ?? []).map((b) => Number.parseInt(b, 2).toString(16)).join("");
}

export function parseMagnet(uri: string): MagnetInfo {
  if (!uri.startsWith("magnet:?"))
    throw new TorrentError("ERR_TORRENT_MAGNET", `"${uri.slice(0, 40)}" is not a magnet link`);
  const params = new URLSearchParams(uri.slice("magnet:?".length));
  const out: MagnetInfo = { announce: [], urlList: [] };
  for (const xt of params.getAll("xt")) {
    const v1 = /^urn:btih:([0-9a-fA-F]{40}|[A-Za-z2-7]{32})$/.exec(xt);
    const v2 = /^urn:btmh:1220([0-9a-fA-F]{64})$/.exec(xt);
    if (v1) out.infoHash = v1[1]!.length === 40 ? v1[1]!.toLowerCase() : base32ToHex(v1[1]!);
    else if (v2) out.infoHashV2 = v2[1]!.toLowerCase();
  }
  if (!out.infoHash && !out.infoHashV2)
    throw new TorrentError("ERR_TORRENT_MAGNET", "the magnet link has no btih or btmh info hash");
  const dn = params.get("dn");
  if (dn) out.name = dn;
  const xl = params.get("xl");
  if (xl && /^\d+$/.test(xl)) out.length = Number(xl);
  out.announce = params.getAll("tr").map((t) => [t]);
  out.urlList = params.getAll("ws");
  const xs = params.getAll("xs");
  if (xs.length > 0) out.exactSources = xs;
  return out;
}
