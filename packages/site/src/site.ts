// torrentifySite: find download links in a built site, make a web-seeded .torrent beside each file, and
// point the links at them. Order of work: read and scan every page, hash, then write torrents and pages,
// so a strict run that fails has written nothing and every page is replaced whole or not at all.
import { constants, readFileSync } from "node:fs";
import { access, readFile, stat } from "node:fs/promises";
import { basename, join } from "node:path";
import { createTorrent } from "@seedpress/torrent";
import picomatch from "picomatch";
import { writeFileAtomic } from "./atomic-write.js";
import { SiteError, type SiteErrorCode } from "./errors.js";
import { HashCache } from "./hash-cache.js";
import { type ResolvedOptions, resolveOptions, type SiteOptions } from "./options.js";
import { baseNameMatcher, mayHaveDownloadLink } from "./prefilter.js";
import { documentBase, pageUrl, type Root, resolveHref } from "./resolve.js";
import { applyEdits, type Edit, escapeAttr, escapeText, linkEdits, torrentHref } from "./rewrite.js";
import { type Anchor, scanHtml } from "./scan.js";
import { magnetLink, wrapTorrent } from "./torrent-file.js";
import { listFiles } from "./walk.js";

export interface SiteWarning {
  code: SiteErrorCode;
  message: string;
  page?: string;
  href?: string;
}

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

interface Target {
  root: Root;
  rel: string;
  path: string;
  url: URL;
  refs: { page: string; href: string }[];
  result?: SiteFileResult;
  torrentBytes?: Uint8Array;
  torrentPath?: string;
}

interface PageWork {
  rel: string;
  abs: string;
  text: string;
  latin1: boolean;
  links: { anchor: Anchor; target: Target }[];
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function decodePage(bytes: Uint8Array): { text: string; latin1: boolean } {
  try {
    return { text: utf8.decode(bytes), latin1: false };
  } catch {
    // Not UTF-8: one char per byte keeps every byte as it was; tags and attribute names are ASCII anyway.
    return { text: Buffer.from(bytes).toString("latin1"), latin1: true };
  }
}

async function runLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new SiteError("ERR_SITE_ABORTED", "stopped: the signal was aborted");
}

/** Finds download links in the built site at `options.dir`, makes torrents beside the files, rewrites the links. */
export async function torrentifySite(options: SiteOptions): Promise<SiteResult> {
  const o = resolveOptions(options);
  try {
    const s = await stat(o.dir);
    if (!s.isDirectory()) throw new Error("not a folder");
  } catch (error) {
    throw new SiteError("ERR_SITE_DIR", `site folder ${o.dir} is not a readable folder`, { cause: error });
  }
  checkAbort(o.signal);

  const roots: Root[] = [
    { url: o.base, dir: o.dir, label: "." },
    ...o.map.map((m) => ({ url: m.prefix, dir: m.dir, label: m.prefix.href })),
  ].sort((a, b) => b.url.href.length - a.url.href.length);
  const included = picomatch(o.include, { nocase: true, dot: true });
  const excluded = o.exclude.length > 0 ? picomatch(o.exclude, { nocase: true, dot: true }) : () => false;
  const wanted = (rel: string) => included(rel) && !excluded(rel);
  const isPage = picomatch(o.pages, { nocase: true });
  const nameMatches = baseNameMatcher(o.include);

  const warnings: SiteWarning[] = [];
  const warn = (code: SiteErrorCode, message: string, page?: string, href?: string) => {
    const w: SiteWarning = { code, message };
    if (page !== undefined) w.page = page;
    if (href !== undefined) w.href = href;
    warnings.push(w);
  };

  // 1. Read and scan every page.
  const pageRels = await listFiles(o.dir, (rel) => isPage(rel));
  const targets = new Map<string, Target>();
  const pages: PageWork[] = [];
  let scanned = 0;
  for (const rel of pageRels) {
    // Small pages read faster synchronously than through the thread pool; yield now and then so a
    // dev server sharing this process stays responsive.
    if (scanned % 256 === 255) await new Promise((r) => setImmediate(r));
    scanned++;
    checkAbort(o.signal);
    const abs = join(o.dir, ...rel.split("/"));
    let bytes: Buffer;
    try {
      bytes = readFileSync(abs);
    } catch (error) {
      warn(
        "ERR_SITE_UNREADABLE",
        `page ${rel} could not be read (${(error as Error).message}); left as it is`,
        rel,
      );
      continue;
    }
    if (scanned % 100 === 0 || scanned === pageRels.length) {
      o.onProgress?.({ type: "scan", pagesDone: scanned, pagesTotal: pageRels.length });
    }
    // Most pages of a big site have no link worth tokenizing.
    if (!mayHaveDownloadLink(bytes.toString("latin1"), nameMatches)) continue;
    const { text, latin1 } = decodePage(bytes);
    const scan = scanHtml(text);
    const docBase = documentBase(pageUrl(o.base, rel), scan.baseHref);
    const work: PageWork = { rel, abs, text, latin1, links: [] };
    for (const anchor of scan.anchors) {
      if (anchor.attrs.some((a) => a.name === "data-seedpress-skip")) continue;
      const href = anchor.href.value;
      const res = resolveHref(href, docBase, roots);
      if (res.kind === "external") continue;
      if (res.kind === "bad") {
        const last = (href.trim().split(/[?#]/)[0] ?? "").split("/").pop() ?? "";
        if (wanted(last))
          warn("ERR_SITE_BAD_HREF", `page ${rel}: link "${href}" ${res.reason}; left as it is`, rel, href);
        continue;
      }
      if (!wanted(res.rel)) continue;
      let target = targets.get(res.path);
      if (!target) {
        target = { root: res.root, rel: res.rel, path: res.path, url: res.url, refs: [] };
        targets.set(res.path, target);
      }
      target.refs.push({ page: rel, href });
      work.links.push({ anchor, target });
    }
    if (work.links.length > 0) pages.push(work);
  }
  pages.sort((a, b) => (a.rel < b.rel ? -1 : 1));

  // 2. Hash (or take from the cache) every linked file.
  const cache = await HashCache.open(o.cacheFile);
  let hashed = 0;
  let cachedCount = 0;
  let bytesHashed = 0;
  let skippedSmall = 0;
  const fileResults: SiteFileResult[] = [];
  const sortedTargets = [...targets.values()].sort((a, b) => (a.url.href < b.url.href ? -1 : 1));
  // A few files at once: each hash runs on worker threads, and overlapping them hides each one's start
  // and end (worker start-up, the last pieces, file open). Results keep the sorted order below.
  const fileWarnings = new Map<Target, SiteWarning[]>();
  await runLimited(sortedTargets, 3, async (t) => {
    checkAbort(o.signal);
    const first = t.refs[0];
    if (!first) return;
    const mine: SiteWarning[] = [];
    fileWarnings.set(t, mine);
    const warn = (code: SiteErrorCode, message: string, page?: string, href?: string) => {
      const w: SiteWarning = { code, message };
      if (page !== undefined) w.page = page;
      if (href !== undefined) w.href = href;
      mine.push(w);
    };
    const where = `link "${first.href}" on page ${first.page}${t.refs.length > 1 ? ` (and ${t.refs.length - 1} more)` : ""}`;
    // Messages end up in the (public) manifest: name files by site path, never by local absolute path.
    const shown = t.root.label === "." ? t.rel : `${t.root.label}${t.rel}`;
    let size: number;
    let mtimeMs: number;
    try {
      const s = await stat(t.path);
      if (!s.isFile()) {
        warn(
          "ERR_SITE_NOT_A_FILE",
          `${where}: ${shown} is not a file; left as it is`,
          first.page,
          first.href,
        );
        return;
      }
      size = s.size;
      mtimeMs = s.mtimeMs;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        warn(
          "ERR_SITE_MISSING_FILE",
          `${where}: no such file ${shown}; left as it is`,
          first.page,
          first.href,
        );
      } else {
        warn(
          "ERR_SITE_UNREADABLE",
          `${where}: ${shown} could not be read (${code}); left as it is`,
          first.page,
          first.href,
        );
      }
      return;
    }
    if (size < o.minSize) {
      skippedSmall++;
      return;
    }
    // A verbatim copy of a source file (public/ → dist/) is cached under the source, whose mtime holds still.
    let keyPath = t.path;
    let keyMtime = mtimeMs;
    if (t.root.label === ".") {
      for (const src of o.sources) {
        const candidate = join(src, ...t.rel.split("/"));
        const s = await stat(candidate).catch(() => undefined);
        if (s?.isFile() && s.size === size) {
          keyPath = candidate;
          keyMtime = s.mtimeMs;
          break;
        }
      }
    }
    let info: Uint8Array;
    let infoHash: string;
    let pieceLength: number;
    let cached = false;
    const hit = cache.get(keyPath, size, keyMtime, o.pieceLength);
    if (hit) {
      info = Buffer.from(hit.info, "base64");
      infoHash = hit.infoHash;
      pieceLength = hit.bytesPerPiece;
      cached = true;
      cachedCount++;
    } else {
      try {
        await access(t.path, constants.R_OK);
        const made = await createTorrent(t.path, {
          pieceLength: o.pieceLength,
          ...(o.threads === undefined ? {} : { threads: o.threads }),
          ...(o.signal === undefined ? {} : { signal: o.signal }),
          createdBy: false,
          creationDate: false,
          onProgress: (p) =>
            o.onProgress?.({ type: "hash", file: t.path, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
        });
        info = made.infoBuffer;
        if (!made.infoHash) throw new Error("the torrent maker returned no v1 info hash");
        infoHash = made.infoHash;
        pieceLength = made.pieceLength;
      } catch (error) {
        checkAbort(o.signal);
        warn(
          "ERR_SITE_UNREADABLE",
          `${where}: ${shown} could not be hashed (${(error as Error).message.split(t.path).join(shown)}); left as it is`,
          first.page,
          first.href,
        );
        return;
      }
      hashed++;
      bytesHashed += size;
      cache.set(keyPath, {
        size,
        mtimeMs: keyMtime,
        pieceLength: o.pieceLength,
        info: Buffer.from(info).toString("base64"),
        infoHash,
        bytesPerPiece: pieceLength,
      });
    }
    const envDate = process.env.SOURCE_DATE_EPOCH;
    const creationDate =
      o.creationDate !== undefined
        ? o.creationDate
        : envDate && /^\d+$/.test(envDate)
          ? Number(envDate)
          : Math.floor(keyMtime / 1000);
    t.torrentBytes = wrapTorrent({
      info,
      announce: o.announce,
      webSeeds: [t.url.href],
      createdBy: o.createdBy,
      creationDate,
    });
    t.torrentPath = `${t.path}.torrent`;
    const torrentUrl = `${t.url.href}.torrent`;
    const relFile = t.rel;
    t.result = {
      file: relFile,
      root: t.root.label,
      url: t.url.href,
      torrent: `${relFile}.torrent`,
      torrentUrl,
      length: size,
      pieceLength,
      infoHash,
      magnet: magnetLink({
        infoHash,
        name: basename(t.path),
        length: size,
        announce: o.announce,
        webSeed: t.url.href,
        torrentUrl,
      }),
      cached,
    };
  });
  for (const t of sortedTargets) {
    warnings.push(...(fileWarnings.get(t) ?? []));
    if (t.result) fileResults.push(t.result);
  }

  const w = warnings[0];
  if (o.strict && w) {
    throw new SiteError(
      "ERR_SITE_STRICT",
      `${w.message}${warnings.length > 1 ? ` (and ${warnings.length - 1} more warnings)` : ""}; nothing was written`,
      {
        ...(w.page === undefined ? {} : { page: w.page }),
        ...(w.href === undefined ? {} : { href: w.href }),
      },
    );
  }

  // 3. Torrents first, so a page never links a torrent that is not there yet.
  for (const t of sortedTargets) {
    if (!t.torrentBytes || !t.torrentPath) continue;
    const existing = await readFile(t.torrentPath).catch(() => undefined);
    if (existing && Buffer.compare(existing, t.torrentBytes) === 0) continue;
    try {
      await writeFileAtomic(t.torrentPath, t.torrentBytes);
    } catch (error) {
      throw new SiteError("ERR_SITE_WRITE", `could not write ${t.torrentPath}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    o.onProgress?.({
      type: "torrent",
      file: t.path,
      torrent: t.torrentPath,
      cached: t.result?.cached ?? false,
    });
  }

  // 4. Pages.
  const links: SiteLinkResult[] = [];
  let pagesChanged = 0;
  const writes: { page: PageWork; out: string }[] = [];
  for (const page of pages) {
    checkAbort(o.signal);
    const edits: Edit[] = [];
    for (const { anchor, target } of page.links) {
      const r = target.result;
      if (!r) continue;
      const href = anchor.href.value;
      const newHref = torrentHref(href);
      let sibling: string | undefined;
      const direct = href.trim();
      if (o.mode === "append") {
        sibling = ` <a href="${escapeAttr(direct, '"')}" class="seedpress-direct" data-seedpress-skip>${escapeText(o.directLabel)}</a>`;
      } else if (o.mode === "magnet") {
        sibling = ` <a href="${escapeAttr(r.magnet, '"')}" class="seedpress-magnet" data-seedpress-skip>${escapeText(o.magnetLabel)}</a>`;
      }
      edits.push(
        ...linkEdits(page.text, anchor, { href: newHref, direct, attribute: o.directAttribute, sibling }),
      );
      links.push({
        page: page.rel,
        href,
        newHref,
        file: r.file,
        torrent: r.torrent,
        infoHash: r.infoHash,
        magnet: r.magnet,
      });
    }
    if (edits.length > 0) writes.push({ page, out: applyEdits(page.text, edits) });
  }
  // Each page is replaced whole (temp + rename); several at once, as each is a few small syscalls.
  await runLimited(writes, 16, async ({ page, out }) => {
    try {
      const { mode } = await stat(page.abs);
      await writeFileAtomic(page.abs, Buffer.from(out, page.latin1 ? "latin1" : "utf8"), mode);
    } catch (error) {
      throw new SiteError("ERR_SITE_WRITE", `could not write page ${page.rel}: ${(error as Error).message}`, {
        page: page.rel,
        cause: error,
      });
    }
    pagesChanged++;
    o.onProgress?.({ type: "write", page: page.rel });
  });

  await cache.save().catch((error: Error) => {
    warn(
      "ERR_SITE_WRITE",
      `hash cache ${String(o.cacheFile)} could not be saved (${error.message}); the next build hashes again`,
    );
  });

  const result: SiteResult = {
    baseUrl: o.base.href,
    mode: o.mode,
    files: fileResults,
    links,
    warnings,
    summary: {
      pages: pageRels.length,
      pagesChanged,
      links: links.length,
      files: fileResults.length,
      hashed,
      cached: cachedCount,
      bytesHashed,
      skippedSmall,
      warnings: warnings.length,
    },
  };
  if (o.manifest !== false) {
    await writeFileAtomic(o.manifest, `${JSON.stringify(manifestOf(result, o), null, 2)}\n`).catch(
      (error: Error) => {
        throw new SiteError("ERR_SITE_WRITE", `could not write manifest ${o.manifest}: ${error.message}`, {
          cause: error,
        });
      },
    );
    result.manifest = o.manifest;
  }
  return result;
}

function manifestOf(result: SiteResult, o: ResolvedOptions) {
  const { manifest: _m, ...rest } = result;
  return { seedpressSiteManifest: 1, ...rest, announce: o.announce };
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
