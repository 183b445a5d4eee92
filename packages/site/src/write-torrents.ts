// Stage 3: each hashed file's .torrent beside it (beside the link's path, in a folder that resolves
// inside the file's own folder). Torrents go before pages, so a page never links a torrent not there yet.
import { SiteError } from "./errors.js";
import type { SiteRun, Target } from "./run.js";
import { holdsBytes } from "./write-inside.js";

export async function writeTorrents(run: SiteRun, targets: Target[]): Promise<void> {
  for (const t of targets) {
    if (!t.made || !t.root.folder) continue;
    const path = `${t.path}.torrent`;
    // An unchanged torrent keeps its mtime, so a deploy that syncs by mtime uploads nothing.
    if (holdsBytes(t.root.folder, path, t.made.metainfo.toBytes())) continue;
    try {
      await t.made.metainfo.write(t.root.folder.writablePath(path));
    } catch (error) {
      throw new SiteError("ERR_SITE_WRITE", `could not write ${path}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    run.o.onProgress?.({ type: "torrent", file: t.path, torrent: path, cached: t.made.result.cached });
  }
}
