// torrentifySite: find download links in a built site, make a web-seeded .torrent beside each file, and
// point the links at them. A hub: the stages live in their own modules. Pages are read and hashed before
// anything is written, so a strict run that fails has written nothing, and each page is replaced whole.
import { HashCache } from "./hash-cache.js";
import { type HashCounts, hashTargets } from "./hash-targets.js";
import { writeManifest } from "./manifest.js";
import type { SiteOptions } from "./options.js";
import type { SiteResult } from "./result.js";
import { type Rewritten, rewritePages } from "./rewrite-pages.js";
import { checkAbort, type SiteRun, startRun } from "./run.js";
import { type ScannedSite, scanPages } from "./scan-pages.js";
import { writeTorrents } from "./write-torrents.js";

/** Finds download links in the built site at `options.dir`, makes torrents beside the files, rewrites the links. */
export async function torrentifySite(options: SiteOptions): Promise<SiteResult> {
  const run = startRun(options);
  checkAbort(run);
  const scanned = await scanPages(run);
  const cache = await HashCache.open(run.o.cacheFile);
  const counts = await hashTargets(run, cache, scanned.targets);
  const strict = run.o.strict ? run.warnings.strictError() : undefined;
  if (strict) throw strict;
  await writeTorrents(run, scanned.targets);
  const rewritten = await rewritePages(run, scanned.pages);
  await cache.save().catch((error: Error) => {
    run.warnings.add(
      "ERR_SITE_WRITE",
      `hash cache ${String(run.o.cacheFile)} could not be saved (${error.message}); the next build hashes again`,
    );
  });
  const result = resultOf(run, scanned, counts, rewritten);
  await writeManifest(run, result);
  return result;
}

function resultOf(run: SiteRun, scanned: ScannedSite, counts: HashCounts, rewritten: Rewritten): SiteResult {
  const files = scanned.targets.flatMap((t) => (t.made ? [t.made.result] : []));
  return {
    baseUrl: run.o.base.href,
    mode: run.o.mode,
    files,
    links: rewritten.links,
    warnings: run.warnings.list,
    summary: {
      pages: scanned.pageCount,
      pagesChanged: rewritten.pagesChanged,
      links: rewritten.links.length,
      files: files.length,
      ...counts,
      warnings: run.warnings.list.length,
    },
  };
}
