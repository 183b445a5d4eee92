// Just enough typing for the JavaScript peers the interop tests drive (they ship no types).
declare module "parse-torrent" {
  export interface ParsedTorrent {
    infoHash: string;
    name: string;
    private?: boolean;
    created?: Date;
    createdBy?: string;
    comment?: string;
    announce: string[];
    urlList: string[];
    files: Array<{ path: string; name: string; length: number; offset: number }>;
    length: number;
    pieceLength: number;
    lastPieceLength: number;
    pieces: string[];
  }
  export default function parseTorrent(torrentId: Uint8Array | string): Promise<ParsedTorrent>;
  export function toMagnetURI(parsed: Partial<ParsedTorrent>): string;
}

declare module "create-torrent" {
  export interface CreateTorrentOptions {
    name?: string;
    creationDate?: Date | number;
    comment?: string;
    createdBy?: string;
    private?: boolean;
    pieceLength?: number;
    announceList?: string[][];
    announce?: string[];
    urlList?: string[];
  }
  export default function createTorrent(
    input: string | string[],
    opts: CreateTorrentOptions,
    cb: (err: Error | null, torrent: Uint8Array) => void,
  ): void;
}
