// Reads a .torrent file for a command, turning a missing file into a one-line error.
import { readFile } from "node:fs/promises";
import { parseTorrent, type TorrentMeta } from "@seedpress/torrent";
import { UsageError } from "../command.js";

export async function loadTorrent(file: string): Promise<TorrentMeta> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    throw new UsageError(
      `cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  try {
    return parseTorrent(bytes);
  } catch (error) {
    (error as Error).message = `${file}: ${(error as Error).message}`;
    throw error;
  }
}
