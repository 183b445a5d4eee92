// Reads a .torrent file for a command, turning a missing or unreadable file into a one-line error.
import { readFile } from "node:fs/promises";
import { parseTorrent, type TorrentMeta } from "@seedpress/torrent";
import { UsageError } from "../command.js";
import { errnoInWords } from "../failure.js";

export async function loadTorrent(file: string): Promise<TorrentMeta> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${file}: ${code ? errnoInWords(code) : (error as Error).message}`);
  }
  try {
    return parseTorrent(bytes);
  } catch (error) {
    (error as Error).message = `${file}: ${(error as Error).message}`;
    throw error;
  }
}
