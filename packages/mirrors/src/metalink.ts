// Metalink 4 (RFC 5854) for a torrent: per file its size, the mirrors' URLs (built as libtorrent
// builds them), the torrent as a metaurl, the whole-file SHA-256 when known, and the v1 piece
// hashes where they are the file's own pieces.
import { FileLayout, type TorrentMeta, VERSION } from "@seedpress/torrent";
import { MirrorsError } from "./errors.js";
import { httpUrlProblem, webSeedFileUrl } from "./web-seed-url.js";

export interface MetalinkOptions {
  /** Mirrors (web seed URLs, BEP 19 form) besides the torrent's `url-list`. */
  mirrors?: string[];
  /** Use the torrent's own `url-list`. Default true. */
  urlList?: boolean;
  /** Where the .torrent itself is published: written as `<metaurl mediatype="torrent">`. */
  torrentUrl?: string;
  /** SHA-256 (hex) of each whole file, keyed by the file's path inside the torrent ("/"-joined). */
  fileHashes?: Map<string, string>;
  /** `<published>`; default the torrent's creation date (so the output is reproducible); false leaves it out. */
  published?: Date | false;
  /** `<generator>`. Default "seedpress/<version>". */
  generator?: string;
}

export function buildMetalink(meta: TorrentMeta, options: MetalinkOptions = {}): string {
  const mirrors = [...(options.urlList === false ? [] : meta.urlList), ...(options.mirrors ?? [])];
  for (const url of [...(options.mirrors ?? []), ...(options.torrentUrl ? [options.torrentUrl] : [])]) {
    const problem = httpUrlProblem(url);
    if (problem) throw new MirrorsError("ERR_MIRRORS_URL", problem);
  }
  const usable = [...new Set(mirrors)].filter((url) => !httpUrlProblem(url));
  if (usable.length === 0 && !options.torrentUrl) {
    throw new MirrorsError(
      "ERR_MIRRORS_NO_WEB_SEEDS",
      `${meta.name}: no http(s) web seed in the torrent, no mirror and no torrent URL given`,
    );
  }
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<metalink xmlns="urn:ietf:params:xml:ns:metalink">',
  ];
  lines.push(`  <generator>${xml(options.generator ?? `seedpress/${VERSION}`)}</generator>`);
  const published =
    options.published === false
      ? undefined
      : (options.published ?? (meta.creationDate ? new Date(meta.creationDate * 1000) : undefined));
  if (published) lines.push(`  <published>${published.toISOString().replace(/\.\d{3}Z$/, "Z")}</published>`);
  meta.files.forEach((file, index) => {
    if (file.padding) return;
    const name = meta.singleFile ? meta.name : `${meta.name}/${file.path}`;
    lines.push(`  <file name="${xml(name)}">`, `    <size>${file.length}</size>`);
    const sha256 = options.fileHashes?.get(name);
    if (sha256) lines.push(`    <hash type="sha-256">${sha256}</hash>`);
    lines.push(...pieceHashes(meta, index));
    if (options.torrentUrl) {
      const attr = meta.singleFile ? "" : ` name="${xml(name)}"`;
      lines.push(`    <metaurl mediatype="torrent"${attr}>${xml(options.torrentUrl)}</metaurl>`);
    }
    for (const base of usable)
      lines.push(`    <url>${xml(webSeedFileUrl("libtorrent", base, meta, index))}</url>`);
    lines.push("  </file>");
  });
  lines.push("</metalink>", "");
  return lines.join("\n");
}

/**
 * A v1 piece hash is a file's own piece hash only when the file starts on a piece boundary and
 * its last piece holds nothing else (no next file, no pad zeros). Otherwise no <pieces> is written.
 */
function pieceHashes(meta: TorrentMeta, index: number): string[] {
  const file = meta.files[index]!;
  const pl = meta.pieceLength;
  if (!meta.pieces || file.length === 0 || file.offset % pl !== 0) return [];
  const endsAlone = file.length % pl === 0 || meta.files.slice(index + 1).every((f) => f.length === 0);
  if (!endsAlone) return [];
  const [first, end] = new FileLayout(meta.files, pl).pieceRange(index);
  const out = [`    <pieces length="${pl}" type="sha-1">`];
  for (let i = first; i < end; i++) {
    out.push(`      <hash>${Buffer.from(meta.pieces.subarray(i * 20, i * 20 + 20)).toString("hex")}</hash>`);
  }
  out.push("    </pieces>");
  return out;
}

/** XML-escaped text; C0 controls other than tab, LF and CR cannot appear in XML 1.0 and are dropped. */
function xml(text: string): string {
  let out = "";
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) continue;
    out += /[&<>"']/.test(char) ? `&#${code};` : char;
  }
  return out;
}
