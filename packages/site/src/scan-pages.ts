// Stage 1: list the site's pages, read each one (inside the site folder, size capped), and find the
// links it holds to files worth a torrent. Pages are read synchronously: they are small, and a few
// syscalls each beat the thread pool; the loop yields now and then so a dev server stays responsive.
import { closeSync, lstatSync, realpathSync, type Stats } from "node:fs";
import { join } from "node:path";
import { errnoCode, type OpenedFile, OUTSIDE, readInto } from "./folder.js";
import { hrefMayMatch, mayHaveDownloadLink } from "./prefilter.js";
import { documentBase, pageUrl, resolveHref } from "./resolve.js";
import { checkAbort, type PageWork, type SiteRun, type Target } from "./run.js";
import { scanHtml } from "./scan.js";
import { listFiles } from "./walk.js";

export interface ScannedSite {
  /** How many pages the site has (changed or not). */
  pageCount: number;
  /** Pages with at least one link to rewrite, sorted by path. */
  pages: PageWork[];
  /** Every linked file, sorted by URL. */
  targets: Target[];
}

/** A page's bytes as read, before decoding. */
export interface RawPage {
  rel: string;
  abs: string;
  bytes: Buffer;
  /** fstat of the page as it was read. */
  stat: Stats;
}

export async function scanPages(run: SiteRun): Promise<ScannedSite> {
  const rels = await listFiles(run.site.real, run.isPage);
  const targets = new Map<string, Target>();
  const pages: PageWork[] = [];
  for (let i = 0; i < rels.length; i++) {
    if (i % 256 === 255) await new Promise((r) => setImmediate(r));
    checkAbort(run);
    const page = readPage(run, rels[i] as string);
    const done = i + 1;
    if (done % 100 === 0 || done === rels.length) {
      run.o.onProgress?.({ type: "scan", pagesDone: done, pagesTotal: rels.length });
    }
    const work = page && scanPage(run, page, targets);
    if (work) pages.push(work);
  }
  pages.sort((a, b) => (a.rel < b.rel ? -1 : 1));
  const sorted = [...targets.values()].sort((a, b) => (a.url.href < b.url.href ? -1 : 1));
  return { pageCount: rels.length, pages, targets: sorted };
}

/**
 * Reads one page, or warns and returns undefined. A page that is a symlink is never read or replaced:
 * one that leads inside the site is rewritten under its own name when it is a page, one that leads out
 * is left with a warning.
 */
export function readPage(run: SiteRun, rel: string): RawPage | undefined {
  const abs = join(run.site.real, ...rel.split("/"));
  let file: OpenedFile;
  try {
    file = run.site.openFile(abs, { noFollow: true });
  } catch (error) {
    if (errnoCode(error) === "ELOOP" && isSymlink(abs)) return symlinkedPage(run, rel, abs);
    pageUnreadable(run, rel, error);
    return undefined;
  }
  try {
    return readOpenedPage(run, rel, abs, file);
  } finally {
    closeSync(file.fd);
  }
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

function symlinkedPage(run: SiteRun, rel: string, abs: string): undefined {
  let real: string;
  try {
    real = realpathSync.native(abs);
  } catch (error) {
    pageUnreadable(run, rel, error);
    return undefined;
  }
  if (!run.site.contains(real)) pageOutside(run, rel);
  return undefined;
}

function pageOutside(run: SiteRun, rel: string): void {
  run.warnings.add(
    "ERR_SITE_OUTSIDE",
    `page ${rel} is a symlink that leads out of the site folder; left as it is`,
    {
      page: rel,
    },
  );
}

function pageUnreadable(run: SiteRun, rel: string, error: unknown): void {
  const code = errnoCode(error);
  if (code === OUTSIDE || code === "ELOOP") pageOutside(run, rel);
  else {
    const why = code || (error as Error).message;
    run.warnings.add("ERR_SITE_UNREADABLE", `page ${rel} could not be read (${why}); left as it is`, {
      page: rel,
    });
  }
}

function readOpenedPage(run: SiteRun, rel: string, abs: string, file: OpenedFile): RawPage | undefined {
  const max = run.o.maxPageSize;
  if (!file.stat.isFile()) {
    run.warnings.add("ERR_SITE_UNREADABLE", `page ${rel} is not a file; left as it is`, { page: rel });
    return undefined;
  }
  if (file.stat.size > max) {
    pageTooBig(run, rel, file.stat.size);
    return undefined;
  }
  // One byte more than fstat said tells a page that grew since from one that did not.
  const bytes = Buffer.allocUnsafe(file.stat.size + 1);
  const length = readInto(file.fd, bytes);
  if (length > file.stat.size) {
    pageUnreadable(run, rel, new Error("it grew while it was read"));
    return undefined;
  }
  return { rel, abs, bytes: bytes.subarray(0, length), stat: file.stat };
}

function pageTooBig(run: SiteRun, rel: string, size: number): void {
  run.warnings.add(
    "ERR_SITE_PAGE_TOO_BIG",
    `page ${rel} is ${size} bytes, over maxPageSize (${run.o.maxPageSize}); left as it is`,
    { page: rel },
  );
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

export function decodePage(bytes: Uint8Array): { text: string; latin1: boolean } {
  try {
    return { text: utf8.decode(bytes), latin1: false };
  } catch {
    // Not UTF-8: one char per byte keeps every byte as it was; tags and attribute names are ASCII anyway.
    return { text: Buffer.from(bytes).toString("latin1"), latin1: true };
  }
}

/** The page's links to files worth a torrent (at most maxLinksPerPage), their targets added to `targets`. */
export function scanPage(run: SiteRun, page: RawPage, targets: Map<string, Target>): PageWork | undefined {
  // Most pages of a big site have no link worth tokenizing.
  if (!mayHaveDownloadLink(page.bytes.toString("latin1"), run.nameMatches)) return undefined;
  const { text } = decodePage(page.bytes);
  const limit = run.o.maxLinksPerPage;
  const scan = scanHtml(text, {
    keep: (href, attrs) =>
      !attrs.some((a) => a.name === "data-seedpress-skip") && hrefMayMatch(href, run.nameMatches),
    limit,
  });
  if (scan.dropped > 0) {
    run.warnings.add(
      "ERR_SITE_TOO_MANY_LINKS",
      `page ${page.rel} has more than ${limit} download links (maxLinksPerPage); the ${scan.dropped} after them are left as they are`,
      { page: page.rel },
    );
  }
  const docBase = documentBase(pageUrl(run.o.base, page.rel), scan.baseHref);
  const { dev, ino, size, mtimeMs } = page.stat;
  const scanned = { dev, ino, size, mtimeMs };
  const work: PageWork = { rel: page.rel, abs: page.abs, scanned, mode: page.stat.mode, links: [] };
  for (const anchor of scan.anchors) {
    const target = linkTarget(run, page.rel, anchor.href.value, docBase, targets);
    if (!target) continue;
    target.refs.push({ page: page.rel, href: anchor.href.value });
    work.links.push({ anchor, target });
  }
  return work.links.length > 0 ? work : undefined;
}

function linkTarget(
  run: SiteRun,
  page: string,
  href: string,
  docBase: URL,
  targets: Map<string, Target>,
): Target | undefined {
  const res = resolveHref(href, docBase, run.roots);
  if (res.kind === "external") return undefined;
  if (res.kind === "bad") {
    const last = (href.trim().split(/[?#]/)[0] ?? "").split("/").pop() ?? "";
    if (run.wanted(last)) {
      run.warnings.add("ERR_SITE_BAD_HREF", `page ${page}: link "${href}" ${res.reason}; left as it is`, {
        page,
        href,
      });
    }
    return undefined;
  }
  if (!run.wanted(res.rel)) return undefined;
  let target = targets.get(res.path);
  if (!target) {
    target = { root: res.root, rel: res.rel, path: res.path, url: res.url, refs: [] };
    targets.set(res.path, target);
  }
  return target;
}
