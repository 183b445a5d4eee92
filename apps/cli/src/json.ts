// The --json shapes, one per concept, shared by the commands (documented in docs/cli.md):
// a torrent (create, info), a magnet link (info magnet:…, magnet), a verify report (verify).
import type { MagnetInfo, TorrentMeta, VerifyReport } from "@seedpress/torrent";

export interface TorrentJson {
  name: string;
  version: TorrentMeta["version"];
  infoHash?: string;
  infoHashV2?: string;
  pieceLength: number;
  pieces: number;
  length: number;
  files: { path: string; length: number; piecesRoot?: string }[];
  announce: string[][];
  urlList: string[];
  private: boolean;
  comment?: string;
  createdBy?: string;
  creationDate?: number;
  source?: string;
  magnet: string;
}

export function torrentJson(meta: TorrentMeta, magnet: string): TorrentJson {
  return {
    name: meta.name,
    version: meta.version,
    infoHash: meta.infoHash,
    infoHashV2: meta.infoHashV2,
    pieceLength: meta.pieceLength,
    pieces: meta.pieceCount,
    length: meta.length,
    files: meta.files
      .filter((f) => !f.padding)
      .map((f) => ({ path: f.path, length: f.length, ...(f.piecesRoot && { piecesRoot: f.piecesRoot }) })),
    announce: meta.announce,
    urlList: meta.urlList,
    private: meta.private,
    comment: meta.comment,
    createdBy: meta.createdBy,
    creationDate: meta.creationDate,
    source: meta.source,
    magnet,
  };
}

export interface MagnetJson extends MagnetInfo {
  magnet: string;
}

export function magnetJson(magnet: string, parsed: MagnetInfo): MagnetJson {
  return { magnet, ...parsed };
}

export type VerifyJson = VerifyReport;
