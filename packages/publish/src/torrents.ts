// Folder entries → the torrents served: an earlier .torrent is reused (its outer dictionary reconciled
// with this server's URLs, the info hash unchanged), otherwise one is made through @seedpress/torrent.
import { lstat, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { createTorrent, parseTorrent, type TorrentMeta, writeTorrentFile } from "@seedpress/torrent";
import { resolveInside } from "./inside-root.js";
import type { Entry } from "./list-entries.js";
import type { PublishEvent } from "./options.js";
import { reconcile } from "./reconcile.js";
import { rewrap } from "./rewrap.js";
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

async function readSmall(file: string): Promise<Uint8Array | undefined> {
  const st = await stat(file).catch(() => undefined);
  if (!st?.isFile() || st.size > MAX_TORRENT_BYTES) return undefined;
  return readFile(file).catch(() => undefined);
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
  const bytes = readable && (await readSmall(readable));
  if (bytes) return { bytes, file: own, writable: true };
  if (context.torrentsDir.beside) return undefined;
  const beside = await resolveInside(context.rootReal, path.join(context.rootReal, torrentName));
  const found = beside && (await readSmall(beside));
  return found ? { bytes: found, file: beside, writable: false } : undefined;
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

function reuse(
  context: TorrentContext,
  entry: Entry,
  found: { bytes: Uint8Array; file: string },
  seed: string,
) {
  const meta = parseTorrent(found.bytes);
  if (meta.singleFile !== entry.singleFile)
    throw new Error(`${path.basename(found.file)} is a ${meta.singleFile ? "single" : "multi"}-file torrent`);
  if (!entry.singleFile && meta.name !== entry.name)
    throw new Error(`${path.basename(found.file)} names its folder "${meta.name}"`);
  const wanted = reconcile(meta, { seed, announce: context.announce });
  if (wanted.changes.length === 0) return { meta, bytes: found.bytes, changes: [] };
  const bytes = rewrap(found.bytes, meta, wanted);
  return { meta: parseTorrent(bytes), bytes, changes: wanted.changes };
}

/** The torrent for one entry, or undefined (with a `skipped` event) when it cannot be served. */
export async function publishEntry(
  context: TorrentContext,
  entry: Entry,
): Promise<PublishedTorrent | undefined> {
  const torrentName = `${entry.name}.torrent`;
  const seed = seedUrl(context.baseUrl, entry);
  const found = await findExisting(context, torrentName);
  const skip = (reason: string) => {
    context.emit({ type: "skipped", name: entry.name, reason });
    return undefined;
  };
  const target = path.join(context.torrentsDir.dir, torrentName);
  if (found) {
    let reused: ReturnType<typeof reuse>;
    try {
      reused = reuse(context, entry, found, seed);
    } catch (error) {
      return skip(`${torrentName} cannot be reused (${(error as Error).message})`);
    }
    if (reused.changes.length > 0) {
      // Kept current on disk when it is in our folder, so the file and what is served agree.
      if (found.writable) await writeTorrentFile(target, reused.bytes);
      context.emit({ type: "reconciled", name: entry.name, file: found.file, changes: reused.changes });
    }
    const file = found.writable ? target : undefined;
    const torrentPath = await servedPath(context, torrentName);
    return { name: entry.name, meta: reused.meta, torrent: reused.bytes, torrentPath, file, made: false };
  }
  let created: Awaited<ReturnType<typeof createTorrent>>;
  try {
    created = await make(context, entry, seed);
  } catch (error) {
    return skip(`cannot make a torrent (${(error as Error).message})`);
  }
  await writeTorrentFile(target, created.torrent);
  context.emit({ type: "made", name: entry.name, file: target });
  const torrentPath = await servedPath(context, torrentName);
  return { name: entry.name, meta: created, torrent: created.torrent, torrentPath, file: target, made: true };
}
