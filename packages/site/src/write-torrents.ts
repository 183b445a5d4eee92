// Stage 3: each hashed file's .torrent beside it (beside the link's path, in a folder that resolves
// inside the file's own folder). Torrents go before pages, so a page never links a torrent not there yet.
import { SiteError } from "./errors.js";
import { torrentBytes } from "./metainfo.js";
import type { SiteRun, Target } from "./run.js";
import { holdsBytes, writeInside } from "./write-inside.js";

export async function writeTorrents(run: SiteRun, targets: Target[]): Promise<void> {
  for (const t of targets) {
    if (!t.made || !t.root.folder) continue;
    const o = run.o;
    const bytes = torrentBytes({
      info: t.made.info,
      announce: o.announce,
      webSeed: t.url.href,
      createdBy: o.createdBy,
      creationDate: o.creationDate ?? Math.floor(t.made.keyMtimeMs / 1000),
    });
    const path = `${t.path}.torrent`;
    // An unchanged torrent keeps its mtime, so a deploy that syncs by mtime uploads nothing.
    if (holdsBytes(t.root.folder, path, bytes)) continue;
    try {
      await writeInside(t.root.folder, path, bytes);
    } catch (error) {
      throw new SiteError("ERR_SITE_WRITE", `could not write ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    o.onProgress?.({ type: "torrent", file: t.path, torrent: path, cached: t.made.result.cached });
  }
}
