// SHA-256 of each whole file of a torrent, read from a local copy: streamed, sizes checked first,
// and never a byte read outside the folder given.
import { createHash } from "node:crypto";
import { createReadStream, promises as fsp } from "node:fs";
import path from "node:path";
import { checkPathSegment, type TorrentMeta } from "@seedpress/torrent";
import { MirrorsError } from "./errors.js";

export interface FileHashOptions {
  signal?: AbortSignal;
  onProgress?: (progress: { bytesDone: number; bytesTotal: number }) => void;
}

/**
 * `content` is the file itself (or the folder holding it) for a single-file torrent, and the
 * torrent's top folder for a multi-file one — as `seedpress verify` takes it. Keys are the paths
 * Metalink uses: the name, or "name/path…".
 */
export async function hashLocalFiles(
  meta: TorrentMeta,
  content: string,
  options: FileHashOptions = {},
): Promise<Map<string, string>> {
  const located = await locateFiles(meta, content);
  const progress = { bytesDone: 0, bytesTotal: meta.length };
  const hashes = new Map<string, string>();
  for (const { key, absolute } of located) {
    const digest = createHash("sha256");
    for await (const chunk of createReadStream(absolute, {
      highWaterMark: 1 << 20,
      signal: options.signal,
    })) {
      digest.update(chunk as Buffer);
      progress.bytesDone += (chunk as Buffer).length;
      options.onProgress?.(progress);
    }
    hashes.set(key, digest.digest("hex"));
  }
  return hashes;
}

async function locateFiles(meta: TorrentMeta, content: string): Promise<{ key: string; absolute: string }[]> {
  let base = path.resolve(content);
  const stat = await fsp.stat(base).catch(() => undefined);
  if (!stat) throw new MirrorsError("ERR_MIRRORS_LOCAL_FILE", `${content}: no such file or folder`);
  if (meta.singleFile && stat.isDirectory()) base = path.join(base, checkPathSegment(meta.name, "name"));
  if (!meta.singleFile && !stat.isDirectory())
    throw new MirrorsError(
      "ERR_MIRRORS_LOCAL_FILE",
      `${content}: the torrent is multi-file, give its top folder`,
    );
  const root = await fsp.realpath(meta.singleFile ? path.dirname(base) : base);
  const out: { key: string; absolute: string }[] = [];
  for (const file of meta.files) {
    if (file.padding) continue;
    const key = meta.singleFile ? meta.name : `${meta.name}/${file.path}`;
    const segments = meta.singleFile ? [] : file.pathSegments.map((s) => checkPathSegment(s, key));
    const absolute = meta.singleFile ? base : path.join(base, ...segments);
    const real = await fsp.realpath(absolute).catch(() => undefined);
    if (!real) throw new MirrorsError("ERR_MIRRORS_LOCAL_FILE", `${absolute}: missing (${key})`);
    if (real !== root && !real.startsWith(root + path.sep))
      throw new MirrorsError("ERR_MIRRORS_LOCAL_FILE", `${absolute}: leads outside ${root}, not read`);
    const size = (await fsp.stat(real)).size;
    if (size !== file.length)
      throw new MirrorsError(
        "ERR_MIRRORS_LOCAL_FILE",
        `${absolute}: ${size} bytes, the torrent says ${file.length}`,
      );
    out.push({ key, absolute: real });
  }
  return out;
}
