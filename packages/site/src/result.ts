// What torrentifySite returns, and the short human paragraph adapters and the CLI print from it.
import type { SiteWarning } from "./warnings.js";

export type { SiteWarning } from "./warnings.js";

export interface SiteFileResult {
  /** Path of the file below its root ("/"-separated). */
  file: string;
  /** "." for the site folder, else the `map` URL prefix. */
  root: string;
  url: string;
  torrent: string;
  torrentUrl: string;
  length: number;
  pieceLength: number;
  infoHash: string;
  magnet: string;
  /** True when the info dictionary came from the cache (nothing was hashed). */
  cached: boolean;
}

export interface SiteLinkResult {
  page: string;
  href: string;
  /** The href written in its place. */
  newHref: string;
  file: string;
  torrent: string;
  infoHash: string;
  magnet: string;
}

export interface SiteSummary {
  pages: number;
  pagesChanged: number;
  links: number;
  files: number;
  hashed: number;
  cached: number;
  bytesHashed: number;
  skippedSmall: number;
  warnings: number;
}

export interface SiteResult {
  baseUrl: string;
  mode: string;
  files: SiteFileResult[];
  links: SiteLinkResult[];
  warnings: SiteWarning[];
  summary: SiteSummary;
  /** Where the manifest was written, if it was. */
  manifest?: string;
}

/** One short human paragraph about a run, for adapters and the CLI to print. */
export function formatSummary(result: SiteResult): string {
  const s = result.summary;
  const mib = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MiB`;
  const lines = [
    `seedpress: ${s.links} link(s) on ${s.pagesChanged} of ${s.pages} page(s) now point to ${s.files} torrent(s); ` +
      `${s.hashed} hashed (${mib(s.bytesHashed)}), ${s.cached} from cache` +
      (s.skippedSmall > 0 ? `, ${s.skippedSmall} below min size` : ""),
  ];
  for (const w of result.warnings) lines.push(`  warning: ${w.message}`);
  return lines.join("\n");
}
