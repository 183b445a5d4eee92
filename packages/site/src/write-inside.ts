// Whole-file writes below a folder: the parent resolved and checked inside it, then @seedpress/torrent's
// atomic write (temp file, fsync, rename), so a reader never sees half a page and nothing lands outside.
import { closeSync, constants, fchmodSync, mkdirSync, openSync, realpathSync } from "node:fs";
import { dirname } from "node:path";
import { writeFileAtomic } from "@seedpress/torrent";
import { errnoCode, readInto, type SiteFolder } from "./folder.js";

/** Does the file at `path` (not followed if a symlink) hold exactly `bytes`? */
export function holdsBytes(folder: SiteFolder, path: string, bytes: Uint8Array): boolean {
  let fd: number | undefined;
  try {
    const file = folder.openFile(path, { noFollow: true });
    fd = file.fd;
    if (!file.stat.isFile() || file.stat.size !== bytes.length) return false;
    const have = Buffer.allocUnsafe(bytes.length);
    return readInto(fd, have) === bytes.length && Buffer.compare(have, bytes) === 0;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Writes `bytes` to `path` below `folder`; returns the path written. `mode` keeps a replaced page's
 * permission bits (set on the new file itself, opened without following a symlink).
 */
export async function writeInside(
  folder: SiteFolder,
  path: string,
  bytes: Uint8Array,
  mode?: number,
): Promise<string> {
  const target = folder.writablePath(path);
  await writeFileAtomic(target, bytes);
  if (mode !== undefined) {
    const fd = openSync(target, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      fchmodSync(fd, mode & 0o7777);
    } finally {
      closeSync(fd);
    }
  }
  return target;
}

/** Makes the missing folders above `path`, after checking that the deepest existing one is inside. */
export function makeParentInside(folder: SiteFolder, path: string): void {
  let existing = dirname(path);
  for (;;) {
    try {
      if (!folder.contains(realpathSync.native(existing))) return;
      break;
    } catch (error) {
      const parent = dirname(existing);
      if (errnoCode(error) !== "ENOENT" || parent === existing) return;
      existing = parent;
    }
  }
  mkdirSync(dirname(path), { recursive: true });
}
