// Stage 4: every page with a hashed link gets its links pointed at the torrents, spliced into the page's
// own text (nothing re-serialised), and is replaced whole inside the site folder with its mode kept.
// Each page is read again here rather than kept from the scan, and only while it is still the file
// scanned, so memory follows the links kept, not the size of the site.
import { SiteError } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { SiteFileResult, SiteLinkResult } from "./result.js";
import { applyEdits, type Edit, escapeAttr, escapeText, linkEdits, torrentHref } from "./rewrite.js";
import { checkAbort, type PageWork, type SiteRun } from "./run.js";
import { runLimited } from "./run-limited.js";
import { decodePage, readPage } from "./scan-pages.js";
import { writeInside } from "./write-inside.js";

export interface Rewritten {
  links: SiteLinkResult[];
  pagesChanged: number;
}

export async function rewritePages(run: SiteRun, pages: PageWork[]): Promise<Rewritten> {
  const links: SiteLinkResult[] = [];
  let pagesChanged = 0;
  // Up to 16 pages in flight, each a few small syscalls. The part before the first await (read, edit)
  // runs in page order, so links and warnings come out in page order whatever the writes do.
  await runLimited(pages, 16, async (page) => {
    checkAbort(run);
    const out = rewrittenPage(run, page, links);
    if (out === undefined) return;
    await writePage(run, page, out);
    pagesChanged++;
    run.o.onProgress?.({ type: "write", page: page.rel });
  });
  return { links, pagesChanged };
}

/** The page's new bytes, or undefined when nothing changes or the page is no longer the one scanned. */
export function rewrittenPage(run: SiteRun, page: PageWork, links: SiteLinkResult[]): Buffer | undefined {
  const raw = readPage(run, page.rel);
  if (!raw) return undefined;
  const was = page.scanned;
  const now = raw.stat;
  if (now.dev !== was.dev || now.ino !== was.ino || now.size !== was.size || now.mtimeMs !== was.mtimeMs) {
    run.warnings.add(
      "ERR_SITE_UNREADABLE",
      `page ${page.rel} changed while it was being rewritten; left as it is`,
      {
        page: page.rel,
      },
    );
    return undefined;
  }
  const { text, latin1 } = decodePage(raw.bytes);
  const edits = pageEdits(run.o, page, text, links);
  if (edits.length === 0) return undefined;
  return Buffer.from(applyEdits(text, edits), latin1 ? "latin1" : "utf8");
}

/** The edits of one page's hashed links; each rewritten link is added to `links`. */
export function pageEdits(o: ResolvedOptions, page: PageWork, text: string, links: SiteLinkResult[]): Edit[] {
  const edits: Edit[] = [];
  for (const { anchor, target } of page.links) {
    const r = target.made?.result;
    if (!r) continue;
    const href = anchor.href.value;
    const newHref = torrentHref(href);
    const direct = href.trim();
    const sibling = siblingLink(o, direct, r);
    edits.push(...linkEdits(text, anchor, { href: newHref, direct, attribute: o.directAttribute, sibling }));
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
  return edits;
}

/** The link `append` or `magnet` mode adds after the rewritten one, marked so a second run skips it. */
function siblingLink(o: ResolvedOptions, direct: string, r: SiteFileResult): string | undefined {
  if (o.mode === "append") {
    return ` <a href="${escapeAttr(direct, '"')}" class="seedpress-direct" data-seedpress-skip>${escapeText(o.directLabel)}</a>`;
  }
  if (o.mode === "magnet") {
    return ` <a href="${escapeAttr(r.magnet, '"')}" class="seedpress-magnet" data-seedpress-skip>${escapeText(o.magnetLabel)}</a>`;
  }
  return undefined;
}

async function writePage(run: SiteRun, page: PageWork, out: Buffer): Promise<void> {
  try {
    await writeInside(run.site, page.abs, out, page.mode);
  } catch (error) {
    throw new SiteError("ERR_SITE_WRITE", `could not write page ${page.rel}: ${(error as Error).message}`, {
      page: page.rel,
      cause: error,
    });
  }
}
