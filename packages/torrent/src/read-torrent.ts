// Reading a .torrent from disk safely: only a regular file, checked on the opened descriptor (a FIFO
// never blocks us, a path swapped after the check is still the file checked), read in chunks up
// to the byte limit, so /dev/zero or a 1.5 GB video given by mistake costs one fstat, not memory.
import { constants, promises as fsp } from "node:fs";
import { TorrentError } from "./errors.js";
import { MAX_TORRENT_BYTES, overLimit } from "./limits.js";

const CHUNK = 1024 * 1024;

function unreadable(file: string, error: unknown): TorrentError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT")
    return new TorrentError("ERR_TORRENT_PATH_NOT_FOUND", `cannot read ${file}: no such file`);
  const why = code ?? (error as Error).message;
  return new TorrentError("ERR_TORRENT_PATH_UNREADABLE", `cannot read ${file}: ${why}`, { cause: error });
}

/** The bytes of a .torrent file, at most `maxBytes` (default MAX_TORRENT_BYTES). */
export async function readTorrentFile(file: string, maxBytes = MAX_TORRENT_BYTES): Promise<Uint8Array> {
  let handle: fsp.FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO with no writer returns at once instead of hanging.
    handle = await fsp.open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    throw unreadable(file, error);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      const kind = stat.isDirectory()
        ? "a folder"
        : stat.isFIFO()
          ? "a FIFO"
          : stat.isSocket()
            ? "a socket"
            : "a device";
      throw new TorrentError("ERR_TORRENT_NOT_A_FILE", `${file}: is ${kind}, not a .torrent file`);
    }
    if (stat.size > maxBytes) overLimit(`${file}: ${stat.size} bytes`, maxBytes, "maxBytes");
    // The size can change under us: read in chunks and stop at the cap, whatever fstat said.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buffer = Buffer.allocUnsafe(Math.min(CHUNK, maxBytes + 1 - total));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > maxBytes) overLimit(`${file}: over ${maxBytes} bytes`, maxBytes, "maxBytes");
      chunks.push(buffer.subarray(0, bytesRead));
    }
    return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total);
  } catch (error) {
    if (error instanceof TorrentError) throw error;
    throw unreadable(file, error);
  } finally {
    await handle.close().catch(() => {});
  }
}
