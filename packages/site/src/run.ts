// The state one torrentifySite run carries from stage to stage, and how a run starts: options checked,
// the site folder and every `map` folder resolved once, the matchers built.
import { statSync } from "node:fs";
import type { Metainfo } from "@seedpress/torrent";
import picomatch from "picomatch";
import { SiteError } from "./errors.js";
import { SiteFolder } from "./folder.js";
import { type ResolvedOptions, resolveOptions, type SiteOptions } from "./options.js";
import { baseNameMatcher } from "./prefilter.js";
import type { Root } from "./resolve.js";
import type { SiteFileResult } from "./result.js";
import type { Anchor } from "./scan.js";
import { Warnings } from "./warnings.js";

export interface RunRoot extends Root {
  /** undefined when the folder does not exist: every link into it is then a missing file. */
  folder: SiteFolder | undefined;
}

/** A linked file: where it is, who links it, and (once hashed) what its torrent holds. */
export interface Target {
  root: RunRoot;
  rel: string;
  path: string;
  url: URL;
  refs: { page: string; href: string }[];
  made?: MadeTorrent;
}

export interface MadeTorrent {
  result: SiteFileResult;
  /** The .torrent to write beside the file. */
  metainfo: Metainfo;
}

/**
 * A page with at least one link to rewrite. Its text is not kept (memory follows the links, not the
 * pages): the rewrite reads it again, and only when it is still the file scanned.
 */
export interface PageWork {
  rel: string;
  abs: string;
  /** What the page was when scanned: the rewrite refuses a page that changed since. */
  scanned: PageIdentity;
  /** Permission bits to keep when the page is replaced. */
  mode: number;
  links: { anchor: Anchor; target: Target }[];
}

export interface PageIdentity {
  dev: number;
  ino: number;
  size: number;
  mtimeMs: number;
}

export interface SiteRun {
  o: ResolvedOptions;
  /** The site folder (roots[label "."].folder). */
  site: SiteFolder;
  /** Longest URL prefix first, so a `map` below the base URL wins. */
  roots: RunRoot[];
  /** Copied-from folders (`sources`) that exist. */
  sources: SiteFolder[];
  wanted: (rel: string) => boolean;
  isPage: (rel: string) => boolean;
  nameMatches: (name: string) => boolean;
  warnings: Warnings;
}

function openFolder(dir: string): SiteFolder | undefined {
  try {
    return SiteFolder.open(dir);
  } catch {
    return undefined;
  }
}

function openSite(dir: string): SiteFolder {
  try {
    const folder = SiteFolder.open(dir);
    if (!statSync(folder.real).isDirectory()) throw new Error("not a folder");
    return folder;
  } catch (error) {
    throw new SiteError("ERR_SITE_DIR", `site folder ${dir} is not a readable folder`, { cause: error });
  }
}

export function startRun(options: SiteOptions): SiteRun {
  const o = resolveOptions(options);
  const site = openSite(o.dir);
  const roots: RunRoot[] = [
    { url: o.base, dir: site.real, label: ".", folder: site },
    ...o.map.map((m) => {
      const folder = openFolder(m.dir);
      return { url: m.prefix, dir: folder?.real ?? m.dir, label: m.prefix.href, folder };
    }),
  ].sort((a, b) => b.url.href.length - a.url.href.length);
  const included = picomatch(o.include, { nocase: true, dot: true });
  const excluded = o.exclude.length > 0 ? picomatch(o.exclude, { nocase: true, dot: true }) : () => false;
  return {
    o,
    site,
    roots,
    sources: o.sources.map(openFolder).filter((f): f is SiteFolder => f !== undefined),
    wanted: (rel) => included(rel) && !excluded(rel),
    isPage: picomatch(o.pages, { nocase: true }),
    nameMatches: baseNameMatcher(o.include),
    warnings: new Warnings(),
  };
}

export function checkAbort(run: SiteRun): void {
  if (run.o.signal?.aborted) throw new SiteError("ERR_SITE_ABORTED", "stopped: the signal was aborted");
}

/** A file as the public manifest names it: by site path, never by local absolute path. */
export function shownPath(t: Target): string {
  return t.root.label === "." ? t.rel : `${t.root.label}${t.rel}`;
}

/** "link "x" on page p (and n more)": where a file was linked from, for warnings. */
export function linkedFrom(t: Target): string {
  const first = t.refs[0];
  const more = t.refs.length > 1 ? ` (and ${t.refs.length - 1} more)` : "";
  return first ? `link "${first.href}" on page ${first.page}${more}` : shownPath(t);
}
