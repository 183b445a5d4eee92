// One rule for every path segment that comes from a torrent or an option: it must name a plain
// entry inside the torrent's folder, on any OS. Hostile torrents carry "..", "/", "\\" and NUL.
import { TorrentError } from "./errors.js";

export function checkPathSegment(segment: string, where: string): string {
  const bad =
    segment === "" ||
    segment === "." ||
    segment === ".." ||
    segment.includes("/") ||
    segment.includes("\\") ||
    segment.includes("\0") ||
    /^[a-zA-Z]:/.test(segment);
  if (bad) {
    throw new TorrentError(
      "ERR_TORRENT_PATH_UNSAFE",
      `${where}: unsafe path component ${JSON.stringify(segment)}`,
    );
  }
  return segment;
}
