// Public options of torrentifySite, their defaults, and the checks that turn bad input into SiteError.
import { resolve } from "node:path";
import { sourceDateEpoch, TorrentError, trackerTiers } from "@seedpress/torrent";
import { SiteError } from "./errors.js";

export type SiteMode = "swap" | "append" | "magnet";

/** Download-like extensions matched by default (case-insensitive), as globs over the file's URL path. */
export const DEFAULT_INCLUDE: readonly string[] = [
  "**/*.{iso,img,qcow2,vmdk,vdi,ova,vhd,vhdx,raw}",
  "**/*.{zip,7z,rar,tar,tgz,tbz,tbz2,txz,tzst,gz,bz2,xz,zst,lz,lzma,lz4,cab}",
  "**/*.tar.*",
  "**/*.{dmg,pkg,msi,msix,exe,deb,rpm,apk,appimage,snap,flatpak,jar,whl}",
  "**/*.{pdf,epub,mobi,azw3,djvu,cbz,cbr}",
  "**/*.{mp4,mkv,webm,mov,avi,m4v,mpg,mpeg}",
  "**/*.{flac,wav,mp3,ogg,opus,m4a,m4b,aac,aiff,ape}",
  "**/*.{bin,dat,pbf,gguf,safetensors,onnx,parquet,sqlite}",
];

export const DEFAULT_PAGES: readonly string[] = ["**/*.html", "**/*.htm"];
export const DEFAULT_MIN_SIZE = 1024 * 1024;
export const DEFAULT_DIRECT_ATTRIBUTE = "data-seedpress-direct";
export const DEFAULT_DIRECT_LABEL = "Direct download";
export const DEFAULT_MAGNET_LABEL = "Magnet link";
export const DEFAULT_MANIFEST = "seedpress-manifest.json";
export const DEFAULT_CACHE_FILE = "node_modules/.cache/seedpress/site-cache.json";
export const DEFAULT_MAX_PAGE_SIZE = 16 * 1024 * 1024;
export const DEFAULT_MAX_LINKS_PER_PAGE = 10_000;

export type SiteProgress =
  | { type: "scan"; pagesDone: number; pagesTotal: number }
  | { type: "hash"; file: string; bytesDone: number; bytesTotal: number }
  | { type: "torrent"; file: string; torrent: string; cached: boolean }
  | { type: "write"; page: string };

export interface SiteOptions {
  /** The built site folder. */
  dir: string;
  /** Absolute public URL of `dir` (scheme, host, and the site's base path), e.g. "https://example.com/docs/". */
  baseUrl: string;
  /** Globs over the link's path below `baseUrl` (or below a `map` prefix). Default DEFAULT_INCLUDE. */
  include?: string[];
  /** Globs that take files back out. Default none. */
  exclude?: string[];
  /** Files smaller than this many bytes keep their plain link. Default 1 MiB. */
  minSize?: number;
  /** "swap" (default): href → .torrent; "append": also add a visible direct link; "magnet": also add a magnet link. */
  mode?: SiteMode;
  /** Tracker URLs written into every torrent (and magnet link). Default none: the web seed alone serves it. */
  announce?: string[];
  /** Extra URL prefixes served from local folders: { "https://cdn.example.com/iso/": "/srv/mirror/iso" }. */
  map?: Record<string, string>;
  /**
   * Folders the build copied verbatim into `dir` (Vite's and Astro's `public/`). A file in `dir` whose copy
   * sits at the same relative path with the same size is cached by the source's (path, size, mtime), since
   * the copy gets a new mtime on every build. Default none.
   */
  sources?: string[];
  /** HTML files to rewrite, globs relative to `dir`. Default ["**\/*.html", "**\/*.htm"]. */
  pages?: string[];
  /** Hash cache (JSON). Relative paths are from `cwd`. false: no cache. Default "node_modules/.cache/seedpress/site-cache.json". */
  cacheFile?: string | false;
  /** Manifest path, relative to `dir` unless absolute; false: none. Default "seedpress-manifest.json". */
  manifest?: string | false;
  /** Attribute that keeps the direct URL on a rewritten link. Default "data-seedpress-direct". */
  directAttribute?: string;
  /** Text of the appended link in "append" mode. Default "Direct download". */
  directLabel?: string;
  /** Text of the appended link in "magnet" mode. Default "Magnet link". */
  magnetLabel?: string;
  /** Pages bigger than this many bytes are left as they are, with a warning (never read). Default 16 MiB. */
  maxPageSize?: number;
  /** Download links rewritten per page at most; later ones are left as they are, with a warning. Default 10,000. */
  maxLinksPerPage?: number;
  /** Turn every warning into an error (nothing is rewritten then). Default false. */
  strict?: boolean;
  /** Piece length for createTorrent (torrents are v1, the version every web-seeding client reads). Default "auto". */
  pieceLength?: number | "auto";
  threads?: number;
  /** `created by`; default "seedpress"; false leaves it out. */
  createdBy?: string | false;
  /** `creation date` in seconds; default SOURCE_DATE_EPOCH, else the file's mtime; false leaves it out. */
  creationDate?: number | false;
  /** Working directory for a relative `cacheFile`. Default process.cwd(). */
  cwd?: string;
  signal?: AbortSignal;
  onProgress?: (event: SiteProgress) => void;
}

export interface ResolvedOptions {
  dir: string;
  base: URL;
  include: string[];
  exclude: string[];
  minSize: number;
  mode: SiteMode;
  announce: string[];
  map: { prefix: URL; dir: string }[];
  sources: string[];
  pages: string[];
  cacheFile: string | false;
  manifest: string | false;
  directAttribute: string;
  directLabel: string;
  magnetLabel: string;
  maxPageSize: number;
  maxLinksPerPage: number;
  strict: boolean;
  pieceLength: number | "auto";
  threads: number | undefined;
  createdBy: string | false;
  /** undefined: each file's mtime. */
  creationDate: number | false | undefined;
  signal: AbortSignal | undefined;
  onProgress: ((event: SiteProgress) => void) | undefined;
}

/** An absolute http(s) URL whose path ends in "/" (added if missing), with no query or fragment. */
export function parsePrefixUrl(text: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      `${what} "${text}" is not an absolute URL (expected something like https://example.com/ or https://example.com/docs/)`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      `${what} "${text}" must be an http: or https: URL (web seeds are fetched over HTTP)`,
    );
  }
  if (url.search || url.hash) {
    throw new SiteError("ERR_SITE_BASE_URL", `${what} "${text}" must not have a query string or fragment`);
  }
  if (!url.pathname.endsWith("/")) url.pathname += "/";
  return url;
}

function count(value: number | undefined, fallback: number, what: string, min: number): number {
  const n = value ?? fallback;
  if (!Number.isSafeInteger(n) || n < min) {
    throw new SiteError("ERR_SITE_OPTION", `${what} ${String(n)} must be a whole number, ${min} or more`);
  }
  return n;
}

/** `creation date`: the option, else SOURCE_DATE_EPOCH by @seedpress/torrent's one rule, else undefined (each file's mtime). */
function creationDate(option: number | false | undefined): number | false | undefined {
  if (option !== undefined) {
    if (option !== false && !Number.isSafeInteger(option))
      throw new SiteError("ERR_SITE_OPTION", `creationDate ${String(option)} is not a number of seconds`);
    return option;
  }
  return asSiteOption(() => sourceDateEpoch());
}

function stringList(value: unknown, what: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
    throw new SiteError("ERR_SITE_OPTION", `${what} must be a list of non-empty strings`);
  }
  return value as string[];
}

/** Tracker URLs, checked by @seedpress/torrent's rule (http(s), udp, ws(s)). */
function announceList(value: string[] | undefined): string[] {
  const announce = stringList(value, "announce");
  asSiteOption(() => trackerTiers(announce));
  return announce;
}

/** Runs a @seedpress/torrent check; its TorrentError becomes ERR_SITE_OPTION with the same message. */
function asSiteOption<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof TorrentError)
      throw new SiteError("ERR_SITE_OPTION", error.message, { cause: error });
    throw error;
  }
}

function mapList(value: Record<string, string> | undefined, cwd: string): { prefix: URL; dir: string }[] {
  return Object.entries(value ?? {}).map(([prefix, dir]) => {
    if (typeof dir !== "string" || dir === "")
      throw new SiteError("ERR_SITE_OPTION", `map["${prefix}"] must be a folder path`);
    return { prefix: parsePrefixUrl(prefix, "map prefix"), dir: resolve(cwd, dir) };
  });
}

export function resolveOptions(options: SiteOptions): ResolvedOptions {
  if (!options || typeof options.dir !== "string" || options.dir === "") {
    throw new SiteError("ERR_SITE_OPTION", "dir (the built site folder) is required");
  }
  if (typeof options.baseUrl !== "string" || options.baseUrl === "") {
    throw new SiteError(
      "ERR_SITE_BASE_URL",
      "baseUrl is required: the absolute public URL of the built site, e.g. https://example.com/",
    );
  }
  const base = parsePrefixUrl(options.baseUrl, "baseUrl");
  const mode = options.mode ?? "swap";
  if (mode !== "swap" && mode !== "append" && mode !== "magnet") {
    throw new SiteError("ERR_SITE_OPTION", `mode "${String(mode)}" is not one of swap, append, magnet`);
  }
  const minSize = options.minSize ?? DEFAULT_MIN_SIZE;
  if (!Number.isSafeInteger(minSize) || minSize < 0) {
    throw new SiteError(
      "ERR_SITE_OPTION",
      `minSize ${String(minSize)} must be a whole number of bytes, 0 or more`,
    );
  }
  const announce = announceList(options.announce);
  const cwd = options.cwd ?? process.cwd();
  const map = mapList(options.map, cwd);
  const attr = options.directAttribute ?? DEFAULT_DIRECT_ATTRIBUTE;
  if (!/^data-[a-z0-9_.-]+$/.test(attr)) {
    throw new SiteError(
      "ERR_SITE_OPTION",
      `directAttribute "${attr}" must be a lowercase data- attribute name`,
    );
  }
  const cacheFile = options.cacheFile === undefined ? DEFAULT_CACHE_FILE : options.cacheFile;
  const manifest = options.manifest === undefined ? DEFAULT_MANIFEST : options.manifest;
  const dir = resolve(cwd, options.dir);
  return {
    dir,
    base,
    include:
      options.include && options.include.length > 0
        ? stringList(options.include, "include")
        : [...DEFAULT_INCLUDE],
    exclude: stringList(options.exclude, "exclude"),
    minSize,
    mode,
    announce,
    map,
    sources: stringList(options.sources, "sources").map((s) => resolve(cwd, s)),
    pages:
      options.pages && options.pages.length > 0 ? stringList(options.pages, "pages") : [...DEFAULT_PAGES],
    cacheFile: cacheFile === false ? false : resolve(cwd, cacheFile),
    manifest: manifest === false ? false : resolve(dir, manifest),
    directAttribute: attr,
    directLabel: options.directLabel ?? DEFAULT_DIRECT_LABEL,
    magnetLabel: options.magnetLabel ?? DEFAULT_MAGNET_LABEL,
    maxPageSize: count(options.maxPageSize, DEFAULT_MAX_PAGE_SIZE, "maxPageSize", 1),
    maxLinksPerPage: count(options.maxLinksPerPage, DEFAULT_MAX_LINKS_PER_PAGE, "maxLinksPerPage", 0),
    strict: options.strict ?? false,
    pieceLength: options.pieceLength ?? "auto",
    threads: options.threads,
    createdBy: options.createdBy === undefined ? "seedpress" : options.createdBy,
    creationDate: creationDate(options.creationDate),
    signal: options.signal,
    onProgress: options.onProgress,
  };
}
