// Reads a .torrent file for a command through the torrent package's one safe reader (a regular file
// only, streamed up to the size limit), turning a missing or unreadable file into a one-line error.
import { Metainfo, type TorrentMeta } from "@seedpress/torrent";
import { UsageError } from "../command.js";
import { errnoInWords } from "../failure.js";

export async function loadMetainfo(file: string): Promise<Metainfo> {
  try {
    return await Metainfo.read(file);
  } catch (error) {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    const code = (error as { code?: string }).code;
    if (code === "ERR_TORRENT_PATH_NOT_FOUND")
      throw new UsageError(`cannot read ${file}: ${errnoInWords("ENOENT")}`);
    if (code === "ERR_TORRENT_PATH_UNREADABLE" && cause?.code) {
      throw new UsageError(`cannot read ${file}: ${errnoInWords(cause.code)}`);
    }
    if (error instanceof Error && !error.message.includes(file)) error.message = `${file}: ${error.message}`;
    throw error;
  }
}

export async function loadTorrent(file: string): Promise<TorrentMeta> {
  return (await loadMetainfo(file)).meta;
}
