// Reads a .torrent file for a command through the torrent package's one safe reader: a regular file
// only (a FIFO, device or folder is refused before any read), streamed up to the size limit.
import { Metainfo, type TorrentMeta } from "@seedpress/torrent";

export async function loadMetainfo(file: string): Promise<Metainfo> {
  return Metainfo.read(file);
}

export async function loadTorrent(file: string): Promise<TorrentMeta> {
  return (await loadMetainfo(file)).meta;
}
