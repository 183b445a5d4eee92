// parse-torrent ships no types; the serve and mirrors tests use it only to read torrents independently of our parser.
declare module "parse-torrent" {
  interface ParsedTorrent {
    name: string;
    infoHash: string;
    announce: string[];
    urlList: string[];
    announce: string[];
    pieceLength: number;
    files: { path: string; length: number }[];
  }
  export default function parseTorrent(input: Buffer | string): Promise<ParsedTorrent>;
}
