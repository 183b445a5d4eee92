// Stage 4: every page with a hashed link gets its links pointed at the torrents, spliced into the page's
// own text (nothing re-serialised), and is replaced whole inside the site folder with its mode kept.

import { SiteError } from "./errors.js";
import type { ResolvedOptions } from "./options.js";
import type { SiteFileResult, SiteLinkResult } from "./result.js";
import { applyEdits, type Edit, escapeAttr, escapeText, linkEdits, torrentHref } from "./rewrite.js";
import { checkAbort, type PageWork, type SiteRun } from "./run.js";
import { runLimited } from "./run-limited.js";
import { writeInside } from "./write-inside.js";

export interface Rewritten {
  links: SiteLinkResult[];
  pagesChanged: number;
}

export async function rewritePages(run: SiteRun, pages: PageWork[]): Promise<Rewritten> {
  const links: SiteLinkResult[] = [];
  const writes: { page: PageWork; out: string }[] = [];
  for (const page of pages) {
    checkAbort(run);
    const edits = pageEdits(run.o, page, links);
    if (edits.length > 0) writes.push({ page, out: applyEdits(page.text, edits) });
  }
  let pagesChanged = 0;
  // Several at once: each is a few small syscalls.
  await runLimited(writes, 16, async ({ page, out }) => {
    await writePage(run, page, out);
    pagesChanged++;
    run.o.onProgress?.({ type: "write", page: page.rel });
  });
  return { links, pagesChanged };
}

/** The edits of one page's hashed links; each rewritten link is added to `links`. */
export function pageEdits(o: ResolvedOptions, page: PageWork, links: SiteLinkResult[]): Edit[] {
  const edits: Edit[] = [];
  for (const { anchor, target } of page.links) {
    const r = target.made?.result;
    if (!r) continue;
    const href = anchor.href.value;
    const newHref = torrentHref(href);
    const direct = href.trim();
    const sibling = siblingLink(o, direct, r);
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

async function writePage(run: SiteRun, page: PageWork, out: string): Promise<void> {
  try {
    await writeInside(run.site, page.abs, Buffer.from(out, page.latin1 ? "latin1" : "utf8"), page.mode);
  } catch (error) {
    throw new SiteError("ERR_SITE_WRITE", `could not write page ${page.rel}: ${(error as Error).message}`, {
      page: page.rel,
      cause: error,
    });
  }
}
