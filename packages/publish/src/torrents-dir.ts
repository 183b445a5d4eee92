// Where the .torrent files live: the folder asked for, else beside the files when the root is writable,
// else a cache folder of our own keyed by the root's real path (so a read-only folder can be served).
import { createHash } from "node:crypto";
import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { homedir } from "node:os";
import path from "node:path";
import { PublishError } from "./errors.js";

export interface TorrentsDir {
  /** Folder .torrent files are written to. */
  dir: string;
  /** True when that is the root itself (torrents beside the files). */
  beside: boolean;
}

async function writable(dir: string): Promise<boolean> {
  return access(dir, constants.W_OK).then(
    () => true,
    () => false,
  );
}

async function ensure(dir: string, why: string): Promise<string> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new PublishError("ERR_PUBLISH_TORRENTS_DIR", `cannot make ${why} ${dir} (${code})`, {
      cause: error,
    });
  }
  if (!(await writable(dir)))
    throw new PublishError("ERR_PUBLISH_TORRENTS_DIR", `${why} ${dir} is not writable`);
  return dir;
}

/** `$XDG_CACHE_HOME/seedpress` (or `~/.cache/seedpress`) + a hash of the root's real path. */
export function cacheFolder(rootReal: string, base?: string): string {
  const cache = base ?? path.join(process.env.XDG_CACHE_HOME || path.join(homedir(), ".cache"), "seedpress");
  const key = createHash("sha256").update(rootReal).digest("hex").slice(0, 16);
  return path.join(cache, key);
}

export async function chooseTorrentsDir(
  rootReal: string,
  asked: string | undefined,
  cacheBase: string | undefined,
): Promise<TorrentsDir> {
  if (asked !== undefined) {
    const dir = path.resolve(asked);
    return { dir: await ensure(dir, "the torrents folder"), beside: dir === rootReal };
  }
  if (await writable(rootReal)) return { dir: rootReal, beside: true };
  return { dir: await ensure(cacheFolder(rootReal, cacheBase), "the torrent cache"), beside: false };
}
