// Stage 2: hash every linked file (or take its info dictionary from the cache). Each file is opened
// inside its folder first, and a symlink out of it is never read; a few files hash at once, and their
// warnings join the run's collector in URL order, whatever order the hashing finished in.
import { closeSync, fstatSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { createTorrent } from "@seedpress/torrent";
import type { SiteErrorCode } from "./errors.js";
import { errnoCode, type OpenedFile, OUTSIDE } from "./folder.js";
import type { CachedInfo, HashCache } from "./hash-cache.js";
import { fileMetainfo } from "./metainfo.js";
import { checkAbort, linkedFrom, type MadeTorrent, type SiteRun, shownPath, type Target } from "./run.js";
import { runLimited } from "./run-limited.js";

export interface HashCounts {
  hashed: number;
  cached: number;
  bytesHashed: number;
  skippedSmall: number;
}

type Outcome =
  | { kind: "made"; made: MadeTorrent; hashedBytes: number }
  | { kind: "small" }
  | { kind: "warning"; code: SiteErrorCode; message: string };

/** Hashes the targets (sets each one's `made`), adds their warnings, and counts. */
export async function hashTargets(run: SiteRun, cache: HashCache, targets: Target[]): Promise<HashCounts> {
  const outcomes = new Map<Target, Outcome>();
  // A few files at once: each hash runs on worker threads, and overlapping them hides each one's start
  // and end (worker start-up, the last pieces, file open).
  await runLimited(targets, 3, async (t) => {
    checkAbort(run);
    outcomes.set(t, await hashTarget(run, cache, t));
  });
  const counts: HashCounts = { hashed: 0, cached: 0, bytesHashed: 0, skippedSmall: 0 };
  for (const t of targets) {
    const out = outcomes.get(t);
    if (out?.kind === "small") counts.skippedSmall++;
    else if (out?.kind === "warning") {
      run.warnings.add(out.code, out.message, t.refs[0] ?? {});
    } else if (out?.kind === "made") {
      t.made = out.made;
      if (out.made.result.cached) counts.cached++;
      else {
        counts.hashed++;
        counts.bytesHashed += out.hashedBytes;
      }
    }
  }
  return counts;
}

/** One file: opened inside its folder, then from the cache or hashed. */
export async function hashTarget(run: SiteRun, cache: HashCache, t: Target): Promise<Outcome> {
  const opened = openTarget(t);
  if ("kind" in opened) return opened;
  try {
    const size = opened.stat.size;
    if (size < run.o.minSize) return { kind: "small" };
    const key = cacheKey(run, t, opened);
    const hit = cache.get(key.path, size, key.mtimeMs, run.o.pieceLength);
    const fromCache = hit && fromCacheEntry(run, t, hit, size, key);
    if (fromCache) return fromCache;
    const fresh = await hashFile(run, t, opened);
    if ("kind" in fresh) return fresh;
    cache.set(key.path, {
      size,
      mtimeMs: key.mtimeMs,
      pieceLength: run.o.pieceLength,
      info: Buffer.from(fresh.info).toString("base64"),
      infoHash: fresh.infoHash,
      bytesPerPiece: fresh.pieceLength,
    });
    return made(run, t, fresh, size, key, false);
  } finally {
    closeSync(opened.fd);
  }
}

/** A cache entry as a made torrent, or undefined (hash again) when its info does not read back to its hash. */
function fromCacheEntry(
  run: SiteRun,
  t: Target,
  hit: CachedInfo,
  size: number,
  key: { mtimeMs: number },
): Outcome | undefined {
  try {
    const info = Buffer.from(hit.info, "base64");
    const out = made(
      run,
      t,
      { info, infoHash: hit.infoHash, pieceLength: hit.bytesPerPiece },
      size,
      key,
      true,
    );
    return out.kind === "made" && out.made.metainfo.infoHash === hit.infoHash ? out : undefined;
  } catch {
    return undefined;
  }
}

function warning(t: Target, code: SiteErrorCode, why: string): Outcome {
  return { kind: "warning", code, message: `${linkedFrom(t)}: ${shownPath(t)} ${why}; left as it is` };
}

/** Opens the file inside its folder, or says why not. */
function openTarget(t: Target): OpenedFile | Outcome {
  const shown = shownPath(t);
  if (!t.root.folder) return missing(t, shown);
  let opened: OpenedFile;
  try {
    opened = t.root.folder.openFile(t.path);
  } catch (error) {
    const code = errnoCode(error);
    if (code === "ENOENT" || code === "ENOTDIR") return missing(t, shown);
    if (code === OUTSIDE) {
      const folder = t.root.label === "." ? "the site folder" : "its folder";
      return warning(t, "ERR_SITE_OUTSIDE", `leads out of ${folder} through a symlink`);
    }
    return warning(t, "ERR_SITE_UNREADABLE", `could not be read (${code || (error as Error).message})`);
  }
  if (opened.stat.isFile()) return opened;
  closeSync(opened.fd);
  return warning(t, "ERR_SITE_NOT_A_FILE", "is not a file");
}

function missing(t: Target, shown: string): Outcome {
  return {
    kind: "warning",
    code: "ERR_SITE_MISSING_FILE",
    message: `${linkedFrom(t)}: no such file ${shown}; left as it is`,
  };
}

/** A verbatim copy of a source file (public/ → dist/) is cached under the source, whose mtime holds still. */
function cacheKey(run: SiteRun, t: Target, opened: OpenedFile): { path: string; mtimeMs: number } {
  if (t.root.label === ".") {
    for (const src of run.sources) {
      const s = src.statFile(join(src.real, ...t.rel.split("/")));
      if (s && s.size === opened.stat.size)
        return { path: join(src.real, ...t.rel.split("/")), mtimeMs: s.mtimeMs };
    }
  }
  return { path: opened.real, mtimeMs: opened.stat.mtimeMs };
}

interface Hashed {
  info: Uint8Array;
  infoHash: string;
  pieceLength: number;
}

/**
 * Hashes the opened file. createTorrent opens it again by its real path; the file we hold must still
 * be the one there afterwards, so a swap during hashing is refused rather than published.
 */
async function hashFile(run: SiteRun, t: Target, opened: OpenedFile): Promise<Hashed | Outcome> {
  const o = run.o;
  try {
    const made = await createTorrent(opened.real, {
      name: basename(t.path),
      pieceLength: o.pieceLength,
      ...(o.threads === undefined ? {} : { threads: o.threads }),
      ...(o.signal === undefined ? {} : { signal: o.signal }),
      createdBy: false,
      creationDate: false,
      onProgress: (p) =>
        o.onProgress?.({ type: "hash", file: t.path, bytesDone: p.bytesDone, bytesTotal: p.bytesTotal }),
    });
    if (!made.infoHash) throw new Error("the torrent maker returned no v1 info hash");
    const now = statSync(opened.real);
    const held = fstatSync(opened.fd);
    if (now.ino !== held.ino || now.dev !== held.dev || made.length !== held.size) {
      throw new Error("it changed while it was hashed");
    }
    return { info: made.infoBuffer, infoHash: made.infoHash, pieceLength: made.pieceLength };
  } catch (error) {
    checkAbort(run);
    const message = (error as Error).message
      .split(opened.real)
      .join(shownPath(t))
      .split(t.path)
      .join(shownPath(t));
    return warning(t, "ERR_SITE_UNREADABLE", `could not be hashed (${message})`);
  }
}

function made(
  run: SiteRun,
  t: Target,
  h: Hashed,
  length: number,
  key: { mtimeMs: number },
  cached: boolean,
): Outcome {
  const o = run.o;
  const metainfo = fileMetainfo({
    info: h.info,
    announce: o.announce,
    webSeed: t.url.href,
    createdBy: o.createdBy,
    // Default: the file's own mtime, so a rebuild of unchanged files writes the same bytes.
    creationDate: o.creationDate ?? Math.floor(key.mtimeMs / 1000),
  });
  const torrentUrl = `${t.url.href}.torrent`;
  const result = {
    file: t.rel,
    root: t.root.label,
    url: t.url.href,
    torrent: `${t.rel}.torrent`,
    torrentUrl,
    length,
    pieceLength: h.pieceLength,
    infoHash: h.infoHash,
    magnet: metainfo.magnet({ exactSource: torrentUrl }),
    cached,
  };
  return { kind: "made", made: { result, metainfo }, hashedBytes: cached ? 0 : length };
}
