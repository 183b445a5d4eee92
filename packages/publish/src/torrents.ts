// Folder entries → the torrents served: an earlier .torrent is reused (re-wrapped by @seedpress/torrent's
// Metainfo with this server's URLs, the info bytes and hash unchanged), otherwise one is made there.
import { lstat, stat } from "node:fs/promises";
import path from "node:path";
import { createTorrent, Metainfo, type TorrentMeta } from "@seedpress/torrent";
import { PublishError } from "./errors.js";
import { resolveInside } from "./inside-root.js";
import type { Entry } from "./list-entries.js";
import type { PublishEvent } from "./options.js";
import { type Current, reconcile } from "./reconcile.js";
import type { TorrentsDir } from "./torrents-dir.js";

/** One torrent as served. */
export interface PublishedTorrent {
  /** Name at the top of the root. */
  name: string;
  /** The metainfo served (url-list and trackers of this server). */
  meta: TorrentMeta;
  /** The .torrent bytes served. */
  torrent: Uint8Array;
  /** Path of the .torrent under the base URL ("/"-joined, not encoded). */
  torrentPath: string;
  /** Where the .torrent is kept on disk (undefined when served from memory only). */
  file?: string;
  /** True when it was made on this start. */
  made: boolean;
}

export interface TorrentContext {
  rootReal: string;
  torrentsDir: TorrentsDir;
  baseUrl: URL;
  /** This server's announce URLs (empty without the tracker). */
  announce: string[];
  emit: (event: PublishEvent) => void;
}

// Far above any real .torrent; a bigger file in the folder is not one of ours.
const MAX_TORRENT_BYTES = 64 * 1024 * 1024;

/** BEP 19: a single file's web seed is the file's URL; a folder's is the root's URL (+ name/path). */
export function seedUrl(baseUrl: URL, entry: Entry): string {
  return entry.singleFile ? new URL(encodeURIComponent(entry.name), baseUrl).href : baseUrl.href;
}

/** A file that exists is read (and must parse); a missing one is undefined. */
async function readIfThere(file: string): Promise<Metainfo | undefined> {
  if (!(await stat(file).catch(() => undefined))) return undefined;
  return Metainfo.read(file, { maxBytes: MAX_TORRENT_BYTES });
}

/**
 * Where the .torrent is served: `<name>.torrent` as a user expects, unless the web seed would answer that
 * path itself with a file of the read-only root that is not the one served; then `.torrents/<name>.torrent`.
 */
async function servedPath(context: TorrentContext, torrentName: string): Promise<string> {
  if (context.torrentsDir.beside) return torrentName;
  const there = await lstat(path.join(context.rootReal, torrentName)).catch(() => undefined);
  return there ? `.torrents/${torrentName}` : torrentName;
}

/** An earlier .torrent for the entry: in the torrents folder, else beside the files (if inside the root). */
async function findExisting(context: TorrentContext, torrentName: string) {
  const own = path.join(context.torrentsDir.dir, torrentName);
  // Beside the files, the .torrent is one more name in the root: a link out of it is not followed.
  const readable = context.torrentsDir.beside ? await resolveInside(context.rootReal, own) : own;
  const metainfo = readable === undefined ? undefined : await readIfThere(readable);
  if (metainfo) return { metainfo, file: own, writable: true };
  if (context.torrentsDir.beside) return undefined;
  const beside = await resolveInside(context.rootReal, path.join(context.rootReal, torrentName));
  const found = beside === undefined ? undefined : await readIfThere(beside);
  return found ? { metainfo: found, file: beside!, writable: false } : undefined;
}

async function make(context: TorrentContext, entry: Entry, seed: string) {
  const created = await createTorrent(entry.real, {
    name: entry.name,
    webSeeds: [seed],
    announce: context.announce.length > 0 ? context.announce : undefined,
    onProgress: (p) => context.emit({ type: "hashing", name: entry.name, ...p }),
  });
  context.emit({ type: "hashed", name: entry.name });
  return created;
}

function reuse(entry: Entry, found: { metainfo: Metainfo; file: string }, current: Current) {
  const meta = found.metainfo.meta;
  if (meta.singleFile !== entry.singleFile)
    throw new Error(`${path.basename(found.file)} is a ${meta.singleFile ? "single" : "multi"}-file torrent`);
  if (!entry.singleFile && meta.name !== entry.name)
    throw new Error(`${path.basename(found.file)} names its folder "${meta.name}"`);
  const wanted = reconcile(meta, current);
  if (wanted.changes.length === 0) return { metainfo: found.metainfo, changes: [] };
  const metainfo = found.metainfo.with({ announce: wanted.announce, webSeeds: wanted.urlList });
  return { metainfo, changes: wanted.changes };
}

/** Writes a .torrent; a failure (disk full, folder gone) is the environment's, not the input's. */
async function save(target: string, metainfo: Metainfo): Promise<void> {
  try {
    await metainfo.write(target);
  } catch (error) {
    throw new PublishError("ERR_PUBLISH_TORRENTS_DIR", (error as Error).message, { cause: error });
  }
}

/** The torrent for one entry, or undefined (with a `skipped` event) when it cannot be served. */
export async function publishEntry(
  context: TorrentContext,
  entry: Entry,
): Promise<PublishedTorrent | undefined> {
  const torrentName = `${entry.name}.torrent`;
  const seed = seedUrl(context.baseUrl, entry);
  const skip = (reason: string) => {
    context.emit({ type: "skipped", name: entry.name, reason });
    return undefined;
  };
  let found: Awaited<ReturnType<typeof findExisting>>;
  let reused: ReturnType<typeof reuse> | undefined;
  try {
    found = await findExisting(context, torrentName);
    reused = found && reuse(entry, found, { seed, announce: context.announce });
  } catch (error) {
    return skip(`${torrentName} cannot be reused (${(error as Error).message})`);
  }
  const target = path.join(context.torrentsDir.dir, torrentName);
  if (found && reused) {
    if (reused.changes.length > 0) {
      // Kept current on disk when it is in our folder, so the file and what is served agree.
      if (found.writable) await save(target, reused.metainfo);
      context.emit({ type: "reconciled", name: entry.name, file: found.file, changes: reused.changes });
    }
    return {
      name: entry.name,
      meta: reused.metainfo.meta,
      torrent: reused.metainfo.toBytes(),
      torrentPath: await servedPath(context, torrentName),
      file: found.writable ? target : undefined,
      made: false,
    };
  }
  let created: Awaited<ReturnType<typeof createTorrent>>;
  try {
    created = await make(context, entry, seed);
  } catch (error) {
    return skip(`cannot make a torrent (${(error as Error).message})`);
  }
  await save(target, created.metainfo);
  context.emit({ type: "made", name: entry.name, file: target });
  const torrentPath = await servedPath(context, torrentName);
  return { name: entry.name, meta: created, torrent: created.torrent, torrentPath, file: target, made: true };
}
