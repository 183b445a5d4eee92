// Atomic output: write beside the target under a temp name, fsync, rename. A crash, a full disk or
// a bad path leaves either the old file or the new one, never half a .torrent.
import { randomBytes } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import { TorrentError } from "./errors.js";

export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const target = path.resolve(file);
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`,
  );
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(temp, "wx", 0o644);
    await handle.writeFile(bytes);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fsp.rename(temp, target);
  } catch (error) {
    await handle?.close().catch(() => {});
    await fsp.rm(temp, { force: true }).catch(() => {});
    const code = (error as NodeJS.ErrnoException).code ?? "";
    throw new TorrentError("ERR_TORRENT_WRITE", `cannot write ${file}: ${code || (error as Error).message}`, {
      cause: error,
    });
  }
}

/** Writes a .torrent atomically. */
export const writeTorrentFile = writeFileAtomic;
