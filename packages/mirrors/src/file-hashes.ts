// SHA-256 of each whole file of a torrent, read from a local copy: streamed, sizes checked first,
// the v1 pieces checked in the same pass, and never a byte read outside the folder given.
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
  // The same pass checks the v1 pieces, so a local copy that is not the torrent's content never
  // lends its SHA-256 to a Metalink.
  const pieces = meta.pieces ? new PieceCheck(meta) : undefined;
  for (const file of meta.files) {
    if (file.padding) {
      pieces?.zeros(file.length);
      continue;
    }
    const { key, absolute } = located.get(file)!;
    const digest = createHash("sha256");
    for await (const chunk of createReadStream(absolute, {
      highWaterMark: 1 << 20,
      signal: options.signal,
    })) {
      digest.update(chunk as Buffer);
      pieces?.update(chunk as Buffer, key);
      progress.bytesDone += (chunk as Buffer).length;
      options.onProgress?.(progress);
    }
    hashes.set(key, digest.digest("hex"));
  }
  pieces?.finish();
  return hashes;
}

/** v1 piece hashes over the files in order, pad files as zeros. */
class PieceCheck {
  private sha1 = createHash("sha1");
  private filled = 0;
  private index = 0;
  private lastKey = "";

  constructor(private readonly meta: TorrentMeta) {}

  update(bytes: Uint8Array, key: string): void {
    this.lastKey = key;
    const pl = this.meta.pieceLength;
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(pl - this.filled, bytes.length - at);
      this.sha1.update(bytes.subarray(at, at + take));
      this.filled += take;
      at += take;
      if (this.filled === pl) this.endPiece();
    }
  }

  zeros(length: number): void {
    const block = new Uint8Array(Math.min(length, 1 << 16));
    for (let left = length; left > 0; left -= block.length) {
      this.update(block.subarray(0, Math.min(left, block.length)), this.lastKey);
    }
  }

  finish(): void {
    if (this.filled > 0) this.endPiece();
  }

  private endPiece(): void {
    const expected = this.meta.pieces!.subarray(this.index * 20, this.index * 20 + 20);
    if (!Buffer.from(this.sha1.digest()).equals(expected)) {
      throw new MirrorsError(
        "ERR_MIRRORS_LOCAL_FILE",
        `piece ${this.index} (in ${this.lastKey}) of the local copy does not match the torrent`,
      );
    }
    this.sha1 = createHash("sha1");
    this.filled = 0;
    this.index++;
  }
}

async function locateFiles(
  meta: TorrentMeta,
  content: string,
): Promise<Map<TorrentMeta["files"][number], { key: string; absolute: string }>> {
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
  const out = new Map<TorrentMeta["files"][number], { key: string; absolute: string }>();
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
    out.set(file, { key, absolute: real });
  }
  return out;
}
